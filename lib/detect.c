/* SPDX-License-Identifier: MIT */
/* Growth and capped-at-limit signals from a cgroup's counter history. */
#include <string.h>

#include "detect.h"

void detect_init(struct detect_state *s) {
        memset(s, 0, sizeof(*s));
}

static const struct detect_sample *sample_at(const struct detect_state *s, unsigned age) {
        return &s->ring[(s->head + DETECT_HISTORY - age) % DETECT_HISTORY];
}

enum detect_signal detect_feed(struct detect_state *s, const struct detect_params *p, usec_t now,
                               uint64_t own_tasks, uint64_t total_tasks, uint64_t pids_max,
                               uint64_t refused, struct detect_growth *ret) {
        usec_t spacing = MAX(p->growth_window_usec, p->capped_window_usec) / (DETECT_HISTORY - 2);
        uint64_t low = own_tasks, refused_then = refused;
        usec_t low_at = now;
        bool capped;

        /* The ring spans both windows: the newest is kept only once it lies spacing after the
         * one before it, else a new sample replaces it instead of pushing history out. Kept
         * samples are thus at least spacing apart (comparing now instead lets them sit as
         * little as spacing/2 apart, and the ring then covers about half the window). */
        if (s->count == 1 || (s->count >= 2 && sample_at(s, 0)->at - sample_at(s, 1)->at >= spacing))
                s->head = (s->head + 1) % DETECT_HISTORY;
        else if (s->count >= 2)
                s->count--;
        s->ring[s->head] = (struct detect_sample) { now, own_tasks, refused };
        if (s->count < DETECT_HISTORY)
                s->count++;

        /* The lowest count within the growth window, and the oldest refusal counter within
         * the capped window. */
        for (unsigned age = 1; age < s->count; age++) {
                const struct detect_sample *x = sample_at(s, age);

                if (now - x->at <= p->growth_window_usec && x->tasks <= low) {
                        low = x->tasks;
                        low_at = x->at;
                }
                if (now - x->at <= p->capped_window_usec)
                        refused_then = x->refused;
        }

        *ret = (struct detect_growth) {
                .tasks = own_tasks,
                .refused_in_window = refused >= refused_then ? refused - refused_then : 0,
                .growth_per_sec = now > low_at ? (double) (own_tasks - low) * USEC_PER_SEC /
                                                         (double) (now - low_at)
                                               : 0.0,
        };

        /* A bomb at its limit: the count sits at (or, with tasks forked while the limit was
         * lowered, above) pids.max and the kernel keeps refusing forks. */
        capped = pids_max != PIDS_MAX_UNLIMITED && total_tasks + 1 >= pids_max &&
                 ret->refused_in_window >= p->capped_refusals;
        if (capped)
                return DETECT_CAPPED;

        if (own_tasks >= p->min_tasks && low * 2 <= own_tasks)
                return DETECT_GROWING;
        if (own_tasks >= p->runaway_tasks && low < own_tasks)
                return DETECT_GROWING;
        return DETECT_QUIET;
}
