/* SPDX-License-Identifier: MIT */
/* Parsers and readers for /proc/PID files. Every reader takes the /proc root as a directory
 * descriptor so tests can point it at a fixture tree. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROC_COMM_MAX 64

struct proc_stat {
        pid_t pid;
        pid_t ppid;
        char comm[PROC_COMM_MAX]; /* between the first '(' and the LAST ')' of the line */
        char state;               /* R, S, D, Z, T, ... */
        uint64_t start_time;      /* field 22, in clock ticks since boot */
        unsigned num_threads;     /* field 20 */
};

/* Writes "PID/file" (a path relative to the /proc root) into buf. Returns 0, or -EINVAL for a
 * pid <= 0 or a buffer too small. */
int proc_path(char *buf, size_t size, pid_t pid, const char *file);

/* Parses one /proc/PID/stat line. The command name may contain spaces, parentheses and
 * newlines ("a) R (b"): it runs to the last ')' of the buffer. Returns 0, or -EINVAL when a
 * field is missing or malformed. */
int proc_parse_stat(const char *buf, struct proc_stat *ret);

/* Reads and parses PROC/PID/stat. Returns 0, -ENOENT/-ESRCH when the process is gone, or
 * another negative errno. */
int proc_read_stat(int proc_fd, pid_t pid, struct proc_stat *ret);

/* Finds the real uid on the "Uid:" line of a /proc/PID/status buffer. 0 or -EINVAL. */
int proc_parse_status_uid(const char *buf, uid_t *ret);

/* Reads PROC/PID/status and returns the real uid. 0, -ENOENT/-ESRCH when the process is gone,
 * or another negative errno. */
int proc_read_uid(int proc_fd, pid_t pid, uid_t *ret);

/* Reads PROC/PID/cmdline into buf (size >= 1), arguments joined by single spaces,
 * bytes outside printable ASCII (including UTF-8) replaced by '?', truncated to size-1 bytes
 * with a trailing "..." when cut. An empty cmdline (kernel thread or zombie) gives "[comm]"
 * from stat. Returns the length written, -EINVAL when size is 0, -ENOENT/-ESRCH when the
 * process is gone, or another negative errno. */
ssize_t proc_read_cmdline(int proc_fd, pid_t pid, char *buf, size_t size);

/* Finds the cgroup v2 path (the "0::" line) in a /proc/PID/cgroup buffer and copies it to
 * buf. Returns 0, -ENOENT when there is no v2 line, -ENOBUFS when it does not fit. */
int proc_parse_cgroup_v2(const char *content, char *buf, size_t size);

/* Finds the path of the named v1 controller ("pids", "freezer") in a /proc/PID/cgroup buffer.
 * Same returns as proc_parse_cgroup_v2(). */
int proc_parse_cgroup_v1(const char *content, const char *controller, char *buf, size_t size);

/* Reads PROC/PID/cgroup and returns the v2 path as proc_parse_cgroup_v2() does; also
 * -ENOENT/-ESRCH when the process is gone, and -ENOBUFS when the file exceeds 8 KiB. */
int proc_read_cgroup_v2(int proc_fd, pid_t pid, char *buf, size_t size);
