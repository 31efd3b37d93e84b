/* SPDX-License-Identifier: MIT */
/* Tests of the counter-based detector on synthetic series of task counts and refusals. */
#include <check.h>
#include <stdlib.h>

#include "detect.h"
#include "macro.h"

/* The shipped defaults: min_tasks 32, runaway_tasks 1024, growth window 1 s, 50 refusals
 * within 2 s. The ring then keeps samples 2 s / 30 = 66.666 ms apart. */
static const struct detect_params defaults = {
        .min_tasks = 32,
        .runaway_tasks = 1024,
        .growth_window_usec = 1 * USEC_PER_SEC,
        .capped_refusals = 50,
        .capped_window_usec = 2 * USEC_PER_SEC,
};

/* An arbitrary monotonic start, far from 0. */
#define T0 (1000 * USEC_PER_SEC)
#define MS(x) ((usec_t) (x) * USEC_PER_MSEC)

/* Feeds a sample whose own and total counts are the same, without a limit. */
static enum detect_signal feed(struct detect_state *s, const struct detect_params *p, usec_t at,
                               uint64_t tasks, struct detect_growth *g) {
        return detect_feed(s, p, at, tasks, tasks, PIDS_MAX_UNLIMITED, 0, g);
}

START_TEST(test_detect_feed_first_sample) {
        struct detect_growth g;
        struct detect_state s;

        detect_init(&s);
        ck_assert_uint_eq(s.count, 0);
        ck_assert_int_eq(feed(&s, &defaults, T0, 500, &g), DETECT_QUIET);
        ck_assert_uint_eq(g.tasks, 500);
        ck_assert_uint_eq(g.refused_in_window, 0);
        ck_assert_double_eq(g.growth_per_sec, 0.0);
        ck_assert_uint_eq(s.count, 1);
}
END_TEST

START_TEST(test_detect_feed_doubling) {
        static const enum detect_signal expected[] = {
                DETECT_QUIET, DETECT_QUIET, DETECT_QUIET,   DETECT_QUIET,
                DETECT_QUIET, DETECT_GROWING, DETECT_GROWING,
        };
        struct detect_growth g;
        struct detect_state s;

        /* 1, 2, 4, ... every 100 ms: quiet below min_tasks, growing from 32 on. */
        detect_init(&s);
        for (unsigned k = 0; k < ELEMENTSOF(expected); k++) {
                ck_assert_int_eq(feed(&s, &defaults, T0 + MS(100 * k), 1u << k, &g), expected[k]);
                ck_assert_uint_eq(g.tasks, 1u << k);
                if (k > 0)
                        ck_assert_double_eq(g.growth_per_sec,
                                            (double) ((1u << k) - 1) * 1000.0 / (100.0 * k));
        }
        /* The last: 63 tasks gained in 600 ms. */
        ck_assert_double_eq(g.growth_per_sec, 105.0);
        ck_assert_uint_eq(g.refused_in_window, 0);
}
END_TEST

START_TEST(test_detect_feed_doubling_slower_than_window) {
        struct detect_growth g;
        struct detect_state s;

        /* 40 -> 80 takes 2 s, twice the growth window: within any 1 s the count grows by half
         * at most, and it stays below runaway_tasks. */
        detect_init(&s);
        for (unsigned k = 0; k <= 4; k++)
                ck_assert_int_eq(feed(&s, &defaults, T0 + MS(500 * k), 40 + 10 * k, &g), DETECT_QUIET);
        ck_assert_uint_eq(g.tasks, 80);
        ck_assert_double_eq(g.growth_per_sec, 20.0);
}
END_TEST

START_TEST(test_detect_feed_flat) {
        struct detect_growth g;
        struct detect_state s;

        detect_init(&s);
        for (unsigned k = 0; k < 200; k++) {
                ck_assert_int_eq(feed(&s, &defaults, T0 + MS(20 * k), 40, &g), DETECT_QUIET);
                ck_assert_uint_eq(g.tasks, 40);
                ck_assert_double_eq(g.growth_per_sec, 0.0);
        }
        ck_assert_uint_eq(s.count, DETECT_HISTORY);
}
END_TEST

START_TEST(test_detect_feed_pool_step) {
        struct detect_params low_min = defaults;
        struct detect_growth g;
        struct detect_state s;

        /* Pool(16): 1 -> 17 in one step, then flat. Below min_tasks 32 it is never growing. */
        detect_init(&s);
        ck_assert_int_eq(feed(&s, &defaults, T0, 1, &g), DETECT_QUIET);
        ck_assert_int_eq(feed(&s, &defaults, T0 + MS(100), 17, &g), DETECT_QUIET);
        ck_assert_double_eq(g.growth_per_sec, 160.0);
        for (unsigned k = 2; k < 50; k++)
                ck_assert_int_eq(feed(&s, &defaults, T0 + MS(100 * k), 17, &g), DETECT_QUIET);
        ck_assert_double_eq(g.growth_per_sec, 0.0);

        /* The same step is growth once min_tasks allows it, and only within the window. */
        low_min.min_tasks = 16;
        detect_init(&s);
        ck_assert_int_eq(feed(&s, &low_min, T0, 1, &g), DETECT_QUIET);
        ck_assert_int_eq(feed(&s, &low_min, T0 + MS(100), 17, &g), DETECT_GROWING);
        ck_assert_int_eq(feed(&s, &low_min, T0 + MS(1000), 17, &g), DETECT_GROWING);
        ck_assert_int_eq(feed(&s, &low_min, T0 + MS(1001), 17, &g), DETECT_QUIET);
}
END_TEST

START_TEST(test_detect_feed_linear_past_runaway) {
        struct detect_growth g;
        struct detect_state s;
        unsigned k;

        /* 1000, 1010, ... every 100 ms: never doubling, growing once past runaway_tasks. */
        detect_init(&s);
        for (k = 0; k <= 2; k++)
                ck_assert_int_eq(feed(&s, &defaults, T0 + MS(100 * k), 1000 + 10 * k, &g), DETECT_QUIET);
        ck_assert_int_eq(feed(&s, &defaults, T0 + MS(300), 1030, &g), DETECT_GROWING);
        ck_assert_uint_eq(g.tasks, 1030);
        ck_assert_double_eq(g.growth_per_sec, 100.0);
        for (k = 4; k <= 20; k++)
                ck_assert_int_eq(feed(&s, &defaults, T0 + MS(100 * k), 1000 + 10 * k, &g),
                                 DETECT_GROWING);
        ck_assert_uint_eq(g.tasks, 1200);
        ck_assert_double_eq(g.growth_per_sec, 100.0);

        /* It stops; once the window holds only the plateau it is quiet again. */
        for (k = 21; k <= 29; k++)
                ck_assert_int_eq(feed(&s, &defaults, T0 + MS(100 * k), 1200, &g), DETECT_GROWING);
        ck_assert_double_eq(g.growth_per_sec, 10.0);
        ck_assert_int_eq(feed(&s, &defaults, T0 + MS(3000), 1200, &g), DETECT_QUIET);
        ck_assert_double_eq(g.growth_per_sec, 0.0);
}
END_TEST

START_TEST(test_detect_feed_shrinking) {
        struct detect_growth g;
        struct detect_state s;

        detect_init(&s);
        ck_assert_int_eq(feed(&s, &defaults, T0, 3000, &g), DETECT_QUIET);
        ck_assert_int_eq(feed(&s, &defaults, T0 + MS(100), 2000, &g), DETECT_QUIET);
        ck_assert_double_eq(g.growth_per_sec, 0.0);
}
END_TEST

START_TEST(test_detect_feed_capped) {
        struct detect_growth g;
        struct detect_state s;
        unsigned k;

        /* At pids.max 4096 with 10 more refusals every 100 ms: capped at the 50th. The own
         * count (4000) is flat, the whole count sits at the limit. */
        detect_init(&s);
        for (k = 0; k <= 4; k++) {
                ck_assert_int_eq(detect_feed(&s, &defaults, T0 + MS(100 * k), 4000, 4096, 4096,
                                             20000 + 10 * k, &g),
                                 DETECT_QUIET);
                ck_assert_uint_eq(g.refused_in_window, 10 * k);
        }
        ck_assert_int_eq(detect_feed(&s, &defaults, T0 + MS(500), 4000, 4096, 4096, 20050, &g),
                         DETECT_CAPPED);
        ck_assert_uint_eq(g.refused_in_window, 50);
        ck_assert_uint_eq(g.tasks, 4000);
        ck_assert_double_eq(g.growth_per_sec, 0.0);

        /* One below the limit still counts as at it (the next fork is refused), two below not. */
        ck_assert_int_eq(detect_feed(&s, &defaults, T0 + MS(600), 4000, 4095, 4096, 20060, &g),
                         DETECT_CAPPED);
        ck_assert_int_eq(detect_feed(&s, &defaults, T0 + MS(700), 4000, 4094, 4096, 20070, &g),
                         DETECT_QUIET);
        ck_assert_uint_eq(g.refused_in_window, 70);
        /* Above the limit (lowered under a running bomb) is capped too. */
        ck_assert_int_eq(detect_feed(&s, &defaults, T0 + MS(800), 4000, 5000, 4096, 20080, &g),
                         DETECT_CAPPED);
        ck_assert_uint_eq(g.refused_in_window, 80);
}
END_TEST

START_TEST(test_detect_feed_capped_wins_over_growth) {
        struct detect_growth g;
        struct detect_state s;

        detect_init(&s);
        ck_assert_int_eq(detect_feed(&s, &defaults, T0, 10, 10, 100, 0, &g), DETECT_QUIET);
        ck_assert_int_eq(detect_feed(&s, &defaults, T0 + MS(100), 100, 100, 100, 60, &g),
                         DETECT_CAPPED);
        ck_assert_uint_eq(g.refused_in_window, 60);
        ck_assert_double_eq(g.growth_per_sec, 900.0);
}
END_TEST

START_TEST(test_detect_feed_refusals_spread) {
        struct detect_growth g;
        struct detect_state s;

        /* 10 refusals every 500 ms: 40 within any 2 s, below 50, so never capped. */
        detect_init(&s);
        for (unsigned k = 0; k < 40; k++) {
                ck_assert_int_eq(detect_feed(&s, &defaults, T0 + MS(500 * k), 4000, 4096, 4096,
                                             10 * k, &g),
                                 DETECT_QUIET);
                ck_assert_uint_eq(g.refused_in_window, 10 * MIN(k, 4u));
        }
}
END_TEST

START_TEST(test_detect_feed_refused_counter_reset) {
        struct detect_growth g;
        struct detect_state s;

        detect_init(&s);
        ck_assert_int_eq(detect_feed(&s, &defaults, T0, 4000, 4096, 4096, 900, &g), DETECT_QUIET);
        ck_assert_int_eq(detect_feed(&s, &defaults, T0 + MS(100), 4000, 4096, 4096, 10, &g),
                         DETECT_QUIET);
        ck_assert_uint_eq(g.refused_in_window, 0);
}
END_TEST

START_TEST(test_detect_feed_unlimited_never_capped) {
        struct detect_growth g;
        struct detect_state s;

        detect_init(&s);
        for (unsigned k = 0; k < 50; k++) {
                ck_assert_int_eq(detect_feed(&s, &defaults, T0 + MS(100 * k), 40, UINT64_MAX - 1,
                                             PIDS_MAX_UNLIMITED, 1000 * k, &g),
                                 DETECT_QUIET);
        }
        ck_assert_uint_eq(g.refused_in_window, 20000);
}
END_TEST

START_TEST(test_detect_feed_spacing_1ms) {
        const struct detect_params p = {
                .min_tasks = 32,
                .runaway_tasks = 1024,
                .growth_window_usec = MS(300),
                .capped_refusals = 1000000,
                .capped_window_usec = MS(300),
        };
        const struct detect_sample *oldest;
        struct detect_growth g;
        struct detect_state s;

        /* 1000 samples 1 ms apart, one task and one refusal more each, with 300 ms windows (the
         * ring keeps samples 10 ms apart): the history still spans the whole window, and
         * nothing older than the window is counted. */
        detect_init(&s);
        for (unsigned k = 0; k < 1000; k++)
                (void) detect_feed(&s, &p, T0 + MS(k), 1000 + k, 1000 + k, PIDS_MAX_UNLIMITED, k, &g);
        ck_assert_uint_eq(s.count, DETECT_HISTORY);
        ck_assert_uint_eq(s.ring[s.head].at, T0 + MS(999));
        oldest = &s.ring[(s.head + 1) % DETECT_HISTORY];
        ck_assert_uint_ge(T0 + MS(999) - oldest->at, p.capped_window_usec);

        /* The oldest kept sample within 300 ms is at 700 ms: 299 refusals, 1000 tasks/s. */
        ck_assert_uint_eq(g.refused_in_window, 299);
        ck_assert_uint_eq(g.tasks, 1999);
        ck_assert_double_eq(g.growth_per_sec, 1000.0);
}
END_TEST

START_TEST(test_detect_feed_spacing_half) {
        const struct detect_params p = {
                .min_tasks = 32,
                .runaway_tasks = 1024,
                .growth_window_usec = MS(300),
                .capped_refusals = 45,
                .capped_window_usec = MS(300),
        };
        struct detect_growth g;
        struct detect_state s;

        /* One refusal every 6 ms, a little over half the ring's 10 ms spacing: 50 refusals
         * within any 300 ms. The ring must still reach back across the window (kept samples
         * 12 ms apart), so the count is 50 or, between kept samples, 49. */
        detect_init(&s);
        for (unsigned k = 0; k <= 200; k++) {
                enum detect_signal r;

                r = detect_feed(&s, &p, T0 + MS(6 * k), 4000, 4096, 4096, k, &g);
                if (k < 45) {
                        ck_assert_int_eq(r, DETECT_QUIET);
                        ck_assert_uint_eq(g.refused_in_window, k);
                } else if (k >= 50) {
                        ck_assert_int_eq(r, DETECT_CAPPED);
                        ck_assert_uint_eq(g.refused_in_window, k % 2 == 0 ? 50 : 49);
                }
        }
}
END_TEST

static Suite *detect_suite(void) {
        Suite *s = suite_create("detect");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_detect_feed_first_sample);
        tcase_add_test(tc, test_detect_feed_doubling);
        tcase_add_test(tc, test_detect_feed_doubling_slower_than_window);
        tcase_add_test(tc, test_detect_feed_flat);
        tcase_add_test(tc, test_detect_feed_pool_step);
        tcase_add_test(tc, test_detect_feed_linear_past_runaway);
        tcase_add_test(tc, test_detect_feed_shrinking);
        tcase_add_test(tc, test_detect_feed_capped);
        tcase_add_test(tc, test_detect_feed_capped_wins_over_growth);
        tcase_add_test(tc, test_detect_feed_refusals_spread);
        tcase_add_test(tc, test_detect_feed_refused_counter_reset);
        tcase_add_test(tc, test_detect_feed_unlimited_never_capped);
        tcase_add_test(tc, test_detect_feed_spacing_1ms);
        tcase_add_test(tc, test_detect_feed_spacing_half);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        SRunner *sr = srunner_create(detect_suite());
        int failed;

        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
