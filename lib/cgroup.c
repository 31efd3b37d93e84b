/* SPDX-License-Identifier: MIT */
/* Cgroup counters on kept descriptors and the writes that freeze, kill and move. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "fileio.h"
#include "macro.h"

int cgroup_join(const char *root, const char *path, char *buf, size_t size) {
        int n;

        if (strcmp(path, "/") == 0)
                path = "";
        n = snprintf(buf, size, "%s%s", root, path);
        if (n < 0 || (size_t) n >= size)
                return -ENAMETOOLONG;
        return 0;
}

static int open_dir(const char *root, const char *path) {
        char full[4096];
        int r, fd;

        r = cgroup_join(root, path, full, sizeof(full));
        if (r < 0)
                return r;

        fd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        return fd;
}

static int open_ro(int dir_fd, const char *name) {
        int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);

        return fd < 0 ? negative_errno() : fd;
}

int cgroup_files_open(const struct layout *l, const char *path, struct cgroup_files *ret) {
        struct cgroup_files f = CGROUP_FILES_INIT;
        int r;

        r = open_dir(l->v2_root, path);
        if (r < 0)
                return r;
        f.dir_fd = r;

        if (l->pids_on_v2)
                f.pids_dir_fd = fcntl(f.dir_fd, F_DUPFD_CLOEXEC, 3);
        else if (l->pids_v1_root[0])
                f.pids_dir_fd = open_dir(l->pids_v1_root, path);

        /* The root cgroup has no pids.* files and a v1 twin may be missing: both fall back to
         * counting cgroup.threads. */
        if (f.pids_dir_fd >= 0) {
                f.current_fd = open_ro(f.pids_dir_fd, "pids.current");
                if (f.current_fd >= 0) {
                        f.max_fd = open_ro(f.pids_dir_fd, "pids.max");
                        f.peak_fd = open_ro(f.pids_dir_fd, "pids.peak");
                        f.events_fd = open_ro(f.pids_dir_fd, "pids.events");
                }
        }
        f.pids_dir_fd = MAX(f.pids_dir_fd, -1);
        f.current_fd = MAX(f.current_fd, -1);
        f.max_fd = MAX(f.max_fd, -1);
        f.peak_fd = MAX(f.peak_fd, -1);
        f.events_fd = MAX(f.events_fd, -1);

        *ret = f;
        return 0;
}

void cgroup_files_close(struct cgroup_files *f) {
        int *fds[] = { &f->dir_fd, &f->pids_dir_fd, &f->current_fd,
                       &f->max_fd, &f->peak_fd,     &f->events_fd };

        for (size_t i = 0; i < ELEMENTSOF(fds); i++) {
                if (*fds[i] >= 0)
                        (void) close(*fds[i]);
                *fds[i] = -1;
        }
}

int cgroup_parse_pids_events(const char *buf, uint64_t *ret_max) {
        const char *p = buf;

        while (p && *p) {
                if (strncmp(p, "max ", 4) == 0) {
                        char num[32];
                        size_t len = strcspn(p + 4, "\n");

                        if (len == 0 || len >= sizeof(num))
                                return -EINVAL;
                        memcpy(num, p + 4, len);
                        num[len] = '\0';
                        return fileio_parse_u64(num, 0, ret_max);
                }
                p = strchr(p, '\n');
                if (p)
                        p++;
        }
        return -EINVAL;
}

size_t cgroup_count_entries(const char *buf) {
        size_t n = 0;

        for (const char *p = buf; *p; p++)
                if (*p == '\n')
                        n++;
        return n;
}

ssize_t cgroup_parse_procs(const char *buf, pid_t *pids, size_t n) {
        size_t count = 0;
        const char *p = buf;

        while (*p) {
                char *end;
                long v;

                /* strtol() would skip leading blanks, even an empty line before a number. */
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                errno = 0;
                v = strtol(p, &end, 10);
                if (errno != 0 || end == p || v <= 0 || v > INT_MAX || (*end != '\n' && *end != '\0'))
                        return -EINVAL;
                if (count < n)
                        pids[count] = (pid_t) v;
                count++;
                p = *end ? end + 1 : end;
        }
        return (ssize_t) count;
}

static int read_u64_fd(int fd, int allow_max, uint64_t *ret) {
        char buf[64];
        ssize_t n;

        n = fileio_pread_str(fd, buf, sizeof(buf));
        if (n < 0)
                return (int) n;
        return fileio_parse_u64(buf, allow_max, ret);
}

static int count_threads(int dir_fd, uint64_t *ret) {
        _cleanup_free_ char *buf = NULL;
        int r;

        /* Without a pids controller the only per-cgroup task count is the length of
         * cgroup.threads: this costs O(tasks), unlike pids.current. */
        r = fileio_read_full_at(dir_fd, "cgroup.threads", 64 << 20, &buf, NULL);
        if (r < 0)
                return r;
        *ret = cgroup_count_entries(buf);
        return 0;
}

int cgroup_read_counters(const struct cgroup_files *f, struct cgroup_counters *ret) {
        struct cgroup_counters c = { .pids_max = PIDS_MAX_UNLIMITED };
        char buf[256];
        int r;

        if (f->current_fd < 0) {
                r = count_threads(f->dir_fd, &c.tasks);
                if (r < 0)
                        return r;
                *ret = c;
                return 0;
        }

        c.have_pids = true;
        r = read_u64_fd(f->current_fd, 0, &c.tasks);
        if (r < 0)
                return r;
        if (f->max_fd >= 0 && read_u64_fd(f->max_fd, 1, &c.pids_max) < 0)
                c.pids_max = PIDS_MAX_UNLIMITED;
        if (f->peak_fd >= 0 && read_u64_fd(f->peak_fd, 0, &c.peak) < 0)
                c.peak = 0;
        if (f->events_fd >= 0 && fileio_pread_str(f->events_fd, buf, sizeof(buf)) >= 0)
                (void) cgroup_parse_pids_events(buf, &c.refused);

        *ret = c;
        return 0;
}

ssize_t cgroup_read_procs(const struct cgroup_files *f, pid_t *pids, size_t n) {
        _cleanup_free_ char *buf = NULL;
        int r;

        r = fileio_read_full_at(f->dir_fd, "cgroup.procs", 64 << 20, &buf, NULL);
        if (r < 0)
                return r;
        return cgroup_parse_procs(buf, pids, n);
}

int cgroup_set_frozen(int dir_fd, bool frozen) {
        return fileio_write_at(dir_fd, "cgroup.freeze", frozen ? "1" : "0");
}

static bool events_flag(const char *buf, const char *key) {
        size_t len = strlen(key);

        for (const char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
                if (strncmp(p, key, len) == 0 && p[len] == ' ')
                        return p[len + 1] == '1';
        return false;
}

int cgroup_read_events(int dir_fd, bool *ret_frozen, bool *ret_populated) {
        char buf[256];
        ssize_t n;

        n = fileio_read_at(dir_fd, "cgroup.events", buf, sizeof(buf));
        if (n < 0)
                return (int) n;
        if (ret_frozen)
                *ret_frozen = events_flag(buf, "frozen");
        if (ret_populated)
                *ret_populated = events_flag(buf, "populated");
        return 0;
}

int cgroup_read_freeze(int dir_fd, bool *ret) {
        char buf[16];
        ssize_t n;

        n = fileio_read_at(dir_fd, "cgroup.freeze", buf, sizeof(buf));
        if (n < 0)
                return (int) n;
        *ret = buf[0] == '1';
        return 0;
}

int cgroup_kill(int dir_fd) {
        return fileio_write_at(dir_fd, "cgroup.kill", "1");
}

int cgroup_attach(int dir_fd, pid_t pid) {
        char num[32];

        (void) snprintf(num, sizeof(num), "%d", (int) pid);
        return fileio_write_at(dir_fd, "cgroup.procs", num);
}

static bool is_unit_name(const char *s, size_t len) {
        static const char *const suffixes[] = { ".service", ".scope", ".socket",
                                                ".mount",   ".swap",  ".slice" };

        for (size_t i = 0; i < ELEMENTSOF(suffixes); i++) {
                size_t sl = strlen(suffixes[i]);

                if (len > sl && memcmp(s + len - sl, suffixes[i], sl) == 0)
                        return true;
        }
        return false;
}

void cgroup_unit_from_path(const char *path, char *buf, size_t size) {
        const char *best = NULL;
        size_t best_len = 0;

        if (size == 0)
                return;
        buf[0] = '\0';

        /* The deepest unit wins, except that a slice never hides a service or scope below
         * it: "/user.slice/user-1000.slice/session-2.scope/x" gives "session-2.scope". */
        for (const char *p = path; *p;) {
                size_t len;

                while (*p == '/')
                        p++;
                len = strcspn(p, "/");
                if (len > 0 && is_unit_name(p, len))
                        if (!best || !(len > 6 && memcmp(p + len - 6, ".slice", 6) == 0) ||
                            (best_len > 6 && memcmp(best + best_len - 6, ".slice", 6) == 0)) {
                                best = p;
                                best_len = len;
                        }
                p += len;
        }

        if (best && best_len < size) {
                memcpy(buf, best, best_len);
                buf[best_len] = '\0';
        }
}
