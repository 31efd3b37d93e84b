/* SPDX-License-Identifier: MIT */
/* Discovers the cgroup layout of the host: where cgroup v2 is mounted and where the pids and
 * freezer controllers live (on v2, or as v1 hierarchies on a hybrid host). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct mountinfo_entry {
        char mount_point[4096];
        char fstype[32];
        char super_options[512]; /* e.g. "rw,pids" for a v1 pids hierarchy */
        char root[4096];         /* the mount's root within its file system (field 4) */
};

/* Parses one line of /proc/self/mountinfo (octal escapes such as \040 decoded). Handles any
 * number of optional fields before the "-" separator. Returns 0 or -EINVAL. */
int mountinfo_parse_line(const char *line, struct mountinfo_entry *ret);

/* Scans a mountinfo file for the first cgroup2 mount. Returns 0 and copies its mount point,
 * -ENOENT when there is none, another negative errno on read errors. */
int mountinfo_find_cgroup2(const char *mountinfo_path, char *buf, size_t size);

/* Scans a mountinfo file for the v1 hierarchy carrying the named controller ("pids"), by its
 * super options. Returns 0, -ENOENT, or a negative errno. */
int mountinfo_find_cgroup1(const char *mountinfo_path, const char *controller, char *buf,
                           size_t size);

enum layout_kind {
        LAYOUT_UNIFIED, /* pure v2 */
        LAYOUT_HYBRID,  /* v2 mounted beside v1 hierarchies */
};

struct layout {
        enum layout_kind kind;
        char v2_root[4096];      /* cgroup2 mount point, e.g. /sys/fs/cgroup or .../unified */
        bool pids_on_v2;         /* "pids" is listed in the v2 root's cgroup.controllers */
        char pids_v1_root[4096]; /* v1 pids hierarchy, "" when none or when pids_on_v2 */
        char freezer_v1_root[4096]; /* v1 freezer hierarchy, "" when none */
};

/* Discovers the layout: the v2 mount from mountinfo_path, pids on v2 from its
 * cgroup.controllers, otherwise the v1 pids hierarchy from libcgroup (cgroup_init() and
 * cgroup_get_subsys_mount_point()), falling back to mountinfo when libcgroup fails. Returns 0,
 * -ENOENT when there is no cgroup v2 mount at all, or a negative errno. */
int layout_discover(const char *mountinfo_path, struct layout *ret);

/* Does what layout_discover() does; with use_libcgroup false, the v1 hierarchies come from
 * mountinfo_path alone, so tests can describe a host in a fixture without libcgroup reading
 * the real one. layout_discover() calls this with true. */
int layout_discover_at(const char *mountinfo_path, bool use_libcgroup, struct layout *ret);

/* Writes one human line describing the layout, truncated to size-1 bytes, e.g.
 * "hybrid: cgroup v2 at '/sys/fs/cgroup/unified' without pids, pids v1 at
 * '/sys/fs/cgroup/pids', freezer v1 at '/sys/fs/cgroup/freezer'" or
 * "unified: cgroup v2 at '/sys/fs/cgroup' with pids". */
void layout_describe(const struct layout *l, char *buf, size_t size);
