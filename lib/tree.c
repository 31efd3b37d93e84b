/* SPDX-License-Identifier: MIT */
/* Process-tree shape from a /proc snapshot of one cgroup's members. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "tree.h"

#define DEPTH_UNKNOWN 0xFFFFFFFFu

static int cmp_pid(const void *a, const void *b) {
        const struct proc_stat *x = a, *y = b;

        return (x->pid > y->pid) - (x->pid < y->pid);
}

static ssize_t find(const struct proc_stat *m, size_t n, pid_t pid) {
        struct proc_stat key = { .pid = pid };
        const struct proc_stat *hit = bsearch(&key, m, n, sizeof(*m), cmp_pid);

        return hit ? hit - m : -1;
}

/* Depth of i in its chain of same-name ancestors. Iterative, so a 4,000-deep chain cannot
 * overflow the stack: one walk up to a member of known depth (or the chain's top), then a
 * second walk that fills in every member passed. Cycles from pid reuse within a snapshot are
 * cut by the step bound. */
static unsigned chain_depth(const struct proc_stat *m, size_t n, unsigned *depth, size_t i) {
        size_t steps = 0, cur = i;
        unsigned base;

        while (depth[cur] == DEPTH_UNKNOWN && steps <= n) {
                ssize_t p = find(m, n, m[cur].ppid);

                if (p < 0 || (size_t) p == cur || strcmp(m[p].comm, m[cur].comm) != 0) {
                        depth[cur] = 0;
                        break;
                }
                cur = (size_t) p;
                steps++;
        }

        base = depth[cur] == DEPTH_UNKNOWN ? 0 : depth[cur];
        for (size_t k = 0, at = i; k < steps; k++) {
                depth[at] = base + (unsigned) (steps - k);
                at = (size_t) find(m, n, m[at].ppid);
        }
        return depth[i];
}

void tree_analyze(struct proc_stat *members, size_t n, unsigned *scratch, struct tree_shape *ret) {
        struct tree_shape s = {};
        size_t deepest = 0;

        qsort(members, n, sizeof(*members), cmp_pid);
        for (size_t i = 0; i < n; i++)
                scratch[i] = DEPTH_UNKNOWN;

        s.processes = (unsigned) n;
        for (size_t i = 0; i < n; i++) {
                unsigned d = chain_depth(members, n, scratch, i);

                s.threads += members[i].num_threads;
                if (members[i].num_threads > s.max_threads) {
                        s.max_threads = members[i].num_threads;
                        s.max_threads_pid = members[i].pid;
                }
                if (d > s.generations) {
                        s.generations = d;
                        deepest = i;
                }
        }

        if (n > 0) {
                size_t cur = deepest;

                s.chain_end = members[deepest].pid;
                for (unsigned k = 0; k < s.generations; k++)
                        cur = (size_t) find(members, n, members[cur].ppid);
                s.chain_root = members[cur].pid;
        }

        /* Children per parent: scratch is free again, reuse it as a counter per member. */
        for (size_t i = 0; i < n; i++)
                scratch[i] = 0;
        for (size_t i = 0; i < n; i++) {
                ssize_t p = find(members, n, members[i].ppid);

                if (p >= 0 && ++scratch[p] > s.max_children) {
                        s.max_children = scratch[p];
                        s.max_children_pid = members[p].pid;
                }
        }

        /* Orphans grouped by name: a shell bomb's parents exit at once, so its members look
         * like an unrelated crowd of one image whose parents are not in the cgroup. Counting
         * per distinct name is O(n * names); it stops at a name holding a majority, the
         * bomb's case, and after 64 names, which no crowd worth judging needs. */
        for (size_t i = 0; i < n; i++)
                scratch[i] = find(members, n, members[i].ppid) < 0;
        for (size_t i = 0, names = 0; i < n && names < 64; i++) {
                const struct proc_stat *oldest = NULL;
                unsigned count = 0;

                if (scratch[i] != 1)
                        continue;
                names++;
                for (size_t j = i; j < n; j++) {
                        if (scratch[j] != 1 || strcmp(members[j].comm, members[i].comm) != 0)
                                continue;
                        scratch[j] = 2;
                        count++;
                        if (!oldest || members[j].start_time < oldest->start_time)
                                oldest = &members[j];
                }
                if (count > s.crowd) {
                        s.crowd = count;
                        s.crowd_oldest = oldest->pid;
                }
                if ((size_t) count * 2 > n)
                        break;
        }

        *ret = s;
}

enum tree_kind tree_judge(const struct tree_shape *s, unsigned min_tasks, unsigned min_generations,
                          unsigned runaway_tasks) {
        if (s->threads >= min_tasks && s->threads >= 4 * MAX(s->processes, 1u))
                return TREE_THREADS;
        if (s->generations >= min_generations || s->crowd >= 2 * min_tasks)
                return TREE_EXPONENTIAL;
        if (s->max_children >= runaway_tasks)
                return TREE_RUNAWAY;
        return TREE_NONE;
}

pid_t tree_root_of(const struct tree_shape *s, enum tree_kind kind) {
        switch (kind) {
        case TREE_THREADS:
                return s->max_threads_pid;
        case TREE_RUNAWAY:
                return s->max_children_pid;
        case TREE_EXPONENTIAL:
                return s->generations > 0 ? s->chain_root : s->crowd_oldest;
        default:
                return 0;
        }
}

const char *tree_kind_to_string(enum tree_kind k) {
        static const char *const names[] = {
                [TREE_NONE] = "none",
                [TREE_EXPONENTIAL] = "exponential",
                [TREE_RUNAWAY] = "runaway",
                [TREE_THREADS] = "threads",
        };

        return k < ELEMENTSOF(names) ? names[k] : "unknown";
}

static bool descends_from(const struct proc_stat *m, size_t n, size_t i, pid_t root) {
        const char *comm = m[i].comm;

        for (size_t steps = 0; steps <= n; steps++) {
                ssize_t p;

                if (m[i].pid == root)
                        return true;
                p = find(m, n, m[i].ppid);
                if (p < 0 || strcmp(m[p].comm, comm) != 0)
                        return false;
                i = (size_t) p;
        }
        return false;
}

size_t tree_members(const struct proc_stat *members, size_t n, pid_t root, pid_t *out, size_t max) {
        ssize_t r = find(members, n, root);
        bool root_orphan;
        size_t count = 0;

        if (r < 0)
                return 0;
        root_orphan = find(members, n, members[r].ppid) < 0;

        for (size_t i = 0; i < n; i++) {
                bool in = strcmp(members[i].comm, members[r].comm) == 0 &&
                          (descends_from(members, n, i, root) ||
                           (root_orphan && find(members, n, members[i].ppid) < 0));

                if (!in)
                        continue;
                if (count < max)
                        out[count] = members[i].pid;
                count++;
        }
        return count;
}
