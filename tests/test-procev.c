/* SPDX-License-Identifier: MIT */
/* Tests of the proc connector: decoding of synthetic datagrams and a live subscription. */
#include <check.h>
#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "macro.h"
#include "procev.h"

/* A datagram under construction; uint32_t keeps it aligned as recv() would. */
struct dgram {
        uint32_t words[256];
        size_t len;
};

/* Appends one netlink message of type nl_type carrying a connector message with ev (cn_len
 * bytes of it, or the whole struct when cn_len is 0). */
static void dgram_add(struct dgram *d, uint16_t nl_type, const struct proc_event *ev,
                      size_t cn_len) {
        uint8_t *base = (uint8_t *) d->words + d->len;
        struct nlmsghdr nl = { .nlmsg_type = nl_type };
        struct cn_msg cn = { .id = { .idx = CN_IDX_PROC, .val = CN_VAL_PROC } };

        if (cn_len == 0)
                cn_len = sizeof(*ev);
        cn.len = (uint16_t) cn_len;
        nl.nlmsg_len = (uint32_t) NLMSG_LENGTH(sizeof(cn) + cn_len);
        ck_assert_uint_le(d->len + NLMSG_ALIGN(nl.nlmsg_len), sizeof(d->words));

        memset(base, 0, NLMSG_ALIGN(nl.nlmsg_len));
        memcpy(base, &nl, sizeof(nl));
        memcpy(base + NLMSG_HDRLEN, &cn, sizeof(cn));
        memcpy(base + NLMSG_HDRLEN + sizeof(cn), ev, MIN(cn_len, sizeof(*ev)));
        d->len += NLMSG_ALIGN(nl.nlmsg_len);
}

static struct proc_event ev_fork(pid_t ppid, pid_t ptgid, pid_t cpid, pid_t ctgid) {
        struct proc_event ev = { .what = PROC_EVENT_FORK, .cpu = 1, .timestamp_ns = 123456789 };

        ev.event_data.fork.parent_pid = ppid;
        ev.event_data.fork.parent_tgid = ptgid;
        ev.event_data.fork.child_pid = cpid;
        ev.event_data.fork.child_tgid = ctgid;
        return ev;
}

static struct proc_event ev_simple(enum what what, pid_t pid, pid_t tgid) {
        struct proc_event ev = { .what = what, .cpu = 0, .timestamp_ns = 42 };

        /* exec, exit and comm all start with process_pid, process_tgid */
        ev.event_data.exec.process_pid = pid;
        ev.event_data.exec.process_tgid = tgid;
        return ev;
}

START_TEST(test_procev_parse_fork_process) {
        struct dgram d = {};
        struct proc_event ev = ev_fork(100, 100, 200, 200);
        struct procev out[4];

        dgram_add(&d, NLMSG_DONE, &ev, 0);
        ck_assert_int_eq(procev_parse(d.words, d.len, out, ELEMENTSOF(out)), 1);
        ck_assert_int_eq(out[0].type, PROCEV_FORK);
        ck_assert_int_eq(out[0].cpu, 1);
        ck_assert_uint_eq(out[0].timestamp_ns, 123456789);
        ck_assert_int_eq(out[0].pid, 200);
        ck_assert_int_eq(out[0].tgid, 200);
        ck_assert_int_eq(out[0].parent_pid, 100);
        ck_assert_int_eq(out[0].parent_tgid, 100);
}
END_TEST

START_TEST(test_procev_parse_fork_thread) {
        struct dgram d = {};
        struct proc_event ev = ev_fork(101, 100, 201, 100);
        struct procev out[1];

        dgram_add(&d, NLMSG_DONE, &ev, 0);
        ck_assert_int_eq(procev_parse(d.words, d.len, out, ELEMENTSOF(out)), 1);
        ck_assert_int_eq(out[0].type, PROCEV_FORK);
        ck_assert_int_eq(out[0].pid, 201);
        ck_assert_int_eq(out[0].tgid, 100);
        ck_assert_int_eq(out[0].parent_pid, 101);
        ck_assert_int_eq(out[0].parent_tgid, 100);
}
END_TEST

START_TEST(test_procev_parse_exec) {
        struct dgram d = {};
        struct proc_event ev = ev_simple(PROC_EVENT_EXEC, 300, 300);
        struct procev out[1];

        dgram_add(&d, NLMSG_DONE, &ev, 0);
        ck_assert_int_eq(procev_parse(d.words, d.len, out, ELEMENTSOF(out)), 1);
        ck_assert_int_eq(out[0].type, PROCEV_EXEC);
        ck_assert_int_eq(out[0].pid, 300);
        ck_assert_int_eq(out[0].tgid, 300);
        ck_assert_uint_eq(out[0].timestamp_ns, 42);
}
END_TEST

START_TEST(test_procev_parse_exit) {
        struct dgram d = {};
        struct proc_event ev = ev_simple(PROC_EVENT_EXIT, 301, 300);
        struct procev out[1];

        ev.event_data.exit.exit_code = 9;
        ev.event_data.exit.parent_pid = 1;
        dgram_add(&d, NLMSG_DONE, &ev, 0);
        ck_assert_int_eq(procev_parse(d.words, d.len, out, ELEMENTSOF(out)), 1);
        ck_assert_int_eq(out[0].type, PROCEV_EXIT);
        ck_assert_int_eq(out[0].pid, 301);
        ck_assert_int_eq(out[0].tgid, 300);
}
END_TEST

START_TEST(test_procev_parse_comm) {
        struct dgram d = {};
        struct proc_event ev = ev_simple(PROC_EVENT_COMM, 400, 400);
        struct procev out[1];

        memcpy(ev.event_data.comm.comm, "renamed", 8);
        dgram_add(&d, NLMSG_DONE, &ev, 0);
        ck_assert_int_eq(procev_parse(d.words, d.len, out, ELEMENTSOF(out)), 1);
        ck_assert_int_eq(out[0].type, PROCEV_COMM);
        ck_assert_int_eq(out[0].pid, 400);
        ck_assert_int_eq(out[0].tgid, 400);
}
END_TEST

START_TEST(test_procev_parse_two_messages) {
        struct dgram d = {};
        struct proc_event a = ev_fork(1, 1, 2, 2), b = ev_simple(PROC_EVENT_EXIT, 2, 2);
        struct procev out[4];

        dgram_add(&d, NLMSG_DONE, &a, 0);
        dgram_add(&d, NLMSG_DONE, &b, 0);
        ck_assert_int_eq(procev_parse(d.words, d.len, out, ELEMENTSOF(out)), 2);
        ck_assert_int_eq(out[0].type, PROCEV_FORK);
        ck_assert_int_eq(out[0].tgid, 2);
        ck_assert_int_eq(out[1].type, PROCEV_EXIT);
        ck_assert_int_eq(out[1].tgid, 2);
}
END_TEST

START_TEST(test_procev_parse_truncated) {
        struct dgram d = {};
        struct proc_event ev = ev_fork(1, 1, 2, 2);
        struct procev out[1];

        dgram_add(&d, NLMSG_DONE, &ev, 0);
        /* the datagram ends inside the message */
        ck_assert_int_eq(procev_parse(d.words, d.len - 8, out, ELEMENTSOF(out)), -EINVAL);
        /* only part of a netlink header */
        ck_assert_int_eq(procev_parse(d.words, 10, out, ELEMENTSOF(out)), -EINVAL);
}
END_TEST

START_TEST(test_procev_parse_short_event) {
        struct dgram d = {};
        struct proc_event ev = ev_fork(1, 1, 2, 2);
        struct procev out[1];

        /* a fork event cut after its parent fields: consistent lengths, too short a payload */
        dgram_add(&d, NLMSG_DONE, &ev, offsetof(struct proc_event, event_data) + 8);
        ck_assert_int_eq(procev_parse(d.words, d.len, out, ELEMENTSOF(out)), -EINVAL);
}
END_TEST

START_TEST(test_procev_parse_cn_len_too_large) {
        struct dgram d = {};
        struct proc_event ev = ev_simple(PROC_EVENT_EXEC, 5, 5);
        struct cn_msg cn;
        struct procev out[1];

        dgram_add(&d, NLMSG_DONE, &ev, 0);
        memcpy(&cn, (uint8_t *) d.words + NLMSG_HDRLEN, sizeof(cn));
        cn.len += 4;
        memcpy((uint8_t *) d.words + NLMSG_HDRLEN, &cn, sizeof(cn));
        ck_assert_int_eq(procev_parse(d.words, d.len, out, ELEMENTSOF(out)), -EINVAL);
}
END_TEST

START_TEST(test_procev_parse_bad_nlmsg_len) {
        struct dgram d = {};
        struct proc_event ev = ev_simple(PROC_EVENT_EXEC, 5, 5);
        struct nlmsghdr nl;
        struct procev out[1];

        dgram_add(&d, NLMSG_DONE, &ev, 0);
        memcpy(&nl, d.words, sizeof(nl));
        nl.nlmsg_len = 8; /* shorter than its own header */
        memcpy(d.words, &nl, sizeof(nl));
        ck_assert_int_eq(procev_parse(d.words, d.len, out, ELEMENTSOF(out)), -EINVAL);
}
END_TEST

START_TEST(test_procev_parse_unknown_skipped) {
        struct dgram d = {};
        struct proc_event uid = ev_simple(PROC_EVENT_UID, 7, 7), ack = { .what = PROC_EVENT_NONE };
        struct proc_event exit_ev = ev_simple(PROC_EVENT_EXIT, 8, 8);
        struct procev out[4];

        dgram_add(&d, NLMSG_DONE, &uid, 0);
        dgram_add(&d, NLMSG_DONE, &ack, 0);
        dgram_add(&d, NLMSG_NOOP, &exit_ev, 0);
        dgram_add(&d, NLMSG_DONE, &exit_ev, 0);
        ck_assert_int_eq(procev_parse(d.words, d.len, out, ELEMENTSOF(out)), 1);
        ck_assert_int_eq(out[0].type, PROCEV_EXIT);
        ck_assert_int_eq(out[0].tgid, 8);
}
END_TEST

START_TEST(test_procev_parse_other_connector_skipped) {
        struct dgram d = {};
        struct proc_event ev = ev_simple(PROC_EVENT_EXEC, 5, 5);
        struct cn_msg cn;
        struct procev out[1];

        dgram_add(&d, NLMSG_DONE, &ev, 0);
        memcpy(&cn, (uint8_t *) d.words + NLMSG_HDRLEN, sizeof(cn));
        cn.id.idx = CN_IDX_PROC + 1;
        memcpy((uint8_t *) d.words + NLMSG_HDRLEN, &cn, sizeof(cn));
        ck_assert_int_eq(procev_parse(d.words, d.len, out, ELEMENTSOF(out)), 0);
}
END_TEST

START_TEST(test_procev_parse_max_smaller) {
        struct dgram d = {};
        struct procev out[2];

        for (pid_t i = 0; i < 3; i++) {
                struct proc_event ev = ev_fork(1, 1, 10 + i, 10 + i);

                dgram_add(&d, NLMSG_DONE, &ev, 0);
        }
        ck_assert_int_eq(procev_parse(d.words, d.len, out, 2), 2);
        ck_assert_int_eq(out[0].tgid, 10);
        ck_assert_int_eq(out[1].tgid, 11);
        ck_assert_int_eq(procev_parse(d.words, d.len, NULL, 0), 0);
        /* the messages past max are still validated */
        ck_assert_int_eq(procev_parse(d.words, d.len - 4, out, 1), -EINVAL);
}
END_TEST

START_TEST(test_procev_parse_empty) {
        uint32_t buf[4] = {};
        struct procev out[1];

        ck_assert_int_eq(procev_parse(buf, 0, out, ELEMENTSOF(out)), 0);
}
END_TEST

static bool ci(void) {
        const char *e = getenv("CI");

        return e && strcmp(e, "true") == 0;
}

struct seen {
        bool fork, exec, exit;
};

static void note_events(const struct procev *ev, int n, pid_t child, struct seen *s) {
        for (int i = 0; i < n; i++) {
                if (ev[i].type == PROCEV_FORK && ev[i].tgid == child && ev[i].pid == child &&
                    ev[i].parent_tgid == getpid())
                        s->fork = true;
                else if (ev[i].type == PROCEV_EXEC && ev[i].tgid == child && s->fork)
                        s->exec = true;
                else if (ev[i].type == PROCEV_EXIT && ev[i].tgid == child && ev[i].pid == child &&
                         s->exec)
                        s->exit = true;
        }
}

START_TEST(test_procev_open_live) {
        struct seen s = {};
        usec_t deadline;
        pid_t child;
        int fd, status;

        fd = procev_open(8 * 1024 * 1024);
        if (fd == -EPERM || fd == -EPROTONOSUPPORT) {
                if (ci())
                        ck_abort_msg("procev_open: %s, and CI=true", strerror(-fd));
                fprintf(stderr, "Skipping the live proc connector test: %s\n", strerror(-fd));
                return;
        }
        ck_assert_int_ge(fd, 0);

        child = fork();
        ck_assert_int_ge(child, 0);
        if (child == 0) {
                execl("/bin/true", "true", (char *) NULL);
                _exit(127);
        }

        deadline = now_usec() + 2 * USEC_PER_SEC;
        while (!s.exit && now_usec() < deadline) {
                uint32_t buf[2048];
                struct procev ev[16];
                struct pollfd p = { .fd = fd, .events = POLLIN };
                ssize_t len;
                int n;

                if (poll(&p, 1, 100) <= 0)
                        continue;
                len = recv(fd, buf, sizeof(buf), 0);
                if (len < 0) {
                        /* ENOBUFS: other events overflowed the buffer; ours may be lost */
                        ck_assert_msg(errno == EAGAIN || errno == ENOBUFS, "recv: %m");
                        continue;
                }
                n = procev_parse(buf, (size_t) len, ev, ELEMENTSOF(ev));
                ck_assert_int_ge(n, 0);
                note_events(ev, n, child, &s);
        }

        ck_assert_int_eq(waitpid(child, &status, 0), child);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        procev_close(fd);
        ck_assert_msg(s.fork, "no fork event for %d", (int) child);
        ck_assert_msg(s.exec, "no exec event for %d", (int) child);
        ck_assert_msg(s.exit, "no exit event for %d", (int) child);
}
END_TEST

static Suite *procev_suite(void) {
        Suite *s = suite_create("procev");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_procev_parse_fork_process);
        tcase_add_test(tc, test_procev_parse_fork_thread);
        tcase_add_test(tc, test_procev_parse_exec);
        tcase_add_test(tc, test_procev_parse_exit);
        tcase_add_test(tc, test_procev_parse_comm);
        tcase_add_test(tc, test_procev_parse_two_messages);
        tcase_add_test(tc, test_procev_parse_truncated);
        tcase_add_test(tc, test_procev_parse_short_event);
        tcase_add_test(tc, test_procev_parse_cn_len_too_large);
        tcase_add_test(tc, test_procev_parse_bad_nlmsg_len);
        tcase_add_test(tc, test_procev_parse_unknown_skipped);
        tcase_add_test(tc, test_procev_parse_other_connector_skipped);
        tcase_add_test(tc, test_procev_parse_max_smaller);
        tcase_add_test(tc, test_procev_parse_empty);
        tcase_add_test(tc, test_procev_open_live);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        SRunner *sr = srunner_create(procev_suite());
        int failed;

        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
