/* SPDX-License-Identifier: MIT */
/* The counter-based detector: per cgroup, a short history of its own task count and of the
 * forks its pids controller refused, judged against a policy's thresholds. It only says that
 * a cgroup grows fast enough to be worth a look at its process tree, or that it sits capped at
 * its limit while forks keep being refused; the tree (tree.h) or the lineage (lineage.h)
 * decides whether the growth is a bomb. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "macro.h"

#define DETECT_HISTORY 32

struct detect_params {
        unsigned min_tasks;
        unsigned runaway_tasks;
        usec_t growth_window_usec;
        unsigned capped_refusals;
        usec_t capped_window_usec;
};

struct detect_sample {
        usec_t at;
        uint64_t tasks;   /* tasks of the cgroup's own processes, children excluded */
        uint64_t refused; /* pids.events max counter */
};

struct detect_state {
        struct detect_sample ring[DETECT_HISTORY];
        unsigned head; /* index of the newest sample */
        unsigned count;
};

enum detect_signal {
        DETECT_QUIET,
        DETECT_GROWING, /* doubled within the window past min_tasks, or past runaway_tasks and
                         * still rising: look at the tree */
        DETECT_CAPPED,  /* at pids.max with >= capped_refusals refusals within the window */
};

struct detect_growth {
        uint64_t tasks;
        uint64_t refused_in_window;
        double growth_per_sec; /* tasks gained per second over the window */
};

void detect_init(struct detect_state *s);

/* Records a sample and judges the history. pids_max is PIDS_MAX_UNLIMITED without a limit;
 * total_tasks is the cgroup's whole count (its own plus its children's), compared with
 * pids_max. Samples older than the longer of the two windows are kept only as long as the ring
 * allows; the ring holds DETECT_HISTORY samples. Fills *ret for any signal. */
enum detect_signal detect_feed(struct detect_state *s, const struct detect_params *p, usec_t now,
                               uint64_t own_tasks, uint64_t total_tasks, uint64_t pids_max,
                               uint64_t refused, struct detect_growth *ret);
