/* SPDX-License-Identifier: MIT */
/* Tests of the process-tree shape on synthetic snapshots of bombs and of legitimate workloads. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "tree.h"

/* Thresholds as the default policy uses them: min_tasks, min_generations, runaway_tasks. */
#define MIN_TASKS 32
#define MIN_GENERATIONS 6
#define RUNAWAY_TASKS 1024

#define SNAP_MAX 4096

struct snapshot {
        struct proc_stat m[SNAP_MAX];
        unsigned scratch[SNAP_MAX];
        size_t n;
};

static struct snapshot snap;

static void add(pid_t pid, pid_t ppid, const char *comm, uint64_t start_time, unsigned threads) {
        struct proc_stat *p;

        ck_assert_uint_lt(snap.n, SNAP_MAX);
        p = &snap.m[snap.n++];
        *p = (struct proc_stat) { .pid = pid, .ppid = ppid, .state = 'S', .start_time = start_time,
                                  .num_threads = threads };
        snprintf(p->comm, sizeof(p->comm), "%s", comm);
}

static void analyze(struct tree_shape *s) {
        memset(s, 0xAA, sizeof(*s));
        tree_analyze(snap.m, snap.n, snap.scratch, s);
}

static enum tree_kind judge(const struct tree_shape *s) {
        return tree_judge(s, MIN_TASKS, MIN_GENERATIONS, RUNAWAY_TASKS);
}

/* A binary tree of "bomb" processes: node k (1-based, heap order) has children 2k and 2k+1,
 * pid 1000 + k, the root's parent (999, a shell) outside the snapshot. */
static void add_binary_bomb(unsigned depth) {
        unsigned nodes = (1u << (depth + 1)) - 1;

        for (unsigned k = 1; k <= nodes; k++)
                add((pid_t) (1000 + k), k == 1 ? 999 : (pid_t) (1000 + k / 2), "bomb", 100 + k, 1);
}

START_TEST(test_tree_analyze_c_bomb) {
        struct tree_shape s;
        pid_t out[200];

        /* Added in reverse pid order, so tree_analyze() has to sort. */
        add_binary_bomb(6);
        for (size_t i = 0; i < snap.n / 2; i++) {
                struct proc_stat t = snap.m[i];

                snap.m[i] = snap.m[snap.n - 1 - i];
                snap.m[snap.n - 1 - i] = t;
        }
        analyze(&s);
        ck_assert_uint_eq(s.processes, 127);
        ck_assert_uint_eq(s.threads, 127);
        ck_assert_uint_eq(s.generations, 6);
        ck_assert_int_eq(s.chain_root, 1001);
        ck_assert_uint_eq(s.crowd, 1);
        ck_assert_int_eq(s.crowd_oldest, 1001);
        ck_assert_uint_eq(s.max_children, 2);
        ck_assert_int_eq(s.max_children_pid, 1001);
        ck_assert_uint_eq(s.max_threads, 1);
        ck_assert_int_eq(s.max_threads_pid, 1001);
        for (size_t i = 1; i < snap.n; i++)
                ck_assert_int_lt(snap.m[i - 1].pid, snap.m[i].pid);

        ck_assert_int_eq(judge(&s), TREE_EXPONENTIAL);
        ck_assert_int_eq(tree_root_of(&s, TREE_EXPONENTIAL), 1001);
        ck_assert_uint_eq(tree_members(snap.m, snap.n, 1001, out, ELEMENTSOF(out)), 127);
        for (size_t i = 0; i < 127; i++)
                ck_assert_int_eq(out[i], (pid_t) (1001 + i));

        /* One generation short of the threshold is not a bomb by depth. */
        ck_assert_int_eq(tree_judge(&s, MIN_TASKS, 7, RUNAWAY_TASKS), TREE_NONE);
}
END_TEST

START_TEST(test_tree_analyze_shell_bomb_orphans) {
        struct tree_shape s;
        pid_t out[128];

        /* A bash bomb whose parents exited: 100 "bash" reparented to pid 1, none of whose
         * parents is in the snapshot; the oldest is pid 5050. */
        for (unsigned i = 0; i < 100; i++)
                add((pid_t) (5000 + i), 1, "bash", i == 50 ? 10 : 500 + i, 1);
        analyze(&s);
        ck_assert_uint_eq(s.processes, 100);
        ck_assert_uint_eq(s.threads, 100);
        ck_assert_uint_eq(s.generations, 0);
        ck_assert_uint_eq(s.crowd, 100);
        ck_assert_int_eq(s.crowd_oldest, 5050);
        ck_assert_uint_eq(s.max_children, 0);
        ck_assert_int_eq(judge(&s), TREE_EXPONENTIAL);
        ck_assert_int_eq(tree_root_of(&s, TREE_EXPONENTIAL), 5050);

        ck_assert_uint_eq(tree_members(snap.m, snap.n, 5050, out, ELEMENTSOF(out)), 100);
        for (size_t i = 0; i < 100; i++)
                ck_assert_int_eq(out[i], (pid_t) (5000 + i));

        /* A crowd below 2 * min_tasks is not judged a bomb. */
        ck_assert_int_eq(tree_judge(&s, 51, MIN_GENERATIONS, RUNAWAY_TASKS), TREE_NONE);
        ck_assert_int_eq(tree_judge(&s, 50, MIN_GENERATIONS, RUNAWAY_TASKS), TREE_EXPONENTIAL);
}
END_TEST

START_TEST(test_tree_analyze_crowd_among_other_names) {
        struct tree_shape s;

        /* Orphans of several names, the crowd's name last: it is still found and counted. */
        add(10, 1, "sshd", 1, 1);
        add(11, 1, "cron", 2, 1);
        add(12, 10, "bash", 3, 1);
        for (unsigned i = 0; i < 70; i++)
                add((pid_t) (100 + i), 2, "perl", 1000 - i, 1);
        analyze(&s);
        ck_assert_uint_eq(s.processes, 73);
        ck_assert_uint_eq(s.crowd, 70);
        ck_assert_int_eq(s.crowd_oldest, 169);
        ck_assert_uint_eq(s.generations, 0);
        ck_assert_uint_eq(s.max_children, 1);
        ck_assert_int_eq(s.max_children_pid, 10);
        ck_assert_int_eq(judge(&s), TREE_EXPONENTIAL);
        ck_assert_int_eq(tree_root_of(&s, TREE_EXPONENTIAL), 169);
}
END_TEST

START_TEST(test_tree_analyze_pool) {
        struct tree_shape s;
        pid_t out[32];

        /* multiprocessing.Pool(16): one python parent (its shell outside), 16 python workers. */
        add(2000, 1999, "python3", 50, 3);
        for (unsigned i = 1; i <= 16; i++)
                add((pid_t) (2000 + i), 2000, "python3", 60, 1);
        analyze(&s);
        ck_assert_uint_eq(s.processes, 17);
        ck_assert_uint_eq(s.threads, 19);
        ck_assert_uint_eq(s.generations, 1);
        ck_assert_int_eq(s.chain_root, 2000);
        ck_assert_uint_eq(s.crowd, 1);
        ck_assert_int_eq(s.crowd_oldest, 2000);
        ck_assert_uint_eq(s.max_children, 16);
        ck_assert_int_eq(s.max_children_pid, 2000);
        ck_assert_uint_eq(s.max_threads, 3);
        ck_assert_int_eq(s.max_threads_pid, 2000);
        ck_assert_int_eq(judge(&s), TREE_NONE);
        ck_assert_int_eq(tree_root_of(&s, TREE_NONE), 0);
        ck_assert_uint_eq(tree_members(snap.m, snap.n, 2000, out, ELEMENTSOF(out)), 17);
        ck_assert_uint_eq(tree_members(snap.m, snap.n, 2005, out, ELEMENTSOF(out)), 1);
        ck_assert_int_eq(out[0], 2005);
}
END_TEST

START_TEST(test_tree_analyze_make_j) {
        struct tree_shape s;
        pid_t pid = 3001;

        /* make -j8: make, then per job sh -> gcc -> cc1, each link a different name. */
        add(3000, 2999, "make", 1, 1);
        for (unsigned j = 0; j < 8; j++) {
                add(pid, 3000, "sh", 10 + j, 1);
                add(pid + 1, pid, "gcc", 11 + j, 1);
                add(pid + 2, pid + 1, "cc1", 12 + j, 1);
                pid += 3;
        }
        analyze(&s);
        ck_assert_uint_eq(s.processes, 25);
        ck_assert_uint_eq(s.threads, 25);
        ck_assert_uint_eq(s.generations, 0);
        ck_assert_uint_eq(s.crowd, 1);
        ck_assert_int_eq(s.crowd_oldest, 3000);
        ck_assert_uint_eq(s.max_children, 8);
        ck_assert_int_eq(s.max_children_pid, 3000);
        ck_assert_int_eq(judge(&s), TREE_NONE);
}
END_TEST

START_TEST(test_tree_analyze_runaway) {
        struct tree_shape s;

        /* One bash spawning 2000 "sleep" children in a loop: wide, not deep. */
        add(4000, 1, "bash", 1, 1);
        for (unsigned i = 1; i <= 2000; i++)
                add((pid_t) (4000 + i), 4000, "sleep", 1 + i, 1);
        analyze(&s);
        ck_assert_uint_eq(s.processes, 2001);
        ck_assert_uint_eq(s.threads, 2001);
        ck_assert_uint_eq(s.generations, 0);
        ck_assert_uint_eq(s.crowd, 1);
        ck_assert_uint_eq(s.max_children, 2000);
        ck_assert_int_eq(s.max_children_pid, 4000);
        ck_assert_int_eq(judge(&s), TREE_RUNAWAY);
        ck_assert_int_eq(tree_root_of(&s, TREE_RUNAWAY), 4000);
        ck_assert_int_eq(tree_judge(&s, MIN_TASKS, MIN_GENERATIONS, 2001), TREE_NONE);
        ck_assert_int_eq(tree_judge(&s, MIN_TASKS, MIN_GENERATIONS, 2000), TREE_RUNAWAY);
}
END_TEST

START_TEST(test_tree_analyze_threads) {
        struct tree_shape s;

        add(6000, 1, "java", 1, 500);
        analyze(&s);
        ck_assert_uint_eq(s.processes, 1);
        ck_assert_uint_eq(s.threads, 500);
        ck_assert_uint_eq(s.max_threads, 500);
        ck_assert_int_eq(s.max_threads_pid, 6000);
        ck_assert_uint_eq(s.generations, 0);
        ck_assert_int_eq(judge(&s), TREE_THREADS);
        ck_assert_int_eq(tree_root_of(&s, TREE_THREADS), 6000);

        /* Below min_tasks threads are not judged. */
        ck_assert_int_eq(tree_judge(&s, 501, MIN_GENERATIONS, RUNAWAY_TASKS), TREE_NONE);
}
END_TEST

START_TEST(test_tree_judge_threads_ratio) {
        struct tree_shape s = { .processes = 10, .threads = 39 };

        /* THREADS needs threads >= 4 * processes. */
        ck_assert_int_eq(judge(&s), TREE_NONE);
        s.threads = 40;
        ck_assert_int_eq(judge(&s), TREE_THREADS);
        s = (struct tree_shape) { .processes = 0, .threads = 32 };
        ck_assert_int_eq(judge(&s), TREE_THREADS);
}
END_TEST

START_TEST(test_tree_analyze_deep_chain) {
        struct tree_shape s;

        /* A 4,000-deep chain of one name, the top first in pid order: generations 3999 and no
         * recursion deep enough to overflow the stack. */
        for (unsigned i = 0; i < 4000; i++)
                add((pid_t) (10000 + i), i == 0 ? 1 : (pid_t) (9999 + i), "sh", i, 1);
        analyze(&s);
        ck_assert_uint_eq(s.processes, 4000);
        ck_assert_uint_eq(s.generations, 3999);
        ck_assert_int_eq(s.chain_root, 10000);
        ck_assert_uint_eq(s.max_children, 1);
        ck_assert_uint_eq(s.crowd, 1);
        ck_assert_int_eq(judge(&s), TREE_EXPONENTIAL);
        ck_assert_int_eq(tree_root_of(&s, TREE_EXPONENTIAL), 10000);
}
END_TEST

START_TEST(test_tree_analyze_deep_chain_reversed) {
        struct tree_shape s;
        static pid_t out[4000];

        /* The same chain with wrapped pids: each child has a lower pid than its parent, so the
         * first member analysed is the deepest. */
        for (unsigned i = 0; i < 4000; i++)
                add((pid_t) (20000 - i), i == 0 ? 1 : (pid_t) (20001 - i), "sh", i, 1);
        analyze(&s);
        ck_assert_uint_eq(s.generations, 3999);
        ck_assert_int_eq(s.chain_root, 20000);
        ck_assert_uint_eq(tree_members(snap.m, snap.n, 20000, out, ELEMENTSOF(out)), 4000);
        ck_assert_uint_eq(tree_members(snap.m, snap.n, 18001, out, ELEMENTSOF(out)), 2001);
        ck_assert_int_eq(out[0], 16001);
        ck_assert_int_eq(out[2000], 18001);
        ck_assert_uint_eq(tree_members(snap.m, snap.n, 16001, out, ELEMENTSOF(out)), 1);
        ck_assert_int_eq(out[0], 16001);
}
END_TEST

START_TEST(test_tree_analyze_pid_cycle) {
        struct tree_shape s;
        pid_t out[4];

        /* Pid reuse: a's parent exited and its pid went to a's child b, so a -> b -> a. The
         * analysis must end; the walk counts each edge of the cycle once. */
        add(700, 701, "sh", 5, 1);
        add(701, 700, "sh", 9, 1);
        analyze(&s);
        ck_assert_uint_eq(s.processes, 2);
        ck_assert_uint_eq(s.generations, 2);
        ck_assert_uint_eq(s.crowd, 0);
        ck_assert_int_eq(s.chain_root, 701);
        ck_assert_uint_eq(s.max_children, 1);
        ck_assert_int_eq(s.max_children_pid, 701);
        ck_assert_uint_eq(tree_members(snap.m, snap.n, 700, out, ELEMENTSOF(out)), 2);
        ck_assert_int_eq(out[0], 700);
        ck_assert_int_eq(out[1], 701);
}
END_TEST

START_TEST(test_tree_analyze_pid_cycle_long) {
        struct tree_shape s;
        pid_t out[8];

        /* A three-member cycle fed by a chain of two. */
        add(800, 801, "sh", 1, 1);
        add(801, 802, "sh", 2, 1);
        add(802, 800, "sh", 3, 1);
        add(803, 800, "sh", 4, 1);
        add(804, 803, "sh", 5, 1);
        analyze(&s);
        ck_assert_uint_eq(s.processes, 5);
        /* 804 -> 803 -> 800, then round the cycle back to 800: five edges counted. */
        ck_assert_uint_eq(s.generations, 5);
        ck_assert_int_eq(s.chain_root, 800);
        ck_assert_uint_eq(s.crowd, 0);
        ck_assert_uint_eq(tree_members(snap.m, snap.n, 804, out, ELEMENTSOF(out)), 1);
        ck_assert_uint_eq(tree_members(snap.m, snap.n, 800, out, ELEMENTSOF(out)), 5);
}
END_TEST

START_TEST(test_tree_analyze_self_parent) {
        struct tree_shape s;

        add(900, 900, "init", 1, 1);
        analyze(&s);
        ck_assert_uint_eq(s.generations, 0);
        ck_assert_int_eq(s.chain_root, 900);
        ck_assert_uint_eq(s.max_children, 1);
        ck_assert_int_eq(s.max_children_pid, 900);
        ck_assert_uint_eq(s.crowd, 0);
}
END_TEST

START_TEST(test_tree_analyze_empty) {
        struct tree_shape s;
        pid_t out[1] = { 77 };

        analyze(&s);
        ck_assert_uint_eq(s.processes, 0);
        ck_assert_uint_eq(s.threads, 0);
        ck_assert_uint_eq(s.generations, 0);
        ck_assert_int_eq(s.chain_root, 0);
        ck_assert_uint_eq(s.crowd, 0);
        ck_assert_int_eq(s.crowd_oldest, 0);
        ck_assert_uint_eq(s.max_children, 0);
        ck_assert_int_eq(s.max_children_pid, 0);
        ck_assert_uint_eq(s.max_threads, 0);
        ck_assert_int_eq(s.max_threads_pid, 0);
        ck_assert_int_eq(judge(&s), TREE_NONE);
        ck_assert_int_eq(tree_root_of(&s, TREE_NONE), 0);
        ck_assert_uint_eq(tree_members(snap.m, 0, 1, out, ELEMENTSOF(out)), 0);
        ck_assert_int_eq(out[0], 77);
}
END_TEST

START_TEST(test_tree_members_lineage_without_orphans) {
        struct tree_shape s;
        pid_t out[16];

        /* bash(100, parent 1 inside) -> perl(101) -> perl(102, 103) -> perl(104 under 102);
         * a perl(105) under bash is another lineage; a "sleep"(106) under perl 101 is not
         * a copy. */
        add(1, 0, "systemd", 1, 1);
        add(100, 1, "bash", 2, 1);
        add(101, 100, "perl", 3, 1);
        add(102, 101, "perl", 4, 1);
        add(103, 101, "perl", 5, 1);
        add(104, 102, "perl", 6, 1);
        add(105, 100, "perl", 7, 1);
        add(106, 101, "sleep", 8, 1);
        analyze(&s);
        ck_assert_uint_eq(s.generations, 2);
        ck_assert_int_eq(s.chain_root, 101);
        ck_assert_uint_eq(s.crowd, 1);
        ck_assert_int_eq(s.crowd_oldest, 1);

        ck_assert_uint_eq(tree_members(snap.m, snap.n, 101, out, ELEMENTSOF(out)), 4);
        ck_assert_int_eq(out[0], 101);
        ck_assert_int_eq(out[1], 102);
        ck_assert_int_eq(out[2], 103);
        ck_assert_int_eq(out[3], 104);

        ck_assert_uint_eq(tree_members(snap.m, snap.n, 102, out, ELEMENTSOF(out)), 2);
        ck_assert_int_eq(out[0], 102);
        ck_assert_int_eq(out[1], 104);

        /* Not in the snapshot. */
        ck_assert_uint_eq(tree_members(snap.m, snap.n, 4242, out, ELEMENTSOF(out)), 0);
}
END_TEST

START_TEST(test_tree_members_lineage_with_orphans) {
        struct tree_shape s;
        pid_t out[16], few[2] = { 0, 0 };

        /* Orphaned "bash" 200, 210, 220 (parents gone); 201 and 202 descend from 200, 211 from
         * 210; 230 is a bash under a live "make" 240, so not an orphan; 250 is an orphaned
         * "sleep". */
        add(200, 190, "bash", 30, 1);
        add(201, 200, "bash", 31, 1);
        add(202, 201, "bash", 32, 1);
        add(210, 191, "bash", 20, 1);
        add(211, 210, "bash", 21, 1);
        add(220, 192, "bash", 40, 1);
        add(240, 193, "make", 1, 1);
        add(230, 240, "bash", 2, 1);
        add(250, 194, "sleep", 3, 1);
        analyze(&s);
        ck_assert_uint_eq(s.crowd, 3);
        ck_assert_int_eq(s.crowd_oldest, 210);
        ck_assert_uint_eq(s.generations, 2);
        ck_assert_int_eq(s.chain_root, 200);

        /* Root's own descendants and the other orphans of its name, not their descendants. */
        ck_assert_uint_eq(tree_members(snap.m, snap.n, 200, out, ELEMENTSOF(out)), 5);
        ck_assert_int_eq(out[0], 200);
        ck_assert_int_eq(out[1], 201);
        ck_assert_int_eq(out[2], 202);
        ck_assert_int_eq(out[3], 210);
        ck_assert_int_eq(out[4], 220);

        /* A root that is not an orphan brings only its own descendants. */
        ck_assert_uint_eq(tree_members(snap.m, snap.n, 201, out, ELEMENTSOF(out)), 2);
        ck_assert_int_eq(out[0], 201);
        ck_assert_int_eq(out[1], 202);
        ck_assert_uint_eq(tree_members(snap.m, snap.n, 230, out, ELEMENTSOF(out)), 1);
        ck_assert_int_eq(out[0], 230);

        /* More members than room: the full count, only max written. */
        ck_assert_uint_eq(tree_members(snap.m, snap.n, 210, few, 1), 4);
        ck_assert_int_eq(few[0], 200);
        ck_assert_int_eq(few[1], 0);
}
END_TEST

START_TEST(test_tree_kind_to_string_all) {
        ck_assert_str_eq(tree_kind_to_string(TREE_NONE), "none");
        ck_assert_str_eq(tree_kind_to_string(TREE_EXPONENTIAL), "exponential");
        ck_assert_str_eq(tree_kind_to_string(TREE_RUNAWAY), "runaway");
        ck_assert_str_eq(tree_kind_to_string(TREE_THREADS), "threads");
        ck_assert_str_eq(tree_kind_to_string((enum tree_kind) 42), "unknown");
}
END_TEST

static void snap_reset(void) {
        snap.n = 0;
}

static Suite *tree_suite(void) {
        Suite *s = suite_create("tree");
        TCase *tc = tcase_create("core");

        tcase_add_checked_fixture(tc, snap_reset, NULL);
        tcase_add_test(tc, test_tree_analyze_c_bomb);
        tcase_add_test(tc, test_tree_analyze_shell_bomb_orphans);
        tcase_add_test(tc, test_tree_analyze_crowd_among_other_names);
        tcase_add_test(tc, test_tree_analyze_pool);
        tcase_add_test(tc, test_tree_analyze_make_j);
        tcase_add_test(tc, test_tree_analyze_runaway);
        tcase_add_test(tc, test_tree_analyze_threads);
        tcase_add_test(tc, test_tree_judge_threads_ratio);
        tcase_add_test(tc, test_tree_analyze_deep_chain);
        tcase_add_test(tc, test_tree_analyze_deep_chain_reversed);
        tcase_add_test(tc, test_tree_analyze_pid_cycle);
        tcase_add_test(tc, test_tree_analyze_pid_cycle_long);
        tcase_add_test(tc, test_tree_analyze_self_parent);
        tcase_add_test(tc, test_tree_analyze_empty);
        tcase_add_test(tc, test_tree_members_lineage_without_orphans);
        tcase_add_test(tc, test_tree_members_lineage_with_orphans);
        tcase_add_test(tc, test_tree_kind_to_string_all);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        SRunner *sr = srunner_create(tree_suite());
        int failed;

        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
