/* SPDX-License-Identifier: MIT */
/* One followed cgroup: descriptors kept open on its counter files, read with one pread each,
 * and the writes that contain it (cgroup.freeze, cgroup.kill, cgroup.procs). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "layout.h"

struct cgroup_counters {
        uint64_t tasks;    /* pids.current, or threads listed in cgroup.threads without pids */
        uint64_t pids_max; /* PIDS_MAX_UNLIMITED for "max" or without a pids controller */
        uint64_t peak;     /* pids.peak, 0 when the kernel has none */
        uint64_t refused;  /* the "max" counter of pids.events: forks refused at a limit */
        bool have_pids;
};

struct cgroup_files {
        int dir_fd;      /* the cgroup's v2 directory */
        int pids_dir_fd; /* directory holding pids.* (the v2 one, or v1 pids at the same path) */
        int current_fd;
        int max_fd;
        int peak_fd;
        int events_fd; /* pids.events, also watched for modification notifications */
};

#define CGROUP_FILES_INIT                                                                     \
        { .dir_fd = -1, .pids_dir_fd = -1, .current_fd = -1, .max_fd = -1, .peak_fd = -1,     \
          .events_fd = -1 }

/* Opens the v2 directory of path (relative to the v2 root, starting with '/') and its pids
 * files: on v2 when the layout has pids there, else at the same path in the v1 pids
 * hierarchy. A cgroup without pids files is still opened (tasks then come from
 * cgroup.threads). Returns 0, -ENOENT when the cgroup vanished, or a negative errno. */
int cgroup_files_open(const struct layout *l, const char *path, struct cgroup_files *ret);

/* Closes every descriptor and resets them to -1. Safe on a closed or initialised struct. */
void cgroup_files_close(struct cgroup_files *f);

/* Reads the counters: one pread per open file. Returns 0, -ENODEV/-ENOENT when the cgroup
 * was removed, or a negative errno. */
int cgroup_read_counters(const struct cgroup_files *f, struct cgroup_counters *ret);

/* Parses pids.events content ("max 12\n", possibly with other lines). Returns 0 and the max
 * counter, or -EINVAL when there is no "max" line. */
int cgroup_parse_pids_events(const char *buf, uint64_t *ret_max);

/* Counts newline-terminated entries in a cgroup.procs/cgroup.threads buffer. */
size_t cgroup_count_entries(const char *buf);

/* Parses a cgroup.procs buffer into pids, at most n. Returns the number of entries (which may
 * exceed n) or -EINVAL for a malformed line. */
ssize_t cgroup_parse_procs(const char *buf, pid_t *pids, size_t n);

/* Reads the processes of the cgroup (cgroup.procs) into pids, at most n. Returns the number
 * of entries, which may exceed n, or a negative errno. */
ssize_t cgroup_read_procs(const struct cgroup_files *f, pid_t *pids, size_t n);

/* Writes 1 or 0 to cgroup.freeze. Returns 0, -ENOENT when the kernel has no v2 freezer there,
 * or a negative errno. */
int cgroup_set_frozen(int dir_fd, bool frozen);

/* Reads cgroup.events: *ret_frozen from the "frozen" line, *ret_populated from "populated".
 * Either pointer may be NULL. Returns 0 or a negative errno. */
int cgroup_read_events(int dir_fd, bool *ret_frozen, bool *ret_populated);

/* Reads whether cgroup.freeze is set (what was asked, not whether it is done yet). */
int cgroup_read_freeze(int dir_fd, bool *ret);

/* Writes 1 to cgroup.kill. Returns 0, -ENOENT when the kernel has no cgroup.kill, or a
 * negative errno. */
int cgroup_kill(int dir_fd);

/* Moves a process (its whole thread group) into the cgroup of dir_fd. Returns 0, -ESRCH when
 * it is gone, or a negative errno. */
int cgroup_attach(int dir_fd, pid_t pid);

/* Derives the systemd unit from a cgroup path: the deepest component ending in .service,
 * .scope, .socket, .mount or .swap, or, when there is none, the deepest .slice; a slice below
 * a service ("/a.service/b.slice") gives the service. Writes "" when no component is a unit. */
void cgroup_unit_from_path(const char *path, char *buf, size_t size);

/* Joins root and path (path starts with '/', "/" means the root itself). Returns 0 or
 * -ENAMETOOLONG. */
int cgroup_join(const char *root, const char *path, char *buf, size_t size);
