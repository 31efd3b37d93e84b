/* SPDX-License-Identifier: MIT */
/* Test-only guard shared by fst-launch and the C bombs: the pids limit that holds the caller. */
#pragma once

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The highest pids.max a test may run a bomb under (see FACTS.md: a C bomb reaches 4096 tasks
 * in about 170 ms, so anything larger only makes the host slower to recover). */
#define FST_BOMB_LIMIT_MAX 4096UL

/* Finds the mount point of the cgroup hierarchy carrying controller (NULL: the cgroup2 mount)
 * in /proc/self/mountinfo. Returns 0 or -1. */
static inline int fst_find_mount(const char *controller, char *buf, size_t size) {
        char line[8192];
        FILE *f = fopen("/proc/self/mountinfo", "re");
        int r = -1;

        if (!f)
                return -1;
        while (fgets(line, sizeof(line), f)) {
                char mnt[4096], fstype[64], opts[1024];
                char *sep = strstr(line, " - ");
                char *tok, *save = NULL;

                if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
                        continue;
                if (sscanf(sep + 3, "%63s %*s %1023s", fstype, opts) != 2)
                        continue;
                if (!controller) {
                        if (strcmp(fstype, "cgroup2") != 0)
                                continue;
                } else {
                        int found = 0;

                        if (strcmp(fstype, "cgroup") != 0)
                                continue;
                        for (tok = strtok_r(opts, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
                                if (strcmp(tok, controller) == 0)
                                        found = 1;
                        if (!found)
                                continue;
                }
                snprintf(buf, size, "%s", mnt);
                r = 0;
                break;
        }
        fclose(f);
        return r;
}

/* The smallest numeric pids.max on the path from the caller's pids cgroup up to the root of its
 * hierarchy (v1 pids when the host has one, else cgroup v2). ULONG_MAX when nothing limits it. */
static inline unsigned long fst_pids_limit(void) {
        char line[4096], rel[4096] = "", root[4096], dir[8192];
        unsigned long best = ULONG_MAX;
        int v1 = 0;
        FILE *f = fopen("/proc/self/cgroup", "re");

        if (!f)
                return ULONG_MAX;
        while (fgets(line, sizeof(line), f)) {
                char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
                char ctrls[512];

                if (!c2)
                        continue;
                line[strcspn(line, "\n")] = 0;
                snprintf(ctrls, sizeof(ctrls), ",%.*s,", (int) (c2 - c1 - 1), c1 + 1);
                if (strstr(ctrls, ",pids,")) {
                        snprintf(rel, sizeof(rel), "%s", c2 + 1);
                        v1 = 1;
                        break;
                }
                if (c2 == c1 + 1 && line[0] == '0')
                        snprintf(rel, sizeof(rel), "%s", c2 + 1);
        }
        fclose(f);
        if (fst_find_mount(v1 ? "pids" : NULL, root, sizeof(root)) < 0)
                return ULONG_MAX;
        snprintf(dir, sizeof(dir), "%s%s", root, strcmp(rel, "/") == 0 ? "" : rel);
        for (;;) {
                char path[8300], val[64];
                FILE *m;

                snprintf(path, sizeof(path), "%s/pids.max", dir);
                m = fopen(path, "re");
                if (m) {
                        if (fgets(val, sizeof(val), m) && val[0] >= '0' && val[0] <= '9') {
                                unsigned long v = strtoul(val, NULL, 10);

                                if (v < best)
                                        best = v;
                        }
                        fclose(m);
                }
                if (strlen(dir) <= strlen(root))
                        break;
                *strrchr(dir, '/') = 0;
        }
        return best;
}

/* Exits with status 3 unless a pids limit of at most FST_BOMB_LIMIT_MAX holds the caller. */
static inline void fst_require_limit(const char *who) {
        unsigned long l = fst_pids_limit();

        if (l > FST_BOMB_LIMIT_MAX) {
                fprintf(stderr, "%s: refusing to run: no pids.max <= %lu holds this process\n", who,
                        FST_BOMB_LIMIT_MAX);
                exit(3);
        }
}
