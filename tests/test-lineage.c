/* SPDX-License-Identifier: MIT */
/* Tests of the lineage table: bookkeeping, bomb scenarios and legitimate workloads replayed as
 * synthetic event sequences. */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lineage.h"
#include "macro.h"

#define MSEC USEC_PER_MSEC
#define SEC USEC_PER_SEC

static const struct lineage_params params = {
        .min_tasks = 32,
        .min_generations = 4,
        .runaway_tasks = 1024,
        .window_usec = SEC,
};

static struct lineage *table(size_t capacity) {
        struct lineage *l = NULL;

        ck_assert_int_eq(lineage_new(capacity, &l), 0);
        ck_assert_ptr_nonnull(l);
        return l;
}

static uint64_t img(const char *comm) {
        return lineage_image_of(comm);
}

static void fork_ok(struct lineage *l, pid_t parent, pid_t child, usec_t t) {
        ck_assert_int_eq(lineage_fork(l, parent, child, child, t), 0);
}

static size_t used(const struct lineage *l) {
        struct lineage_stats st;

        lineage_get_stats(l, &st);
        return st.used;
}

/* Every one of pids judged harmless. */
static void assert_quiet(struct lineage *l, const pid_t *pids, size_t n, usec_t t) {
        for (size_t i = 0; i < n; i++) {
                struct lineage_verdict v;

                ck_assert_msg(!lineage_check(l, pids[i], &params, t, &v),
                              "pid %d judged kind %d root %d members %u generations %u",
                              (int) pids[i], (int) v.kind, (int) v.root_pid, v.members,
                              v.generations);
        }
}

/* lineage_members() lists exactly the n pids of want, in any order. */
static void assert_members(struct lineage *l, pid_t root, const pid_t *want, size_t n) {
        pid_t buf[4096];
        size_t got = lineage_members(l, root, buf, ELEMENTSOF(buf));

        ck_assert_uint_eq(got, n);
        for (size_t i = 0; i < n; i++) {
                bool found = false;

                for (size_t j = 0; j < got && !found; j++)
                        found = buf[j] == want[i];
                ck_assert_msg(found, "pid %d missing from the members of %d", (int) want[i],
                              (int) root);
                ck_assert(lineage_is_member(l, root, want[i]));
        }
}

START_TEST(test_lineage_new_invalid) {
        struct lineage *l = NULL;

        ck_assert_int_eq(lineage_new(0, &l), -EINVAL);
        ck_assert_ptr_null(l);
}
END_TEST

START_TEST(test_lineage_image_of_values) {
        ck_assert_uint_eq(img("bash"), img("bash"));
        ck_assert_uint_ne(img("bash"), img("sh"));
        ck_assert_uint_ne(img(""), 0);
        /* FNV-1a 64 of "a" */
        ck_assert_uint_eq(img("a"), UINT64_C(0xaf63dc4c8601ec8c));
}
END_TEST

START_TEST(test_lineage_fork_exec_exit_bookkeeping) {
        struct lineage *l = table(64);
        struct lineage_stats st;

        /* an unknown parent gets its own entry */
        fork_ok(l, 10, 20, 1 * SEC);
        ck_assert_uint_eq(used(l), 2);
        ck_assert(lineage_is_member(l, 10, 20));
        ck_assert(lineage_is_member(l, 10, 10));

        /* exec into another image leaves the lineage and starts one */
        lineage_exec(l, 20, img("sleep"), 0, false, 1 * SEC + 1);
        ck_assert(!lineage_is_member(l, 10, 20));
        ck_assert(lineage_is_member(l, 20, 20));

        /* events for unknown pids change nothing */
        lineage_exec(l, 99, img("x"), 0, false, 2 * SEC);
        lineage_exit(l, 99, 99, 2 * SEC);
        lineage_exit(l, 98, 99, 2 * SEC);
        ck_assert_uint_eq(used(l), 2);

        lineage_exit(l, 20, 20, 3 * SEC);
        ck_assert_uint_eq(used(l), 1);
        lineage_exit(l, 10, 10, 3 * SEC);
        ck_assert_uint_eq(used(l), 0);
        ck_assert(!lineage_is_member(l, 10, 10));

        lineage_get_stats(l, &st);
        ck_assert_uint_eq(st.capacity, 64);
        ck_assert_uint_eq(st.dropped, 0);
        lineage_free(l);
}
END_TEST

START_TEST(test_lineage_exec_same_image_stays) {
        struct lineage *l = table(64);

        ck_assert_int_eq(lineage_seed(l, 10, 1, img("python3"), 0, 0, 1), 0);
        fork_ok(l, 10, 11, 1 * SEC);
        lineage_exec(l, 11, img("python3"), 0, false, 1 * SEC);
        fork_ok(l, 11, 12, 1 * SEC);
        assert_members(l, 10, (pid_t[]) { 10, 11, 12 }, 3);
        /* an unknown image (0) is never the same */
        lineage_exec(l, 12, 0, 0, false, 1 * SEC);
        assert_members(l, 10, (pid_t[]) { 10, 11 }, 2);
        lineage_free(l);
}
END_TEST

START_TEST(test_lineage_exit_reparenting) {
        struct lineage *l = table(64);

        fork_ok(l, 10, 11, 1 * SEC);
        fork_ok(l, 11, 12, 1 * SEC);
        /* the top and the middle exit before the grandchild forks */
        lineage_exit(l, 10, 10, 2 * SEC);
        lineage_exit(l, 11, 11, 2 * SEC);
        fork_ok(l, 12, 13, 3 * SEC);
        ck_assert_uint_eq(used(l), 4); /* 10 and 11 kept as top and branch root */
        assert_members(l, 10, (pid_t[]) { 12, 13 }, 2);
        assert_members(l, 11, (pid_t[]) { 12, 13 }, 2);
        assert_members(l, 12, (pid_t[]) { 12, 13 }, 2);

        lineage_exit(l, 13, 13, 4 * SEC);
        lineage_exit(l, 12, 12, 4 * SEC);
        ck_assert_uint_eq(used(l), 0);
        ck_assert_uint_eq(lineage_members(l, 10, NULL, 0), 0);
        lineage_free(l);
}
END_TEST

START_TEST(test_lineage_members_deep_root) {
        struct lineage *l = table(64);

        /* T -> A -> B -> C -> D, all copies: B is neither a top nor a branch root */
        fork_ok(l, 1, 2, 1 * SEC);
        fork_ok(l, 2, 3, 2 * SEC);
        fork_ok(l, 3, 4, 3 * SEC);
        fork_ok(l, 4, 5, 4 * SEC);
        fork_ok(l, 3, 6, 5 * SEC);
        fork_ok(l, 2, 7, 6 * SEC);
        lineage_exit(l, 4, 4, 7 * SEC);
        assert_members(l, 3, (pid_t[]) { 3, 5, 6 }, 3);
        ck_assert(!lineage_is_member(l, 3, 7));
        ck_assert(!lineage_is_member(l, 3, 2));
        ck_assert(!lineage_is_member(l, 3, 1));
        lineage_free(l);
}
END_TEST

START_TEST(test_lineage_members_recycled_link) {
        struct lineage *l = table(8);

        /* T(1) -> A(2) -> B(3) -> C(4) -> D(5); C exits and its slot is recycled */
        fork_ok(l, 1, 2, 1 * SEC);
        fork_ok(l, 2, 3, 2 * SEC);
        fork_ok(l, 3, 4, 3 * SEC);
        fork_ok(l, 4, 5, 4 * SEC);
        lineage_exit(l, 4, 4, 5 * SEC);
        for (pid_t p = 100; p < 104; p++) {
                fork_ok(l, 50, p, 6 * SEC);
                lineage_exit(l, p, p, 6 * SEC);
        }
        /* the chain from 5 is broken at 4: the fallback keeps 5 (same top, deeper, younger) */
        assert_members(l, 3, (pid_t[]) { 3, 5 }, 2);
        lineage_free(l);
}
END_TEST

START_TEST(test_lineage_fork_pid_reuse) {
        struct lineage *l = table(64);

        fork_ok(l, 10, 20, 1 * SEC);
        /* the exit of 20 was missed: 20 is born again, from 30 */
        fork_ok(l, 30, 20, 2 * SEC);
        ck_assert_uint_eq(used(l), 3);
        assert_members(l, 10, (pid_t[]) { 10 }, 1);
        assert_members(l, 30, (pid_t[]) { 30, 20 }, 2);
        lineage_exit(l, 10, 10, 3 * SEC);
        ck_assert_uint_eq(used(l), 2);

        /* a kept top whose pid comes back: its members keep their lineage */
        fork_ok(l, 40, 41, 4 * SEC);
        lineage_exit(l, 40, 40, 4 * SEC);
        fork_ok(l, 50, 40, 5 * SEC);
        ck_assert_uint_eq(used(l), 6); /* 30 20 old-40 41 50 40 */
        ck_assert(lineage_is_member(l, 50, 40));
        ck_assert(!lineage_is_member(l, 40, 41)); /* 40 now names the new process */
        lineage_exit(l, 41, 41, 6 * SEC);
        ck_assert_uint_eq(used(l), 4); /* the old 40 went with its last member */
        lineage_free(l);
}
END_TEST

START_TEST(test_lineage_fork_table_full) {
        struct lineage *l = table(4);
        struct lineage_stats st;

        fork_ok(l, 1, 2, 1 * SEC);
        fork_ok(l, 1, 3, 1 * SEC);
        fork_ok(l, 1, 4, 1 * SEC);
        ck_assert_int_eq(lineage_fork(l, 1, 5, 5, 1 * SEC), -ENOSPC);
        ck_assert_int_eq(lineage_fork(l, 9, 10, 10, 1 * SEC), -ENOSPC);
        ck_assert_int_eq(lineage_fork(l, 9, 10, 9, 1 * SEC), -ENOSPC); /* a thread of 9 */
        ck_assert_int_eq(lineage_seed(l, 12, 1, img("x"), 0, 0, 1), -ENOSPC);
        lineage_get_stats(l, &st);
        ck_assert_uint_eq(st.used, 4);
        ck_assert_uint_eq(st.dropped, 4);
        assert_members(l, 1, (pid_t[]) { 1, 2, 3, 4 }, 4);

        /* a kept top holds its slot */
        lineage_exit(l, 1, 1, 2 * SEC);
        ck_assert_int_eq(lineage_fork(l, 2, 5, 5, 2 * SEC), -ENOSPC);
        lineage_exit(l, 4, 4, 2 * SEC);
        fork_ok(l, 2, 5, 2 * SEC);
        assert_members(l, 1, (pid_t[]) { 2, 3, 5 }, 3);
        lineage_exit(l, 2, 2, 3 * SEC);
        lineage_exit(l, 3, 3, 3 * SEC);
        lineage_exit(l, 5, 5, 3 * SEC);
        ck_assert_uint_eq(used(l), 0);
        lineage_free(l);
}
END_TEST

START_TEST(test_lineage_fork_threads) {
        struct lineage *l = table(64);
        struct lineage_verdict v;

        ck_assert_int_eq(lineage_seed(l, 800, 1, img("app"), 0, 0, 1), 0);
        for (pid_t t = 801; t <= 900; t++)
                ck_assert_int_eq(lineage_fork(l, 800, t, 800, 10 * SEC + (usec_t) t), 0);
        ck_assert_uint_eq(used(l), 1);
        ck_assert(lineage_check(l, 800, &params, 10 * SEC + 1000, &v));
        ck_assert_int_eq(v.kind, LINEAGE_THREADS);
        ck_assert_int_eq(v.root_pid, 800);
        ck_assert_uint_eq(v.members, 101);
        ck_assert_uint_eq(v.births, 100);
        ck_assert_uint_eq(v.generations, 0);

        for (pid_t t = 801; t <= 850; t++)
                lineage_exit(l, t, 800, 10 * SEC + 2000);
        ck_assert(lineage_check(l, 800, &params, 10 * SEC + 3000, &v));
        ck_assert_uint_eq(v.members, 51);

        /* threads alone do not make a bomb once the births are old */
        ck_assert(!lineage_check(l, 800, &params, 20 * SEC, &v));
        /* exec leaves one thread */
        lineage_exec(l, 800, img("app"), 0, false, 20 * SEC);
        for (pid_t t = 901; t <= 940; t++)
                ck_assert_int_eq(lineage_fork(l, 800, t, 800, 21 * SEC), 0);
        ck_assert(lineage_check(l, 800, &params, 21 * SEC, &v));
        ck_assert_uint_eq(v.members, 41);
        lineage_free(l);
}
END_TEST

START_TEST(test_lineage_reset_seed_resync) {
        struct lineage *l = table(64);
        struct lineage_verdict v;

        fork_ok(l, 1, 2, 1 * SEC);
        fork_ok(l, 2, 3, 1 * SEC);
        lineage_reset(l);
        ck_assert_uint_eq(used(l), 0);
        ck_assert(!lineage_is_member(l, 1, 2));
        ck_assert_uint_eq(lineage_members(l, 1, NULL, 0), 0);

        ck_assert_int_eq(lineage_seed(l, 1, 0, img("systemd"), 0, 0, 1), 0);
        ck_assert_int_eq(lineage_seed(l, 100, 1, img("bash"), 0, 5 * SEC, 1), 0);
        ck_assert_int_eq(lineage_seed(l, 101, 100, img("bash"), 0, 6 * SEC, 1), 0);
        ck_assert_int_eq(lineage_seed(l, 102, 100, img("sleep"), 0, 7 * SEC, 1), 0);
        ck_assert_int_eq(lineage_seed(l, 103, 101, img("bash"), 0, 8 * SEC, 1), 0);
        ck_assert_uint_eq(used(l), 5);
        assert_members(l, 100, (pid_t[]) { 100, 101, 103 }, 3);
        assert_members(l, 1, (pid_t[]) { 1 }, 1);
        assert_members(l, 102, (pid_t[]) { 102 }, 1);

        /* events continue on the seeded table; a seeded pid seen again replaces its entry */
        fork_ok(l, 103, 104, 10 * SEC);
        ck_assert(lineage_is_member(l, 100, 104));
        ck_assert(lineage_is_member(l, 101, 104));
        ck_assert_int_eq(lineage_seed(l, 104, 1, img("other"), 0, 10 * SEC, 1), 0);
        ck_assert(!lineage_is_member(l, 100, 104));
        ck_assert(!lineage_check(l, 104, &params, 10 * SEC, &v));
        lineage_free(l);
}
END_TEST

/* Scenario A: a C bomb. Harness bash 100 forks 200, which execs cbomb; every process forks in
 * a loop. Six rounds: 64 processes, 6 generations below 200. */
START_TEST(test_lineage_check_c_bomb) {
        struct lineage *l = table(4096);
        struct lineage_verdict v;
        pid_t live[64] = { 200 }, next = 201;
        size_t n = 1;
        usec_t t = 100 * SEC;

        ck_assert_int_eq(lineage_seed(l, 100, 1, img("bash"), 0, 0, 1), 0);
        fork_ok(l, 100, 200, t);
        lineage_exec(l, 200, img("cbomb"), 0, false, t + 500);
        for (int round = 0; round < 6; round++) {
                size_t m = n;

                t += MSEC;
                for (size_t i = 0; i < m; i++) {
                        fork_ok(l, live[i], next, t);
                        live[n++] = next++;
                }
        }
        ck_assert_uint_eq(n, 64);
        ck_assert(lineage_check(l, live[63], &params, t, &v));
        ck_assert_int_eq(v.kind, LINEAGE_EXPONENTIAL);
        ck_assert_int_eq(v.root_pid, 200);
        ck_assert_uint_eq(v.root_start_usec, 100 * SEC);
        ck_assert_uint_eq(v.members, 64);
        ck_assert_uint_eq(v.generations, 6);
        ck_assert_uint_eq(v.births, 63);
        assert_members(l, 200, live, 64);
        ck_assert(!lineage_is_member(l, 200, 100));
        lineage_free(l);
}
END_TEST

START_TEST(test_lineage_check_c_bomb_threshold) {
        struct lineage *l = table(4096);
        struct lineage_verdict v;
        pid_t live[64] = { 200 }, next = 201;
        size_t n = 1;
        usec_t t = 100 * SEC;

        fork_ok(l, 100, 200, t);
        lineage_exec(l, 200, img("cbomb"), 0, false, t);
        for (int round = 0; round < 5; round++) {
                size_t m = n;

                t += MSEC;
                for (size_t i = 0; i < m; i++) {
                        fork_ok(l, live[i], next, t);
                        live[n++] = next++;
                }
                if (round < 4)
                        assert_quiet(l, live, n, t);
        }
        ck_assert(lineage_check(l, 201, &params, t, &v));
        ck_assert_int_eq(v.root_pid, 200);
        ck_assert_uint_eq(v.members, 32);
        ck_assert_uint_eq(v.generations, 5);
        lineage_free(l);
}
END_TEST

/* Scenario B: a bash bomb typed in a long-lived shell 300 that also runs two sleeps. 300 forks
 * 400, which forks two copies and exits; so does every copy. Root: 400, not the shell. */
START_TEST(test_lineage_check_bash_bomb_in_shell) {
        struct lineage *l = table(4096);
        struct lineage_verdict v;
        pid_t level[64] = { 400 }, next = 1000;
        size_t n = 1;
        usec_t t = 100 * SEC;

        ck_assert_int_eq(lineage_seed(l, 300, 1, img("bash"), 0, 1 * SEC, 1), 0);
        fork_ok(l, 300, 301, 10 * SEC);
        lineage_exec(l, 301, img("sleep"), 0, false, 10 * SEC);
        fork_ok(l, 300, 302, 11 * SEC);
        lineage_exec(l, 302, img("sleep"), 0, false, 11 * SEC);
        fork_ok(l, 300, 400, t);
        for (int gen = 0; gen < 6; gen++) {
                pid_t nl[64] = {};
                size_t m = 0;

                t += 2 * MSEC;
                for (size_t i = 0; i < n; i++) {
                        fork_ok(l, level[i], next, t);
                        nl[m++] = next++;
                        fork_ok(l, level[i], next, t);
                        nl[m++] = next++;
                        lineage_exit(l, level[i], level[i], t + 100);
                }
                memcpy(level, nl, m * sizeof(pid_t));
                n = m;
        }
        ck_assert_uint_eq(n, 64);
        ck_assert(lineage_check(l, level[63], &params, t, &v));
        ck_assert_int_eq(v.kind, LINEAGE_EXPONENTIAL);
        ck_assert_int_eq(v.root_pid, 400);
        ck_assert_uint_eq(v.root_start_usec, 100 * SEC);
        ck_assert_uint_eq(v.members, 64);
        ck_assert_uint_eq(v.generations, 6);

        /* 400 and every intermediate exited: membership still holds */
        assert_members(l, 400, level, 64);
        ck_assert(!lineage_is_member(l, 400, 300));
        ck_assert(!lineage_is_member(l, 400, 301));
        ck_assert(!lineage_is_member(l, 300, 301));
        ck_assert(lineage_is_member(l, 300, level[0]));
        lineage_free(l);
}
END_TEST

/* Scenario B': the shell is young but has a job of another image: still not the root. */
START_TEST(test_lineage_check_bash_bomb_young_shell_with_job) {
        struct lineage *l = table(4096);
        struct lineage_verdict v;
        pid_t level[64] = { 400 }, next = 1000;
        size_t n = 1;
        usec_t t = 100 * SEC;

        ck_assert_int_eq(lineage_seed(l, 300, 1, img("bash"), 0, t - 10 * MSEC, 1), 0);
        fork_ok(l, 300, 301, t - 5 * MSEC);
        lineage_exec(l, 301, img("sleep"), 0, false, t - 5 * MSEC);
        fork_ok(l, 300, 400, t);
        for (int gen = 0; gen < 6; gen++) {
                pid_t nl[64] = {};
                size_t m = 0;

                t += 2 * MSEC;
                for (size_t i = 0; i < n; i++) {
                        fork_ok(l, level[i], next, t);
                        nl[m++] = next++;
                        fork_ok(l, level[i], next, t);
                        nl[m++] = next++;
                        lineage_exit(l, level[i], level[i], t);
                }
                memcpy(level, nl, m * sizeof(pid_t));
                n = m;
        }
        ck_assert(lineage_check(l, level[10], &params, t, &v));
        ck_assert_int_eq(v.root_pid, 400);
        ck_assert_uint_eq(v.members, 64);
        lineage_free(l);
}
END_TEST

/* `:(){ :|:& };:` typed at the prompt of an old shell: the shell forks both halves of the first
 * pipeline, so the bomb has two branch roots, each named by the verdict of its own members. */
START_TEST(test_lineage_check_bash_bomb_two_halves) {
        struct lineage *l = table(4096);
        struct lineage_verdict v;
        pid_t level[128] = { 400, 401 }, next = 1000;
        size_t n = 2;
        usec_t t = 100 * SEC;

        ck_assert_int_eq(lineage_seed(l, 300, 1, img("bash"), 0, 1 * SEC, 1), 0);
        fork_ok(l, 300, 400, t);
        fork_ok(l, 300, 401, t);
        for (int gen = 0; gen < 6; gen++) {
                pid_t nl[128] = {};
                size_t m = 0;

                t += 2 * MSEC;
                for (size_t i = 0; i < n; i++) {
                        fork_ok(l, level[i], next, t);
                        nl[m++] = next++;
                        fork_ok(l, level[i], next, t);
                        nl[m++] = next++;
                        lineage_exit(l, level[i], level[i], t);
                }
                memcpy(level, nl, m * sizeof(pid_t));
                n = m;
        }
        ck_assert_uint_eq(n, 128);
        /* level[0..63] descend from 400, level[64..127] from 401 */
        ck_assert(lineage_check(l, level[0], &params, t, &v));
        ck_assert_int_eq(v.root_pid, 400);
        ck_assert_uint_eq(v.members, 64);
        ck_assert(lineage_check(l, level[127], &params, t, &v));
        ck_assert_int_eq(v.root_pid, 401);
        ck_assert_uint_eq(v.members, 64);
        ck_assert_uint_eq(lineage_members(l, 400, NULL, 0), 64);
        ck_assert(!lineage_is_member(l, 400, level[127]));
        lineage_free(l);
}
END_TEST

/* Scenario C: python3 500 forks a forkserver 501 that re-execs python3; it forks 4 workers,
 * each starts a pool of 4, each of those a pool of 2, and so on once more. Root: the main
 * process. (One generation less is not yet a bomb: the fork server is a single forker at its
 * depth, so the copies fan out at only two depths.) */
START_TEST(test_lineage_check_python_recursive_pools) {
        struct lineage *l = table(4096);
        struct lineage_verdict v;
        pid_t all[128] = { 500, 501 }, next = 502;
        size_t n = 2, from = 1;
        usec_t t = 50 * SEC;
        const size_t fanout[] = { 4, 4, 2, 2 };

        ck_assert_int_eq(lineage_seed(l, 10, 1, img("bash"), 0, 0, 1), 0);
        fork_ok(l, 10, 500, t);
        lineage_exec(l, 500, img("python3"), 0, false, t);
        t += 200 * MSEC;
        fork_ok(l, 500, 501, t);
        lineage_exec(l, 501, img("python3"), 0, false, t);
        for (size_t g = 0; g < ELEMENTSOF(fanout); g++) {
                size_t to = n;

                t += 10 * MSEC;
                for (size_t i = from; i < to; i++)
                        for (size_t k = 0; k < fanout[g]; k++) {
                                fork_ok(l, all[i], next, t);
                                all[n++] = next++;
                        }
                from = to;
        }
        ck_assert_uint_eq(n, 118);
        ck_assert(lineage_check(l, all[117], &params, t, &v));
        ck_assert_int_eq(v.kind, LINEAGE_EXPONENTIAL);
        ck_assert_int_eq(v.root_pid, 500);
        ck_assert_uint_eq(v.members, 118);
        ck_assert_uint_eq(v.generations, 5);
        assert_members(l, 500, all, 118);
        lineage_free(l);
}
END_TEST

/* Scenario C as it runs from a script with "#!/usr/bin/python3": the main process's comm is the
 * script's name, the fork server's is "python3" (bare interpreter, same argv[0]): the server
 * stays in the main process's lineage, and the verdict names the main process. A bare exec of
 * another interpreter starts a lineage of its own. */
START_TEST(test_lineage_check_python_shebang_forkserver) {
        struct lineage *l = table(4096);
        struct lineage_verdict v;
        pid_t next = 502;
        usec_t t = 50 * SEC;

        ck_assert_int_eq(lineage_seed(l, 10, 1, img("bash"), img("bash"), 0, 1), 0);
        fork_ok(l, 10, 500, t);
        lineage_exec(l, 500, img("bomb.py"), img("python3"), false, t);
        fork_ok(l, 500, 501, t + MSEC);
        lineage_exec(l, 501, img("python3"), img("python3"), true, t + MSEC);
        fork_ok(l, 501, 600, t + MSEC);
        lineage_exec(l, 600, img("perl"), img("perl"), true, t + MSEC);
        {
                pid_t level[64] = { 501 };
                size_t n = 1;

                for (unsigned g = 0; g < 5; g++) {
                        pid_t nl[64];
                        size_t m = 0;

                        t += 10 * MSEC;
                        for (size_t i = 0; i < n; i++)
                                for (unsigned k = 0; k < 2; k++) {
                                        fork_ok(l, level[i], next, t);
                                        nl[m++] = next++;
                                }
                        memcpy(level, nl, m * sizeof(pid_t));
                        n = m;
                }
        }
        ck_assert(lineage_check(l, next - 1, &params, t, &v));
        ck_assert_int_eq(v.kind, LINEAGE_EXPONENTIAL);
        ck_assert_int_eq(v.root_pid, 500);
        ck_assert(lineage_is_member(l, 500, 501));
        ck_assert(!lineage_is_member(l, 500, 600));
        lineage_free(l);
}
END_TEST

/* Scenario D: a script that runs "$0 & $0 & wait": fork + exec of the same comm. */
START_TEST(test_lineage_check_self_exec_script) {
        struct lineage *l = table(4096);
        struct lineage_verdict v;
        pid_t all[64] = { 600 }, next = 601;
        size_t n = 1, from = 0;
        usec_t t = 20 * SEC;

        ck_assert_int_eq(lineage_seed(l, 10, 1, img("bash"), 0, 0, 1), 0);
        fork_ok(l, 10, 600, t);
        lineage_exec(l, 600, img("bomb.sh"), 0, false, t);
        for (int g = 0; g < 5; g++) {
                size_t to = n;

                t += 5 * MSEC;
                for (size_t i = from; i < to; i++)
                        for (int k = 0; k < 2; k++) {
                                fork_ok(l, all[i], next, t);
                                lineage_exec(l, next, img("bomb.sh"), 0, false, t + 100);
                                all[n++] = next++;
                        }
                from = to;
        }
        ck_assert_uint_eq(n, 63);
        ck_assert(lineage_check(l, all[62], &params, t, &v));
        ck_assert_int_eq(v.kind, LINEAGE_EXPONENTIAL);
        ck_assert_int_eq(v.root_pid, 600);
        ck_assert_uint_eq(v.members, 63);
        ck_assert_uint_eq(v.generations, 5);
        assert_members(l, 600, all, 63);
        lineage_free(l);
}
END_TEST

/* Scenario E: a worker of a pre-forked server spawns sleeps without bound. */
START_TEST(test_lineage_check_runaway_spawner) {
        struct lineage *l = table(4096);
        struct lineage_verdict v;
        usec_t t = 100 * SEC;
        pid_t last = 0;

        ck_assert_int_eq(lineage_seed(l, 700, 1, img("server"), 0, 0, 1), 0);
        ck_assert_int_eq(lineage_seed(l, 701, 700, img("server"), 0, 1, 1), 0);
        for (pid_t p = 2000; p < 3100; p++) {
                t += 100;
                fork_ok(l, 701, p, t);
                lineage_exec(l, p, img("sleep"), 0, false, t);
                if (p == 2000 + 1000)
                        assert_quiet(l, (pid_t[]) { p, 701, 700 }, 3, t);
                last = p;
        }
        ck_assert(lineage_check(l, last, &params, t, &v));
        ck_assert_int_eq(v.kind, LINEAGE_RUNAWAY);
        ck_assert_int_eq(v.root_pid, 701);
        ck_assert_uint_eq(v.members, 1100);
        ck_assert_uint_eq(v.births, 1100);
        ck_assert(lineage_check(l, 701, &params, t, &v));
        ck_assert_int_eq(v.root_pid, 701);
        /* a quiet crowd (no fork within the window) is no runaway */
        ck_assert(!lineage_check(l, last, &params, t + 2 * SEC, &v));
        lineage_free(l);
}
END_TEST

/* make -j8: make forks, children exec sh, which forks and execs gcc, which forks cc1 and as. */
START_TEST(test_lineage_check_legit_make) {
        struct lineage *l = table(1024);
        usec_t t = 10 * SEC;
        pid_t next = 1000;

        ck_assert_int_eq(lineage_seed(l, 900, 1, img("make"), 0, 0, 1), 0);
        for (int batch = 0; batch < 300; batch++) {
                pid_t jobs[8][4];

                for (int j = 0; j < 8; j++) {
                        pid_t sh = next++, gcc = next++, cc1 = next++, as = next++;

                        t += 50;
                        fork_ok(l, 900, sh, t);
                        lineage_exec(l, sh, img("sh"), 0, false, t);
                        fork_ok(l, sh, gcc, t);
                        lineage_exec(l, gcc, img("gcc"), 0, false, t);
                        fork_ok(l, gcc, cc1, t);
                        lineage_exec(l, cc1, img("cc1"), 0, false, t);
                        fork_ok(l, gcc, as, t);
                        lineage_exec(l, as, img("as"), 0, false, t);
                        memcpy(jobs[j], (pid_t[]) { sh, gcc, cc1, as }, sizeof(jobs[j]));
                }
                for (int j = 0; j < 8; j++)
                        assert_quiet(l, jobs[j], 4, t);
                assert_quiet(l, (pid_t[]) { 900 }, 1, t);
                for (int j = 0; j < 8; j++)
                        for (int k = 3; k >= 0; k--)
                                lineage_exit(l, jobs[j][k], jobs[j][k], t + 10);
        }
        ck_assert_uint_eq(used(l), 1);
        lineage_free(l);
}
END_TEST

/* xargs -P 16 running 2000 commands. */
START_TEST(test_lineage_check_legit_xargs) {
        struct lineage *l = table(1024);
        pid_t slots[16] = {};
        usec_t t = 10 * SEC;

        ck_assert_int_eq(lineage_seed(l, 950, 10, img("xargs"), 0, 0, 1), 0);
        for (pid_t p = 5000; p < 7000; p++) {
                size_t s = (size_t) (p % 16);

                t += 100;
                if (slots[s])
                        lineage_exit(l, slots[s], slots[s], t);
                fork_ok(l, 950, p, t);
                lineage_exec(l, p, img("gzip"), 0, false, t);
                slots[s] = p;
                assert_quiet(l, (pid_t[]) { p, 950 }, 2, t);
        }
        lineage_free(l);
}
END_TEST

/* multiprocessing Pool(64) with the fork method: 64 copies at depth 1, busy for a while. */
START_TEST(test_lineage_check_legit_python_pool) {
        struct lineage *l = table(1024);
        pid_t pool[65] = { 500 };
        usec_t t = 10 * SEC;

        fork_ok(l, 10, 500, t);
        lineage_exec(l, 500, img("python3"), 0, false, t);
        for (pid_t i = 1; i <= 64; i++) {
                fork_ok(l, 500, 500 + i, t + (usec_t) i * 100);
                pool[i] = 500 + i;
        }
        assert_quiet(l, pool, 65, t + 10 * MSEC);
        assert_quiet(l, pool, 65, t + 5 * SEC);
        lineage_free(l);
}
END_TEST

/* ProcessPoolExecutor with forkserver: main, the server re-execs python3, 8 workers. */
START_TEST(test_lineage_check_legit_forkserver) {
        struct lineage *l = table(1024);
        pid_t all[10] = { 500, 501 };
        usec_t t = 10 * SEC;

        fork_ok(l, 10, 500, t);
        lineage_exec(l, 500, img("python3"), 0, false, t);
        fork_ok(l, 500, 501, t + MSEC);
        lineage_exec(l, 501, img("python3"), 0, false, t + MSEC);
        for (pid_t i = 0; i < 8; i++) {
                fork_ok(l, 501, 502 + i, t + 2 * MSEC);
                all[2 + i] = 502 + i;
        }
        assert_quiet(l, all, 10, t + 2 * MSEC);
        lineage_free(l);
}
END_TEST

/* A shell loop running 5000 short commands one after the other. */
/* A login shell runs "bash -c" (the same image), which starts 40 background subshell loops,
 * each running short commands for a while: copies four deep and 80 live, but the copies fan
 * out at only two depths and the deepest ones exec at once. Not a bomb. */
START_TEST(test_lineage_check_legit_nested_shell_loops) {
        struct lineage *l = table(8192);
        pid_t job[40], sub[40], next = 2000;
        usec_t t = 100 * SEC;

        ck_assert_int_eq(lineage_seed(l, 300, 1, img("bash"), img("bash"), 0, 1), 0);
        fork_ok(l, 300, 400, t);
        lineage_exec(l, 400, img("bash"), img("bash"), true, t);
        for (size_t i = 0; i < ELEMENTSOF(job); i++) {
                t += 100;
                job[i] = next++;
                fork_ok(l, 400, job[i], t);
                sub[i] = next++;
                fork_ok(l, job[i], sub[i], t);
        }
        for (unsigned round = 0; round < 50; round++)
                for (size_t i = 0; i < ELEMENTSOF(sub); i++) {
                        pid_t c = next++;

                        t += 50;
                        fork_ok(l, sub[i], c, t);
                        assert_quiet(l, (pid_t[]) { c, sub[i], job[i], 400 }, 4, t);
                        lineage_exec(l, c, img("true"), img("true"), true, t);
                        lineage_exit(l, c, c, t + 20);
                }
        lineage_free(l);
}
END_TEST

/* The recorded parent outlives the parent's exit, as re-parenting would hide it. */
START_TEST(test_lineage_parent_of_after_exit) {
        struct lineage *l = table(64);

        ck_assert_int_eq(lineage_seed(l, 10, 1, img("bash"), 0, 0, 1), 0);
        fork_ok(l, 10, 20, SEC);
        fork_ok(l, 20, 30, SEC);
        lineage_exit(l, 20, 20, SEC + 1);
        ck_assert_int_eq(lineage_parent_of(l, 30), 20);
        ck_assert_int_eq(lineage_parent_of(l, 20), 10);
        ck_assert_int_eq(lineage_parent_of(l, 99), 0);
        ck_assert_int_eq(lineage_parent_of(l, 0), 0);
        lineage_free(l);
}
END_TEST

START_TEST(test_lineage_check_legit_shell_loop) {
        struct lineage *l = table(1024);
        usec_t t = 10 * SEC;

        ck_assert_int_eq(lineage_seed(l, 300, 1, img("bash"), 0, 0, 1), 0);
        for (pid_t p = 10000; p < 15000; p++) {
                t += 200;
                fork_ok(l, 300, p, t);
                lineage_exec(l, p, img("true"), 0, false, t);
                assert_quiet(l, (pid_t[]) { p, 300 }, 2, t);
                lineage_exit(l, p, p, t + 100);
        }
        ck_assert_uint_eq(used(l), 1);
        lineage_free(l);
}
END_TEST

/* A pre-forking server: 100 copies at depth 1 living long, some replaced over time. */
START_TEST(test_lineage_check_legit_prefork) {
        struct lineage *l = table(1024);
        pid_t all[101] = { 700 };
        usec_t t = 10 * SEC;

        ck_assert_int_eq(lineage_seed(l, 700, 1, img("httpd"), 0, 0, 1), 0);
        for (pid_t i = 1; i <= 100; i++) {
                fork_ok(l, 700, 700 + i, t);
                all[i] = 700 + i;
        }
        assert_quiet(l, all, 101, t);
        for (pid_t i = 1; i <= 100; i++) {
                lineage_exit(l, 700 + i, 700 + i, t + SEC);
                fork_ok(l, 700, 900 + i, t + SEC);
                all[i] = 900 + i;
        }
        assert_quiet(l, all, 101, t + SEC);
        lineage_free(l);
}
END_TEST

/* bash running $( $( $( $( ) ) ) ) once: four nested subshells. */
START_TEST(test_lineage_check_legit_nested_subshells) {
        struct lineage *l = table(1024);
        usec_t t = 10 * SEC;
        pid_t all[5] = { 300, 301, 302, 303, 304 };

        ck_assert_int_eq(lineage_seed(l, 300, 1, img("bash"), 0, 0, 1), 0);
        for (int i = 1; i < 5; i++)
                fork_ok(l, all[i - 1], all[i], t + (usec_t) i);
        assert_quiet(l, all, 5, t + 10);
        for (int i = 4; i > 0; i--)
                lineage_exit(l, all[i], all[i], t + 100);
        /* later flat work in the same shell does not inherit that depth */
        for (pid_t p = 400; p < 440; p++)
                fork_ok(l, 300, p, t + 5 * SEC);
        assert_quiet(l, (pid_t[]) { 300, 400, 439 }, 3, t + 5 * SEC);
        lineage_free(l);
}
END_TEST

START_TEST(test_lineage_set_window_births) {
        struct lineage *l = table(64);
        struct lineage_verdict v;
        struct lineage_params p = params;

        /* a 100 ms window: births 150 ms apart never add up */
        lineage_set_window(l, 100 * MSEC);
        p.window_usec = 100 * MSEC;
        ck_assert_int_eq(lineage_seed(l, 800, 1, img("app"), 0, 0, 1), 0);
        for (pid_t t = 801; t <= 840; t++)
                ck_assert_int_eq(lineage_fork(l, 800, t, 800, (usec_t) t * 150 * MSEC), 0);
        ck_assert(!lineage_check(l, 800, &p, 840 * 150 * MSEC, &v));
        for (pid_t t = 841; t <= 860; t++)
                ck_assert_int_eq(lineage_fork(l, 800, t, 800, 200 * SEC), 0);
        ck_assert(lineage_check(l, 800, &p, 200 * SEC, &v));
        ck_assert_uint_eq(v.births, 20);
        ck_assert_uint_eq(v.members, 61);
        ck_assert(v.births_per_sec > 199.0 && v.births_per_sec < 201.0);
        lineage_free(l);
}
END_TEST

static Suite *lineage_suite(void) {
        Suite *s = suite_create("lineage");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_lineage_new_invalid);
        tcase_add_test(tc, test_lineage_image_of_values);
        tcase_add_test(tc, test_lineage_fork_exec_exit_bookkeeping);
        tcase_add_test(tc, test_lineage_exec_same_image_stays);
        tcase_add_test(tc, test_lineage_exit_reparenting);
        tcase_add_test(tc, test_lineage_members_deep_root);
        tcase_add_test(tc, test_lineage_members_recycled_link);
        tcase_add_test(tc, test_lineage_fork_pid_reuse);
        tcase_add_test(tc, test_lineage_fork_table_full);
        tcase_add_test(tc, test_lineage_fork_threads);
        tcase_add_test(tc, test_lineage_reset_seed_resync);
        tcase_add_test(tc, test_lineage_check_c_bomb);
        tcase_add_test(tc, test_lineage_check_c_bomb_threshold);
        tcase_add_test(tc, test_lineage_check_bash_bomb_in_shell);
        tcase_add_test(tc, test_lineage_check_bash_bomb_young_shell_with_job);
        tcase_add_test(tc, test_lineage_check_bash_bomb_two_halves);
        tcase_add_test(tc, test_lineage_check_python_recursive_pools);
        tcase_add_test(tc, test_lineage_check_python_shebang_forkserver);
        tcase_add_test(tc, test_lineage_check_self_exec_script);
        tcase_add_test(tc, test_lineage_check_runaway_spawner);
        tcase_add_test(tc, test_lineage_check_legit_make);
        tcase_add_test(tc, test_lineage_check_legit_xargs);
        tcase_add_test(tc, test_lineage_check_legit_python_pool);
        tcase_add_test(tc, test_lineage_check_legit_forkserver);
        tcase_add_test(tc, test_lineage_check_legit_shell_loop);
        tcase_add_test(tc, test_lineage_parent_of_after_exit);
        tcase_add_test(tc, test_lineage_check_legit_nested_shell_loops);
        tcase_add_test(tc, test_lineage_check_legit_prefork);
        tcase_add_test(tc, test_lineage_check_legit_nested_subshells);
        tcase_add_test(tc, test_lineage_set_window_births);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        SRunner *sr = srunner_create(lineage_suite());
        int failed;

        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
