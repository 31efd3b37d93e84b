/* SPDX-License-Identifier: MIT */
/* Finds where cgroup v2 and the pids and freezer controllers are mounted on this host. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <libcgroup.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "layout.h"
#include "macro.h"

/* Copies the space-separated field at *p into buf (NULL: skip it), decoding the octal escapes
 * the kernel writes for space, tab, newline and backslash (\040 \011 \012 \134), and advances
 * *p past the field and its separator. Returns 0, or -EINVAL for an empty field, a field that
 * does not fit, or an escaped NUL. */
static int mountinfo_take_field(const char **p, char *buf, size_t size) {
        const char *s = *p;
        size_t len = 0;

        if (*s == ' ' || *s == '\n' || *s == '\0')
                return -EINVAL;

        while (*s != ' ' && *s != '\n' && *s != '\0') {
                char c = *s++;

                if (c == '\\' && s[0] >= '0' && s[0] <= '3' && s[1] >= '0' && s[1] <= '7' &&
                    s[2] >= '0' && s[2] <= '7') {
                        c = (char) ((s[0] - '0') << 6 | (s[1] - '0') << 3 | (s[2] - '0'));
                        s += 3;
                        if (c == '\0')
                                return -EINVAL;
                }

                if (buf) {
                        if (len + 1 >= size)
                                return -EINVAL;
                        buf[len] = c;
                }
                len++;
        }

        if (buf)
                buf[len] = '\0';
        if (*s == ' ')
                s++;
        *p = s;
        return 0;
}

/* Checks that the field at *p is a decimal number, or two joined by ':' (the device), and
 * skips it. */
static int mountinfo_skip_number(const char **p, bool device) {
        const char *s = *p;
        size_t n = strspn(s, "0123456789");

        if (n == 0)
                return -EINVAL;
        s += n;

        if (device) {
                if (*s != ':')
                        return -EINVAL;
                s++;
                n = strspn(s, "0123456789");
                if (n == 0)
                        return -EINVAL;
                s += n;
        }

        if (*s != ' ')
                return -EINVAL;

        *p = s + 1;
        return 0;
}

int mountinfo_parse_line(const char *line, struct mountinfo_entry *ret) {
        struct mountinfo_entry e;
        const char *p = line;

        assert(line);
        assert(ret);

        /* "36 35 98:0 /root /mnt opts [optional fields...] - fstype source super-options" */
        if (mountinfo_skip_number(&p, false) < 0 ||
            mountinfo_skip_number(&p, false) < 0 ||
            mountinfo_skip_number(&p, true) < 0 ||
            mountinfo_take_field(&p, e.root, sizeof(e.root)) < 0 ||
            mountinfo_take_field(&p, e.mount_point, sizeof(e.mount_point)) < 0 ||
            mountinfo_take_field(&p, NULL, 0) < 0)
                return -EINVAL;

        /* Zero or more optional fields ("shared:1", "master:2", ...) up to a lone "-". */
        for (;;) {
                if (p[0] == '-' && p[1] == ' ') {
                        p += 2;
                        break;
                }
                if (mountinfo_take_field(&p, NULL, 0) < 0)
                        return -EINVAL;
        }

        if (mountinfo_take_field(&p, e.fstype, sizeof(e.fstype)) < 0 ||
            mountinfo_take_field(&p, NULL, 0) < 0 ||
            mountinfo_take_field(&p, e.super_options, sizeof(e.super_options)) < 0)
                return -EINVAL;

        *ret = e;
        return 0;
}

/* Whether the comma-separated list holds word as a whole entry: "rw,pids" holds "pids",
 * "rw,name=pids2" does not. */
static bool options_have_word(const char *list, const char *word) {
        size_t len = strlen(word);

        for (const char *p = list;; p++) {
                if (strncmp(p, word, len) == 0 && (p[len] == ',' || p[len] == '\0'))
                        return true;

                p = strchr(p, ',');
                if (!p)
                        return false;
        }
}

/* Finds the first mount of type fstype, and when controller is set, carrying it in its super
 * options; copies the mount point into buf. Lines the parser rejects (a field longer than
 * our buffers) cannot be a cgroup mount we can use and are skipped. */
static int mountinfo_find(const char *mountinfo_path, const char *fstype, const char *controller,
                          char *buf, size_t size) {
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        struct mountinfo_entry e;
        size_t allocated = 0;

        assert(mountinfo_path);
        assert(fstype);
        assert(buf);

        f = fopen(mountinfo_path, "re");
        if (!f)
                return negative_errno();

        for (;;) {
                errno = 0;
                if (getline(&line, &allocated, f) < 0)
                        return errno != 0 ? -errno : -ENOENT;

                if (mountinfo_parse_line(line, &e) < 0)
                        continue;
                if (strcmp(e.fstype, fstype) != 0)
                        continue;
                if (controller && !options_have_word(e.super_options, controller))
                        continue;

                if (strlen(e.mount_point) >= size)
                        return -ENOBUFS;
                memcpy(buf, e.mount_point, strlen(e.mount_point) + 1);
                return 0;
        }
}

int mountinfo_find_cgroup2(const char *mountinfo_path, char *buf, size_t size) {
        return mountinfo_find(mountinfo_path, "cgroup2", NULL, buf, size);
}

int mountinfo_find_cgroup1(const char *mountinfo_path, const char *controller, char *buf,
                           size_t size) {
        if (!controller || !*controller)
                return -EINVAL;

        return mountinfo_find(mountinfo_path, "cgroup", controller, buf, size);
}

/* Whether the v2 root offers the pids controller: "cpuset cpu io memory pids\n". */
static int layout_read_pids_on_v2(const char *v2_root, bool *ret) {
        char path[4096 + 32], buf[1024];
        ssize_t n;
        int k;

        k = snprintf(path, sizeof(path), "%s/cgroup.controllers", v2_root);
        if (k < 0 || (size_t) k >= sizeof(path))
                return -ENAMETOOLONG;

        n = fileio_read_at(AT_FDCWD, path, buf, sizeof(buf));
        if (n < 0)
                return (int) n;

        for (const char *w = buf + strspn(buf, " \n"); *w; w += strspn(w, " \n")) {
                size_t len = strcspn(w, " \n");

                if (len == 4 && memcmp(w, "pids", 4) == 0) {
                        *ret = true;
                        return 0;
                }
                w += len;
        }

        *ret = false;
        return 0;
}

/* Asks libcgroup (already initialized) for the v1 hierarchy of controller. libcgroup answers
 * with its own ECG* codes: any failure is -ENOENT here and the caller reads mountinfo. */
static int layout_libcgroup_mount(const char *controller, const char *v2_root, char *buf,
                                  size_t size) {
        _cleanup_free_ char *mnt = NULL;

        if (cgroup_get_subsys_mount_point(controller, &mnt) != 0 || !mnt)
                return -ENOENT;

        /* libcgroup 2.x also knows v2 mounts; a v1 hierarchy is what is asked for here. */
        if (strcmp(mnt, v2_root) == 0 || strlen(mnt) >= size)
                return -ENOENT;

        memcpy(buf, mnt, strlen(mnt) + 1);
        return 0;
}

/* Finds the v1 hierarchy of controller, from libcgroup when it works, else from mountinfo.
 * Leaves buf empty when there is none. */
static int layout_find_v1(const char *mountinfo_path, const char *controller, bool use_libcgroup,
                          const char *v2_root, char *buf, size_t size) {
        int r;

        if (use_libcgroup && layout_libcgroup_mount(controller, v2_root, buf, size) == 0)
                return 0;

        r = mountinfo_find_cgroup1(mountinfo_path, controller, buf, size);
        if (r == -ENOENT) {
                buf[0] = '\0';
                return 0;
        }

        return r;
}

int layout_discover_at(const char *mountinfo_path, bool use_libcgroup, struct layout *ret) {
        struct layout l = {};
        char any_v1[4096];
        int r;

        assert(mountinfo_path);
        assert(ret);

        r = mountinfo_find_cgroup2(mountinfo_path, l.v2_root, sizeof(l.v2_root));
        if (r < 0)
                return r;

        /* Without a cgroup.controllers to read, v2 offers nothing and v1 is all there is. */
        r = layout_read_pids_on_v2(l.v2_root, &l.pids_on_v2);
        if (r < 0 && r != -ENOENT)
                return r;

        /* cgroup_init() fails on some hosts (e.g. with unusual mounts); mountinfo then answers. */
        if (use_libcgroup && cgroup_init() != 0)
                use_libcgroup = false;

        if (!l.pids_on_v2) {
                r = layout_find_v1(mountinfo_path, "pids", use_libcgroup, l.v2_root,
                                   l.pids_v1_root, sizeof(l.pids_v1_root));
                if (r < 0)
                        return r;
        }

        r = layout_find_v1(mountinfo_path, "freezer", use_libcgroup, l.v2_root,
                           l.freezer_v1_root, sizeof(l.freezer_v1_root));
        if (r < 0)
                return r;

        /* Any v1 hierarchy beside v2 (even a named one like name=systemd) makes the host hybrid. */
        r = mountinfo_find(mountinfo_path, "cgroup", NULL, any_v1, sizeof(any_v1));
        if (r < 0 && r != -ENOENT)
                return r;
        l.kind = r == 0 ? LAYOUT_HYBRID : LAYOUT_UNIFIED;

        *ret = l;
        return 0;
}

int layout_discover(const char *mountinfo_path, struct layout *ret) {
        return layout_discover_at(mountinfo_path, true, ret);
}

void layout_describe(const struct layout *l, char *buf, size_t size) {
        size_t len;
        int n;

        assert(l);
        assert(buf);

        if (size == 0)
                return;

        n = snprintf(buf, size, "%s: cgroup v2 at '%s' %s",
                     l->kind == LAYOUT_HYBRID ? "hybrid" : "unified", l->v2_root,
                     l->pids_on_v2 ? "with pids" : "without pids");

        len = strlen(buf);
        if (n >= 0 && !l->pids_on_v2 && l->pids_v1_root[0])
                n = snprintf(buf + len, size - len, ", pids v1 at '%s'", l->pids_v1_root);
        else if (n >= 0 && !l->pids_on_v2)
                n = snprintf(buf + len, size - len, ", no pids controller");

        len = strlen(buf);
        if (n >= 0 && l->freezer_v1_root[0])
                (void) snprintf(buf + len, size - len, ", freezer v1 at '%s'", l->freezer_v1_root);
}
