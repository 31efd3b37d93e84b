/* SPDX-License-Identifier: MIT */
/* Tests of the /proc readers against hostile lines, fixture trees and the live /proc. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "macro.h"
#include "proc.h"

#define PROC_FIXTURES FIXTURES "/proc"

/* Builds a stat line as the kernel prints it, with comm between parentheses. */
static void stat_line(char *buf, size_t size, const char *comm) {
        int n;

        n = snprintf(buf, size,
                     "31337 (%s) S 42 31337 31337 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 7 0 8675309 "
                     "9027584 876 18446744073709551615 1 1 0 0 0 0 0 0 2 0 0 17 1 0 0 0 0 0 0 0 "
                     "0 0 0 0 0 0\n",
                     comm);
        ck_assert_int_gt(n, 0);
        ck_assert_int_lt(n, (int) size);
}

static int open_fixtures(void) {
        int fd = open(PROC_FIXTURES, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        ck_assert_int_ge(fd, 0);
        return fd;
}

START_TEST(test_proc_path_values) {
        char buf[16];

        ck_assert_int_eq(proc_path(buf, sizeof(buf), 1, "stat"), 0);
        ck_assert_str_eq(buf, "1/stat");
        ck_assert_int_eq(proc_path(buf, sizeof(buf), 4194304, "cmdline"), 0);
        ck_assert_str_eq(buf, "4194304/cmdline");
        ck_assert_int_eq(proc_path(buf, 15, 4194304, "cmdline"), -EINVAL);
        ck_assert_int_eq(proc_path(buf, sizeof(buf), 0, "stat"), -EINVAL);
        ck_assert_int_eq(proc_path(buf, sizeof(buf), -5, "stat"), -EINVAL);
        ck_assert_int_eq(proc_path(buf, 0, 5, "stat"), -EINVAL);
}
END_TEST

START_TEST(test_proc_parse_stat_plain) {
        struct proc_stat st;
        char line[1024];

        stat_line(line, sizeof(line), "bash");
        ck_assert_int_eq(proc_parse_stat(line, &st), 0);
        ck_assert_int_eq(st.pid, 31337);
        ck_assert_int_eq(st.ppid, 42);
        ck_assert_str_eq(st.comm, "bash");
        ck_assert_int_eq(st.state, 'S');
        ck_assert_uint_eq(st.num_threads, 7);
        ck_assert_uint_eq(st.start_time, 8675309);
}
END_TEST

static const char *const hostile_names[] = {
        "a) R (b", "(", ")", "x y", "new\nline", "123456789012345", ") 1 2 3 (", "", "))", "((",
        "a) S 1 2 3 4",
};

START_TEST(test_proc_parse_stat_hostile_names) {
        const char *name = hostile_names[_i];
        struct proc_stat st;
        char line[1024];

        stat_line(line, sizeof(line), name);
        ck_assert_int_eq(proc_parse_stat(line, &st), 0);
        ck_assert_str_eq(st.comm, name);
        ck_assert_int_eq(st.pid, 31337);
        ck_assert_int_eq(st.ppid, 42);
        ck_assert_int_eq(st.state, 'S');
        ck_assert_uint_eq(st.num_threads, 7);
        ck_assert_uint_eq(st.start_time, 8675309);
}
END_TEST

START_TEST(test_proc_parse_stat_long_comm) {
        char line[1024], name[100];
        struct proc_stat st;

        /* Workqueue workers can show names longer than the 15 bytes of TASK_COMM_LEN. */
        memset(name, 'k', sizeof(name) - 1);
        name[sizeof(name) - 1] = '\0';
        stat_line(line, sizeof(line), name);
        ck_assert_int_eq(proc_parse_stat(line, &st), 0);
        ck_assert_uint_eq(strlen(st.comm), PROC_COMM_MAX - 1);
        ck_assert_int_eq(st.comm[0], 'k');
        ck_assert_uint_eq(st.start_time, 8675309);
}
END_TEST

static const char *const broken_stat_lines[] = {
        "",
        "31337",
        "31337 (x)",
        "31337 (x) ",
        "31337 (x) S",
        "31337 (x) S ",
        "31337 (x R 42 31337 31337 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 7 0 8675309 1\n",
        "x (x) R 42 31337 31337 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 7 0 8675309 1\n",
        "0 (x) R 42 31337 31337 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 7 0 8675309 1\n",
        "31337 x) R 42 31337 31337 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 7 0 8675309 1\n",
        "31337 (x) RS 42 31337 31337 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 7 0 8675309 1\n",
        "31337 (x) R -1 31337 31337 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 7 0 8675309 1\n",
        "31337 (x) R 42 31337 31337 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 x 0 8675309 1\n",
        "31337 (x) R 42 31337 31337 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 7 0 86x 1\n",
        "31337 (x) R 42 31337 31337 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 7 0\n",
        "31337 (x) R 42 31337 31337 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 7\n",
        "31337 (x) R 42 31337 31337 0 -1 4194560 120 0 0 0 3 1 0 0 20 0\n",
        "31337 (x) R 42  31337 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 7 0 8675309 1\n",
        "31337 (x) R 42\n",
};

START_TEST(test_proc_parse_stat_missing_fields) {
        struct proc_stat st = { .pid = -7 };

        ck_assert_int_eq(proc_parse_stat(broken_stat_lines[_i], &st), -EINVAL);
        /* Nothing is written on failure. */
        ck_assert_int_eq(st.pid, -7);
}
END_TEST

START_TEST(test_proc_parse_stat_no_trailing_fields) {
        struct proc_stat st;

        /* Field 22 is the last one needed: a line that ends there is enough. */
        ck_assert_int_eq(proc_parse_stat("5 (x) R 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77", &st), 0);
        ck_assert_uint_eq(st.start_time, 77);
        ck_assert_uint_eq(st.num_threads, 1);
}
END_TEST

START_TEST(test_proc_parse_status_uid_first) {
        uid_t uid = 0;

        ck_assert_int_eq(proc_parse_status_uid("Name:\tx\nUid:\t1000\t0\t0\t0\nGid:\t0\t0\t0\t0\n",
                                               &uid), 0);
        ck_assert_uint_eq(uid, 1000);

        ck_assert_int_eq(proc_parse_status_uid("Uid:\t0\t1000\t1000\t1000\n", &uid), 0);
        ck_assert_uint_eq(uid, 0);

        /* "Uid:" inside another line does not count. */
        ck_assert_int_eq(proc_parse_status_uid("Name:\tUid:\t5\nUid:\t42\t43\t44\t45", &uid), 0);
        ck_assert_uint_eq(uid, 42);

        ck_assert_int_eq(proc_parse_status_uid("Uid:\t4294967294\t0\t0\t0\n", &uid), 0);
        ck_assert_uint_eq(uid, 4294967294U);
}
END_TEST

START_TEST(test_proc_parse_status_uid_invalid) {
        uid_t uid = 12345;

        ck_assert_int_eq(proc_parse_status_uid("", &uid), -EINVAL);
        ck_assert_int_eq(proc_parse_status_uid("Name:\tx\nGid:\t0\t0\t0\t0\n", &uid), -EINVAL);
        ck_assert_int_eq(proc_parse_status_uid("Uid:\n", &uid), -EINVAL);
        ck_assert_int_eq(proc_parse_status_uid("Uid:\tabc\t0\n", &uid), -EINVAL);
        ck_assert_int_eq(proc_parse_status_uid("Uid:\t-1\t0\n", &uid), -EINVAL);
        ck_assert_int_eq(proc_parse_status_uid("Uid:\t12x\t0\n", &uid), -EINVAL);
        ck_assert_int_eq(proc_parse_status_uid("Uid:\t4294967295\t0\n", &uid), -EINVAL);
        ck_assert_int_eq(proc_parse_status_uid("Uid:\t99999999999999999999999\t0\n", &uid), -EINVAL);
        ck_assert_uint_eq(uid, 12345);
}
END_TEST

START_TEST(test_proc_read_stat_fixture) {
        _cleanup_close_ int fd = open_fixtures();
        struct proc_stat st;

        ck_assert_int_eq(proc_read_stat(fd, 1234, &st), 0);
        ck_assert_int_eq(st.pid, 1234);
        ck_assert_int_eq(st.ppid, 1200);
        ck_assert_str_eq(st.comm, "bash");
        ck_assert_int_eq(st.state, 'S');
        ck_assert_uint_eq(st.num_threads, 1);
        ck_assert_uint_eq(st.start_time, 4711);

        ck_assert_int_eq(proc_read_stat(fd, 777, &st), 0);
        ck_assert_str_eq(st.comm, "a) R (b");
        ck_assert_int_eq(st.state, 'T');
        ck_assert_int_eq(st.ppid, 1234);
        ck_assert_uint_eq(st.num_threads, 3);
        ck_assert_uint_eq(st.start_time, 99999);

        ck_assert_int_eq(proc_read_stat(fd, 4242, &st), 0);
        ck_assert_int_eq(st.state, 'Z');
}
END_TEST

START_TEST(test_proc_read_stat_missing) {
        _cleanup_close_ int fd = open_fixtures();
        struct proc_stat st;

        ck_assert_int_eq(proc_read_stat(fd, 5, &st), -ENOENT);
        ck_assert_int_eq(proc_read_stat(fd, 0, &st), -EINVAL);
        ck_assert_int_eq(proc_read_stat(fd, -1, &st), -EINVAL);
}
END_TEST

START_TEST(test_proc_read_uid_fixture) {
        _cleanup_close_ int fd = open_fixtures();
        uid_t uid;

        ck_assert_int_eq(proc_read_uid(fd, 1234, &uid), 0);
        ck_assert_uint_eq(uid, 1000);
        ck_assert_int_eq(proc_read_uid(fd, 777, &uid), 0);
        ck_assert_uint_eq(uid, 0);
        ck_assert_int_eq(proc_read_uid(fd, 4242, &uid), 0);
        ck_assert_uint_eq(uid, 65534);
        ck_assert_int_eq(proc_read_uid(fd, 5, &uid), -ENOENT);
}
END_TEST

START_TEST(test_proc_read_cmdline_join) {
        _cleanup_close_ int fd = open_fixtures();
        char buf[256];

        ck_assert_int_eq(proc_read_cmdline(fd, 1234, buf, sizeof(buf)), 20);
        ck_assert_str_eq(buf, "/bin/bash --login -i");
}
END_TEST

START_TEST(test_proc_read_cmdline_truncate) {
        _cleanup_close_ int fd = open_fixtures();
        char buf[32];

        /* Exactly enough room: the final NUL of the block is not a cut. */
        ck_assert_int_eq(proc_read_cmdline(fd, 1234, buf, 21), 20);
        ck_assert_str_eq(buf, "/bin/bash --login -i");

        ck_assert_int_eq(proc_read_cmdline(fd, 1234, buf, 20), 19);
        ck_assert_str_eq(buf, "/bin/bash --logi...");

        /* Cut right after an argument: the next one is still missing. */
        ck_assert_int_eq(proc_read_cmdline(fd, 1234, buf, 11), 10);
        ck_assert_str_eq(buf, "/bin/ba...");
        ck_assert_int_eq(proc_read_cmdline(fd, 1234, buf, 10), 9);
        ck_assert_str_eq(buf, "/bin/b...");

        ck_assert_int_eq(proc_read_cmdline(fd, 1234, buf, 4), 3);
        ck_assert_str_eq(buf, "...");
        ck_assert_int_eq(proc_read_cmdline(fd, 1234, buf, 2), 1);
        ck_assert_str_eq(buf, "/");
        ck_assert_int_eq(proc_read_cmdline(fd, 1234, buf, 1), 0);
        ck_assert_str_eq(buf, "");
        ck_assert_int_eq(proc_read_cmdline(fd, 1234, buf, 0), -EINVAL);
}
END_TEST

START_TEST(test_proc_read_cmdline_non_printable) {
        _cleanup_close_ int fd = open_fixtures();
        char buf[256];

        /* Tab, escape and the two bytes of a UTF-8 e-acute become '?'; padding NULs go. */
        ck_assert_int_eq(proc_read_cmdline(fd, 777, buf, sizeof(buf)), 33);
        ck_assert_str_eq(buf, "./a) R (b tab?here ?[31mred caf??");
}
END_TEST

START_TEST(test_proc_read_cmdline_empty_zombie) {
        _cleanup_close_ int fd = open_fixtures();
        char buf[256];

        ck_assert_int_eq(proc_read_cmdline(fd, 4242, buf, sizeof(buf)), 12);
        ck_assert_str_eq(buf, "[defunct me]");
        ck_assert_int_eq(proc_read_cmdline(fd, 4242, buf, 5), 4);
        ck_assert_str_eq(buf, "[def");
        ck_assert_int_eq(proc_read_cmdline(fd, 5, buf, sizeof(buf)), -ENOENT);
}
END_TEST

static const char hybrid_cgroup[] =
        "9:name=systemd:/user.slice/user-1000.slice/session-3.scope\n"
        "8:pids:/user.slice/user-1000.slice/session-3.scope\n"
        "6:freezer:/\n"
        "2:cpu,cpuacct:/user.slice\n"
        "0::/user.slice/user-1000.slice/session-3.scope\n";

START_TEST(test_proc_parse_cgroup_v2_found) {
        char buf[64];

        ck_assert_int_eq(proc_parse_cgroup_v2(hybrid_cgroup, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/user.slice/user-1000.slice/session-3.scope");

        ck_assert_int_eq(proc_parse_cgroup_v2("0::/a b\n", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/a b");

        /* No trailing newline, and the root cgroup. */
        ck_assert_int_eq(proc_parse_cgroup_v2("1:cpu:/x\n0::/", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/");

        /* "10::" is a named v1 hierarchy without controllers, not v2. */
        ck_assert_int_eq(proc_parse_cgroup_v2("10::/not-v2\n0::/v2\n", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/v2");
}
END_TEST

START_TEST(test_proc_parse_cgroup_v2_missing) {
        char buf[64] = "untouched";

        ck_assert_int_eq(proc_parse_cgroup_v2("8:pids:/x\n6:freezer:/\n", buf, sizeof(buf)), -ENOENT);
        ck_assert_int_eq(proc_parse_cgroup_v2("", buf, sizeof(buf)), -ENOENT);
        ck_assert_str_eq(buf, "untouched");
}
END_TEST

START_TEST(test_proc_parse_cgroup_v2_small_buffer) {
        char buf[8];

        ck_assert_int_eq(proc_parse_cgroup_v2("0::/123456\n", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/123456");
        ck_assert_int_eq(proc_parse_cgroup_v2("0::/1234567\n", buf, sizeof(buf)), -ENOBUFS);
        ck_assert_int_eq(proc_parse_cgroup_v2("0::/\n", buf, 1), -ENOBUFS);
}
END_TEST

START_TEST(test_proc_parse_cgroup_v1_found) {
        char buf[64];

        ck_assert_int_eq(proc_parse_cgroup_v1(hybrid_cgroup, "pids", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/user.slice/user-1000.slice/session-3.scope");
        ck_assert_int_eq(proc_parse_cgroup_v1(hybrid_cgroup, "freezer", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/");
        ck_assert_int_eq(proc_parse_cgroup_v1(hybrid_cgroup, "cpuacct", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/user.slice");
        ck_assert_int_eq(proc_parse_cgroup_v1(hybrid_cgroup, "name=systemd", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/user.slice/user-1000.slice/session-3.scope");
        ck_assert_int_eq(proc_parse_cgroup_v1("8:pids:/a b:c\n", "pids", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/a b:c");
}
END_TEST

START_TEST(test_proc_parse_cgroup_v1_missing) {
        char buf[64] = "untouched";

        ck_assert_int_eq(proc_parse_cgroup_v1(hybrid_cgroup, "memory", buf, sizeof(buf)), -ENOENT);
        ck_assert_int_eq(proc_parse_cgroup_v1(hybrid_cgroup, "cpuacc", buf, sizeof(buf)), -ENOENT);
        ck_assert_int_eq(proc_parse_cgroup_v1(hybrid_cgroup, "systemd", buf, sizeof(buf)), -ENOENT);
        ck_assert_int_eq(proc_parse_cgroup_v1("0::/pids\n", "pids", buf, sizeof(buf)), -ENOENT);
        ck_assert_int_eq(proc_parse_cgroup_v1("9:name=pids2:/x\n", "pids", buf, sizeof(buf)), -ENOENT);
        ck_assert_str_eq(buf, "untouched");
}
END_TEST

START_TEST(test_proc_parse_cgroup_v1_small_buffer) {
        char buf[4];

        ck_assert_int_eq(proc_parse_cgroup_v1("8:pids:/abc\n", "pids", buf, sizeof(buf)), -ENOBUFS);
        ck_assert_int_eq(proc_parse_cgroup_v1("8:pids:/ab\n", "pids", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/ab");
}
END_TEST

START_TEST(test_proc_read_cgroup_v2_fixture) {
        _cleanup_close_ int fd = open_fixtures();
        char buf[128];

        ck_assert_int_eq(proc_read_cgroup_v2(fd, 1234, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/user.slice/user-1000.slice/session-3.scope");
        ck_assert_int_eq(proc_read_cgroup_v2(fd, 4242, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/a b");
        ck_assert_int_eq(proc_read_cgroup_v2(fd, 1234, buf, 10), -ENOBUFS);
        ck_assert_int_eq(proc_read_cgroup_v2(fd, 5, buf, sizeof(buf)), -ENOENT);
}
END_TEST

START_TEST(test_proc_read_live_self) {
        _cleanup_close_ int fd = -1;
        char buf[4096], expected[4096], own[8192];
        struct proc_stat st;
        ssize_t n;
        uid_t uid;

        fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ck_assert_int_ge(fd, 0);

        ck_assert_int_eq(proc_read_stat(fd, getpid(), &st), 0);
        ck_assert_int_eq(st.pid, getpid());
        ck_assert_int_eq(st.ppid, getppid());
        ck_assert_int_eq(st.state, 'R');
        ck_assert_str_eq(st.comm, "test-proc");
        ck_assert_uint_ge(st.num_threads, 1);
        ck_assert_uint_gt(st.start_time, 0);

        ck_assert_int_eq(proc_read_uid(fd, getpid(), &uid), 0);
        ck_assert_uint_eq(uid, getuid());

        n = proc_read_cmdline(fd, getpid(), buf, sizeof(buf));
        ck_assert_int_gt(n, 0);
        ck_assert_uint_eq(strlen(buf), (size_t) n);
        ck_assert_ptr_nonnull(strstr(buf, "test-proc"));

        /* Our own v2 path, as the kernel shows it to us. */
        {
                _cleanup_close_ int cfd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);

                ck_assert_int_ge(cfd, 0);
                n = read(cfd, own, sizeof(own) - 1);
                ck_assert_int_gt(n, 0);
                own[n] = '\0';
        }
        ck_assert_int_eq(proc_parse_cgroup_v2(own, expected, sizeof(expected)), 0);
        ck_assert_int_eq(proc_read_cgroup_v2(fd, getpid(), buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, expected);
}
END_TEST

START_TEST(test_proc_read_live_vanished) {
        _cleanup_close_ int fd = -1;
        struct proc_stat st;
        char buf[64];
        pid_t pid;
        uid_t uid;

        fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ck_assert_int_ge(fd, 0);

        pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0)
                _exit(0);

        /* Unreaped, the child is a zombie: no arguments, its name in brackets. */
        ck_assert_int_eq(waitid(P_PID, pid, NULL, WEXITED | WNOWAIT), 0);
        ck_assert_int_eq(proc_read_stat(fd, pid, &st), 0);
        ck_assert_int_eq(st.state, 'Z');
        ck_assert_int_eq(proc_read_cmdline(fd, pid, buf, sizeof(buf)), 11);
        ck_assert_str_eq(buf, "[test-proc]");

        ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
        ck_assert_int_eq(proc_read_stat(fd, pid, &st), -ENOENT);
        ck_assert_int_eq(proc_read_uid(fd, pid, &uid), -ENOENT);
        ck_assert_int_eq(proc_read_cmdline(fd, pid, buf, sizeof(buf)), -ENOENT);
        ck_assert_int_eq(proc_read_cgroup_v2(fd, pid, buf, sizeof(buf)), -ENOENT);
}
END_TEST

static Suite *proc_suite(void) {
        Suite *s = suite_create("proc");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_proc_path_values);
        tcase_add_test(tc, test_proc_parse_stat_plain);
        tcase_add_loop_test(tc, test_proc_parse_stat_hostile_names, 0, (int) ELEMENTSOF(hostile_names));
        tcase_add_test(tc, test_proc_parse_stat_long_comm);
        tcase_add_loop_test(tc, test_proc_parse_stat_missing_fields, 0,
                            (int) ELEMENTSOF(broken_stat_lines));
        tcase_add_test(tc, test_proc_parse_stat_no_trailing_fields);
        tcase_add_test(tc, test_proc_parse_status_uid_first);
        tcase_add_test(tc, test_proc_parse_status_uid_invalid);
        tcase_add_test(tc, test_proc_read_stat_fixture);
        tcase_add_test(tc, test_proc_read_stat_missing);
        tcase_add_test(tc, test_proc_read_uid_fixture);
        tcase_add_test(tc, test_proc_read_cmdline_join);
        tcase_add_test(tc, test_proc_read_cmdline_truncate);
        tcase_add_test(tc, test_proc_read_cmdline_non_printable);
        tcase_add_test(tc, test_proc_read_cmdline_empty_zombie);
        tcase_add_test(tc, test_proc_parse_cgroup_v2_found);
        tcase_add_test(tc, test_proc_parse_cgroup_v2_missing);
        tcase_add_test(tc, test_proc_parse_cgroup_v2_small_buffer);
        tcase_add_test(tc, test_proc_parse_cgroup_v1_found);
        tcase_add_test(tc, test_proc_parse_cgroup_v1_missing);
        tcase_add_test(tc, test_proc_parse_cgroup_v1_small_buffer);
        tcase_add_test(tc, test_proc_read_cgroup_v2_fixture);
        tcase_add_test(tc, test_proc_read_live_self);
        tcase_add_test(tc, test_proc_read_live_vanished);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        SRunner *sr = srunner_create(proc_suite());
        int failed;

        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
