/* SPDX-License-Identifier: MIT */
/* Readers of /proc/PID/{stat,status,cmdline,cgroup} that never allocate: they run per process. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "proc.h"

/* A stat line has 52 numeric fields of at most 20 digits each plus a comm of at most 64 bytes
 * (workqueue workers show long names): about 1.2 KiB in the worst case. */
#define PROC_STAT_BUF 2048

/* The Uid line sits near the top of status; the whole file is about 1.5 KiB on kernel 6.18 but
 * long Cpus_allowed/Mems_allowed masks on big machines make it grow, so the tail may be cut. */
#define PROC_STATUS_BUF 4096

/* /proc/PID/cgroup of a hybrid host holds one line per v1 hierarchy plus the v2 line. */
#define PROC_CGROUP_BUF 8192

/* Returns the start of the line after the one at line, or NULL at the end of the buffer. */
static const char *line_next(const char *line) {
        const char *nl = strchr(line, '\n');

        return nl && nl[1] ? nl + 1 : NULL;
}

int proc_path(char *buf, size_t size, pid_t pid, const char *file) {
        char digits[16];
        size_t n = 0, at = 0;
        unsigned v = (unsigned) pid;

        if (pid <= 0 || size == 0)
                return -EINVAL;

        /* By hand: the daemon builds two of these per exec event, and snprintf showed in its
         * profile under a churn of short processes. */
        do {
                digits[n++] = (char) ('0' + v % 10);
                v /= 10;
        } while (v > 0);
        if (n + 1 + strlen(file) >= size)
                return -EINVAL;
        while (n > 0)
                buf[at++] = digits[--n];
        buf[at++] = '/';
        memcpy(buf + at, file, strlen(file) + 1);
        return 0;
}

/* Parses the decimal number that starts at *p and ends at a space, a tab, a newline or the end
 * of the string; advances *p to that end. */
static int parse_field_u64(const char **p, uint64_t *ret) {
        const char *s = *p;
        uint64_t v = 0;

        if (*s < '0' || *s > '9')
                return -EINVAL;

        for (; *s >= '0' && *s <= '9'; s++) {
                if (v > (UINT64_MAX - (uint64_t) (*s - '0')) / 10)
                        return -EINVAL;
                v = v * 10 + (uint64_t) (*s - '0');
        }
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\0')
                return -EINVAL;

        *p = s;
        *ret = v;
        return 0;
}

/* Steps over the single space at p to the field after it. Returns that field's start, or NULL
 * when p is not at a space or no field follows. */
static const char *next_field(const char *p) {
        if (*p != ' ')
                return NULL;
        p++;
        if (*p == '\0' || *p == '\n' || *p == ' ')
                return NULL;
        return p;
}

/* Steps from the field starting at p to the next one, as next_field() does. */
static const char *skip_field(const char *p) {
        p += strcspn(p, " \n");
        return next_field(p);
}

int proc_parse_stat(const char *buf, struct proc_stat *ret) {
        const char *lparen, *rparen, *p;
        uint64_t pid, ppid, threads, start_time;
        size_t comm_len;
        char state;
        int r;

        assert(buf);
        assert(ret);

        /* The pid, then " (": the comm starts at the first '(' and ends at the last ')', since
         * every later field is a number or a single state letter. */
        p = buf;
        r = parse_field_u64(&p, &pid);
        if (r < 0 || pid == 0 || pid > INT32_MAX)
                return -EINVAL;
        if (p[0] != ' ' || p[1] != '(')
                return -EINVAL;
        lparen = p + 1;

        rparen = strrchr(lparen, ')');
        if (!rparen)
                return -EINVAL;
        comm_len = (size_t) (rparen - lparen - 1);

        /* Field 3, the state: one letter. */
        p = next_field(rparen + 1);
        if (!p || p[1] != ' ')
                return -EINVAL;
        state = p[0];

        /* Field 4, the parent. */
        p = next_field(p + 1);
        if (!p || parse_field_u64(&p, &ppid) < 0 || ppid > INT32_MAX)
                return -EINVAL;

        /* Fields 5-19 are skipped; field 20 is the thread count. */
        for (int field = 5; field <= 20 && p; field++)
                p = skip_field(p);
        if (!p || parse_field_u64(&p, &threads) < 0 || threads > UINT32_MAX)
                return -EINVAL;

        /* Field 21 is skipped; field 22 is the start time. */
        p = next_field(p);
        p = p ? skip_field(p) : NULL;
        if (!p || parse_field_u64(&p, &start_time) < 0)
                return -EINVAL;

        ret->pid = (pid_t) pid;
        ret->ppid = (pid_t) ppid;
        comm_len = MIN(comm_len, sizeof(ret->comm) - 1);
        memcpy(ret->comm, lparen + 1, comm_len);
        ret->comm[comm_len] = '\0';
        ret->state = state;
        ret->num_threads = (unsigned) threads;
        ret->start_time = start_time;
        return 0;
}

/* Reads PROC/PID/file into buf as fileio_read_at() does. Returns the length, or a negative
 * errno: -ESRCH for an empty file, which the kernel hands out only for a task being torn down. */
static ssize_t read_pid_file(int proc_fd, pid_t pid, const char *file, char *buf, size_t size) {
        char path[32];
        ssize_t n;
        int r;

        r = proc_path(path, sizeof(path), pid, file);
        if (r < 0)
                return r;

        n = fileio_read_at(proc_fd, path, buf, size);
        if (n == 0)
                return -ESRCH;
        return n;
}

int proc_read_stat(int proc_fd, pid_t pid, struct proc_stat *ret) {
        char buf[PROC_STAT_BUF];
        ssize_t n;

        assert(ret);

        n = read_pid_file(proc_fd, pid, "stat", buf, sizeof(buf));
        if (n < 0)
                return (int) n;

        return proc_parse_stat(buf, ret);
}

int proc_parse_status_uid(const char *buf, uid_t *ret) {
        const char *line;
        uint64_t uid;

        assert(buf);
        assert(ret);

        for (line = buf; line; line = line_next(line)) {
                const char *p;

                if (strncmp(line, "Uid:", 4) != 0)
                        continue;

                /* "Uid:\treal\teffective\tsaved\tfs": the first number is the real uid. */
                p = line + 4;
                p += strspn(p, " \t");
                if (parse_field_u64(&p, &uid) < 0)
                        return -EINVAL;
                /* (uid_t) -1 is not a uid: it means "no change" to setresuid(). */
                if (uid >= UINT32_MAX)
                        return -EINVAL;

                *ret = (uid_t) uid;
                return 0;
        }

        return -EINVAL;
}

int proc_read_uid(int proc_fd, pid_t pid, uid_t *ret) {
        char buf[PROC_STATUS_BUF];
        ssize_t n;

        assert(ret);

        n = read_pid_file(proc_fd, pid, "status", buf, sizeof(buf));
        if (n < 0)
                return (int) n;

        return proc_parse_status_uid(buf, ret);
}

/* Turns the raw NUL-separated argument block of len bytes in buf into one printable line in
 * place. Unless cut, the block ends with a NUL, and processes that rewrite their title often
 * pad it with more: those are dropped. Returns the new length. */
static size_t cmdline_sanitize(char *buf, size_t len, bool cut) {
        while (!cut && len > 0 && buf[len - 1] == '\0')
                len--;

        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char) buf[i];

                /* Only printable ASCII: a cut multibyte sequence must not reach the journal. */
                if (c == '\0')
                        buf[i] = ' ';
                else if (c < 0x20 || c >= 0x7f)
                        buf[i] = '?';
        }

        if (cut && len >= 3)
                memcpy(buf + len - 3, "...", 3);

        buf[len] = '\0';
        return len;
}

/* Whether an argument byte follows offset off. Only a bounded look: title padding of more than
 * a few hundred NULs followed by text is not worth a loop in the hot path. */
static int cmdline_has_more(int fd, off_t off, bool *ret) {
        char tail[256];
        ssize_t n;

        n = pread(fd, tail, sizeof(tail), off);
        if (n < 0)
                return negative_errno();

        *ret = false;
        for (ssize_t i = 0; i < n && !*ret; i++)
                *ret = tail[i] != '\0';
        return 0;
}

ssize_t proc_read_cmdline(int proc_fd, pid_t pid, char *buf, size_t size) {
        _cleanup_close_ int fd = -1;
        struct proc_stat st;
        bool cut = false;
        char path[32];
        ssize_t n;
        size_t len;
        int r;

        assert(buf);

        if (size == 0)
                return -EINVAL;

        r = proc_path(path, sizeof(path), pid, "cmdline");
        if (r < 0)
                return r;

        fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();

        /* The whole buffer: the last byte decides whether anything but the final NUL was cut. */
        n = pread(fd, buf, size, 0);
        if (n < 0)
                return negative_errno();

        len = (size_t) n;
        if (len == size) {
                len = size - 1;
                cut = buf[len] != '\0';
                if (!cut) {
                        r = cmdline_has_more(fd, (off_t) size, &cut);
                        if (r < 0)
                                return r;
                }
        }

        len = cmdline_sanitize(buf, len, cut);
        if (len > 0 || cut)
                return (ssize_t) len;

        /* Kernel threads and zombies have no arguments: show the command name as ps does. */
        r = proc_read_stat(proc_fd, pid, &st);
        if (r < 0)
                return r;

        (void) snprintf(buf, size, "[%s]", st.comm);
        return (ssize_t) strlen(buf);
}

/* Copies the rest of the line starting at p into buf; -ENOBUFS when it does not fit. */
static int copy_line(const char *p, char *buf, size_t size) {
        size_t len = strcspn(p, "\n");

        if (len >= size)
                return -ENOBUFS;

        memcpy(buf, p, len);
        buf[len] = '\0';
        return 0;
}

int proc_parse_cgroup_v2(const char *content, char *buf, size_t size) {
        const char *line;

        assert(content);
        assert(buf);

        for (line = content; line; line = line_next(line))
                if (strncmp(line, "0::", 3) == 0)
                        return copy_line(line + 3, buf, size);

        return -ENOENT;
}

/* Whether the comma-separated list of length len at list holds word as a whole entry. */
static bool list_has_word(const char *list, size_t len, const char *word) {
        size_t wlen = strlen(word);
        const char *end = list + len;

        while (list < end) {
                const char *comma = memchr(list, ',', (size_t) (end - list));
                size_t tlen = comma ? (size_t) (comma - list) : (size_t) (end - list);

                if (tlen == wlen && memcmp(list, word, wlen) == 0)
                        return true;
                if (!comma)
                        break;
                list = comma + 1;
        }

        return false;
}

int proc_parse_cgroup_v1(const char *content, const char *controller, char *buf, size_t size) {
        const char *line;

        assert(content);
        assert(controller);
        assert(buf);

        /* "ID:controller[,controller...]:path", e.g. "8:pids:/user.slice". */
        for (line = content; line; line = line_next(line)) {
                const char *list, *path;

                list = strchr(line, ':');
                if (!list || memchr(line, '\n', (size_t) (list - line)))
                        continue;
                list++;
                path = strchr(list, ':');
                if (!path || memchr(list, '\n', (size_t) (path - list)))
                        continue;

                if (list_has_word(list, (size_t) (path - list), controller))
                        return copy_line(path + 1, buf, size);
        }

        return -ENOENT;
}

int proc_read_cgroup_v2(int proc_fd, pid_t pid, char *buf, size_t size) {
        char content[PROC_CGROUP_BUF];
        ssize_t n;
        int r;

        assert(buf);

        n = read_pid_file(proc_fd, pid, "cgroup", content, sizeof(content));
        if (n < 0)
                return (int) n;

        r = proc_parse_cgroup_v2(content, buf, size);
        /* A full buffer may have cut the v2 line, which the kernel prints last. */
        if ((size_t) n == sizeof(content) - 1 && (r == -ENOENT || content[n - 1] != '\n'))
                return -ENOBUFS;

        return r;
}
