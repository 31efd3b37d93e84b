/* SPDX-License-Identifier: MIT */
/* Tests of mountinfo parsing and cgroup layout discovery on fixture hosts and on this machine. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layout.h"
#include "macro.h"

#define LAYOUT_FIXTURES FIXTURES "/layout"

/* Writes content to a temporary mountinfo file, replacing each "@ROOT@" with the fixture
 * directory escaped as the kernel escapes mount points. The file is unlinked at once and stays
 * open until the test process exits; returns its /proc/self/fd path (static). */
static const char *mountinfo_from(const char *content) {
        static char path[64];
        char name[] = "/tmp/forkstop-test-mountinfo-XXXXXX";
        _cleanup_fclose_ FILE *f = NULL;
        int fd;

        fd = mkstemp(name);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(unlink(name), 0);
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        f = fdopen(dup(fd), "w");
        ck_assert_ptr_nonnull(f);

        for (const char *p = content; *p; p++) {
                if (strncmp(p, "@ROOT@", 6) != 0) {
                        fputc(*p, f);
                        continue;
                }

                for (const char *r = LAYOUT_FIXTURES; *r; r++)
                        if (strchr(" \t\n\\", *r))
                                fprintf(f, "\\%03o", (unsigned char) *r);
                        else
                                fputc(*r, f);
                p += 5;
        }

        ck_assert_int_eq(fflush(f), 0);
        return path;
}

/* Reads a fixture template (name relative to the layout fixtures) into a mountinfo file. */
static const char *mountinfo_fixture(const char *name) {
        _cleanup_free_ char *content = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        char path[4096];
        size_t allocated = 0;
        ssize_t n;

        snprintf(path, sizeof(path), "%s/%s", LAYOUT_FIXTURES, name);
        f = fopen(path, "re");
        ck_assert_ptr_nonnull(f);
        n = getdelim(&content, &allocated, '\0', f);
        ck_assert_int_gt(n, 0);

        return mountinfo_from(content);
}

START_TEST(test_mountinfo_parse_line_optional_fields) {
        struct mountinfo_entry e;

        ck_assert_int_eq(mountinfo_parse_line("45 27 0:40 / /run/user/1000 rw,nosuid,nodev,relatime "
                                              "shared:254 master:1 propagate_from:1 - tmpfs tmpfs "
                                              "rw,size=801640k,mode=700\n", &e), 0);
        ck_assert_str_eq(e.root, "/");
        ck_assert_str_eq(e.mount_point, "/run/user/1000");
        ck_assert_str_eq(e.fstype, "tmpfs");
        ck_assert_str_eq(e.super_options, "rw,size=801640k,mode=700");

        ck_assert_int_eq(mountinfo_parse_line("28 22 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - "
                                              "cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot",
                                              &e), 0);
        ck_assert_str_eq(e.mount_point, "/sys/fs/cgroup");
        ck_assert_str_eq(e.fstype, "cgroup2");
        ck_assert_str_eq(e.super_options, "rw,nsdelegate,memory_recursiveprot");
}
END_TEST

START_TEST(test_mountinfo_parse_line_no_optional_fields) {
        struct mountinfo_entry e;

        ck_assert_int_eq(mountinfo_parse_line("39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup "
                                              "cgroup rw,pids\n", &e), 0);
        ck_assert_str_eq(e.root, "/");
        ck_assert_str_eq(e.mount_point, "/sys/fs/cgroup/pids");
        ck_assert_str_eq(e.fstype, "cgroup");
        ck_assert_str_eq(e.super_options, "rw,pids");

        /* A container sees a sub-tree of the hierarchy as its root. */
        ck_assert_int_eq(mountinfo_parse_line("1203 1190 0:36 /lxc/box /sys/fs/cgroup/pids ro - cgroup "
                                              "cgroup rw,pids", &e), 0);
        ck_assert_str_eq(e.root, "/lxc/box");
}
END_TEST

START_TEST(test_mountinfo_parse_line_escapes) {
        struct mountinfo_entry e;

        ck_assert_int_eq(mountinfo_parse_line("50 27 8:1 /a\\040dir /mnt/x\\040y\\011z\\012n\\134b rw "
                                              "- ext4 /dev/sd\\040a rw\n", &e), 0);
        ck_assert_str_eq(e.root, "/a dir");
        ck_assert_str_eq(e.mount_point, "/mnt/x y\tz\nn\\b");
        ck_assert_str_eq(e.fstype, "ext4");
        ck_assert_str_eq(e.super_options, "rw");

        /* A backslash not followed by three octal digits stays as it is. */
        ck_assert_int_eq(mountinfo_parse_line("50 27 8:1 / /mnt/\\x\\09 rw - ext4 /dev/sda rw", &e), 0);
        ck_assert_str_eq(e.mount_point, "/mnt/\\x\\09");
}
END_TEST

static const char *const broken_mountinfo_lines[] = {
        "",
        "\n",
        "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime cgroup cgroup rw,pids",
        "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup",
        "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup",
        "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime -",
        "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime",
        "x 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
        "39 31 036 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
        "39 31 0: / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
        "39 31 0:36  /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
        "39 31 0:36 / /mnt/nul\\000 rw,relatime - cgroup cgroup rw,pids",
        "39 31 0:36 / /mnt rw - fuse.a-file-system-type-name-that-is-too-long src rw",
};

START_TEST(test_mountinfo_parse_line_invalid) {
        struct mountinfo_entry e = { .fstype = "untouched" };

        ck_assert_int_eq(mountinfo_parse_line(broken_mountinfo_lines[_i], &e), -EINVAL);
        ck_assert_str_eq(e.fstype, "untouched");
}
END_TEST

START_TEST(test_mountinfo_find_cgroup2_fixtures) {
        char buf[4096];

        ck_assert_int_eq(mountinfo_find_cgroup2(mountinfo_fixture("hybrid/mountinfo.in"), buf,
                                                sizeof(buf)), 0);
        ck_assert_str_eq(buf, LAYOUT_FIXTURES "/hybrid/unified");

        ck_assert_int_eq(mountinfo_find_cgroup2(mountinfo_fixture("unified/mountinfo.in"), buf,
                                                sizeof(buf)), 0);
        ck_assert_str_eq(buf, LAYOUT_FIXTURES "/unified/cgroup root");

        ck_assert_int_eq(mountinfo_find_cgroup2(LAYOUT_FIXTURES "/no-cgroup2/mountinfo", buf,
                                                sizeof(buf)), -ENOENT);
        ck_assert_int_eq(mountinfo_find_cgroup2(LAYOUT_FIXTURES "/does-not-exist", buf, sizeof(buf)),
                         -ENOENT);
        ck_assert_int_eq(mountinfo_find_cgroup2(mountinfo_fixture("hybrid/mountinfo.in"), buf, 8),
                         -ENOBUFS);
}
END_TEST

START_TEST(test_mountinfo_find_cgroup1_fixtures) {
        const char *hybrid = mountinfo_fixture("hybrid/mountinfo.in");
        char buf[4096];

        ck_assert_int_eq(mountinfo_find_cgroup1(hybrid, "pids", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/sys/fs/cgroup/pids");
        ck_assert_int_eq(mountinfo_find_cgroup1(hybrid, "freezer", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/sys/fs/cgroup/freezer");
        ck_assert_int_eq(mountinfo_find_cgroup1(hybrid, "name=systemd", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/sys/fs/cgroup/systemd");
        ck_assert_int_eq(mountinfo_find_cgroup1(hybrid, "systemd", buf, sizeof(buf)), -ENOENT);

        ck_assert_int_eq(mountinfo_find_cgroup1(mountinfo_fixture("unified/mountinfo.in"), "pids", buf,
                                                sizeof(buf)), -ENOENT);
        ck_assert_int_eq(mountinfo_find_cgroup1(LAYOUT_FIXTURES "/no-cgroup2/mountinfo", "pids", buf,
                                                sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/sys/fs/cgroup/pids");
}
END_TEST

START_TEST(test_mountinfo_find_cgroup1_whole_token) {
        const char *tricky = LAYOUT_FIXTURES "/tricky/mountinfo";
        char buf[4096];

        /* Skips "name=pids2", "pidsx" and a tmpfs with "pids" in its options. */
        ck_assert_int_eq(mountinfo_find_cgroup1(tricky, "pids", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/sys/fs/cgroup/pids and more");
        ck_assert_int_eq(mountinfo_find_cgroup1(tricky, "freezer", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/sys/fs/cgroup/pids and more");
        ck_assert_int_eq(mountinfo_find_cgroup1(tricky, "name=pids2", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/sys/fs/cgroup/decoy");
        ck_assert_int_eq(mountinfo_find_cgroup1(tricky, "xpids", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/sys/fs/cgroup/pidsish");
        ck_assert_int_eq(mountinfo_find_cgroup1(tricky, "pid", buf, sizeof(buf)), -ENOENT);
        ck_assert_int_eq(mountinfo_find_cgroup1(tricky, "ids", buf, sizeof(buf)), -ENOENT);
        ck_assert_int_eq(mountinfo_find_cgroup1(tricky, "", buf, sizeof(buf)), -EINVAL);
}
END_TEST

START_TEST(test_layout_discover_at_hybrid) {
        struct layout l;
        char line[16384];

        ck_assert_int_eq(layout_discover_at(mountinfo_fixture("hybrid/mountinfo.in"), false, &l), 0);
        ck_assert_int_eq(l.kind, LAYOUT_HYBRID);
        ck_assert_str_eq(l.v2_root, LAYOUT_FIXTURES "/hybrid/unified");
        ck_assert(!l.pids_on_v2);
        ck_assert_str_eq(l.pids_v1_root, "/sys/fs/cgroup/pids");
        ck_assert_str_eq(l.freezer_v1_root, "/sys/fs/cgroup/freezer");

        layout_describe(&l, line, sizeof(line));
        ck_assert_str_eq(line, "hybrid: cgroup v2 at '" LAYOUT_FIXTURES "/hybrid/unified' without pids, "
                               "pids v1 at '/sys/fs/cgroup/pids', freezer v1 at '/sys/fs/cgroup/freezer'");
}
END_TEST

START_TEST(test_layout_discover_at_unified) {
        struct layout l;
        char line[16384];

        ck_assert_int_eq(layout_discover_at(mountinfo_fixture("unified/mountinfo.in"), false, &l), 0);
        ck_assert_int_eq(l.kind, LAYOUT_UNIFIED);
        ck_assert_str_eq(l.v2_root, LAYOUT_FIXTURES "/unified/cgroup root");
        ck_assert(l.pids_on_v2);
        ck_assert_str_eq(l.pids_v1_root, "");
        ck_assert_str_eq(l.freezer_v1_root, "");

        layout_describe(&l, line, sizeof(line));
        ck_assert_str_eq(line, "unified: cgroup v2 at '" LAYOUT_FIXTURES "/unified/cgroup root' with pids");
}
END_TEST

START_TEST(test_layout_discover_at_no_cgroup2) {
        struct layout l = { .v2_root = "untouched" };

        ck_assert_int_eq(layout_discover_at(LAYOUT_FIXTURES "/no-cgroup2/mountinfo", false, &l), -ENOENT);
        ck_assert_int_eq(layout_discover_at(LAYOUT_FIXTURES "/does-not-exist", false, &l), -ENOENT);
        ck_assert_str_eq(l.v2_root, "untouched");
}
END_TEST

START_TEST(test_layout_discover_at_without_controllers_file) {
        struct layout l;

        /* A v2 mount whose cgroup.controllers cannot be found offers no pids: v1 is used. */
        ck_assert_int_eq(layout_discover_at(mountinfo_from("41 31 0:38 / @ROOT@/nowhere rw - cgroup2 "
                                                           "cgroup2 rw\n39 31 0:36 / /x/pids rw - "
                                                           "cgroup cgroup rw,pids\n"), false, &l), 0);
        ck_assert_int_eq(l.kind, LAYOUT_HYBRID);
        ck_assert(!l.pids_on_v2);
        ck_assert_str_eq(l.pids_v1_root, "/x/pids");
        ck_assert_str_eq(l.freezer_v1_root, "");
}
END_TEST

START_TEST(test_layout_describe_no_pids) {
        struct layout l = { .kind = LAYOUT_UNIFIED, .v2_root = "/sys/fs/cgroup" };
        char line[256];

        layout_describe(&l, line, sizeof(line));
        ck_assert_str_eq(line, "unified: cgroup v2 at '/sys/fs/cgroup' without pids, no pids controller");

        strcpy(l.freezer_v1_root, "/f");
        l.kind = LAYOUT_HYBRID;
        layout_describe(&l, line, sizeof(line));
        ck_assert_str_eq(line, "hybrid: cgroup v2 at '/sys/fs/cgroup' without pids, no pids controller, "
                               "freezer v1 at '/f'");
}
END_TEST

START_TEST(test_layout_describe_truncated) {
        struct layout l = { .kind = LAYOUT_HYBRID, .v2_root = "/sys/fs/cgroup/unified",
                            .pids_v1_root = "/sys/fs/cgroup/pids" };
        char line[64];

        layout_describe(&l, line, 10);
        ck_assert_str_eq(line, "hybrid: c");
        layout_describe(&l, line, 50);
        ck_assert_str_eq(line, "hybrid: cgroup v2 at '/sys/fs/cgroup/unified' wit");
        line[0] = 'x';
        layout_describe(&l, line, 0);
        ck_assert_int_eq(line[0], 'x');
}
END_TEST

START_TEST(test_layout_discover_live) {
        char v2[4096], pids[4096], path[8192];
        struct layout l, plain;
        int r;

        ck_assert_int_eq(mountinfo_find_cgroup2("/proc/self/mountinfo", v2, sizeof(v2)), 0);
        r = mountinfo_find_cgroup1("/proc/self/mountinfo", "pids", pids, sizeof(pids));
        ck_assert(r == 0 || r == -ENOENT);

        /* With libcgroup, as the daemon runs. */
        ck_assert_int_eq(layout_discover("/proc/self/mountinfo", &l), 0);
        ck_assert_str_eq(l.v2_root, v2);

        if (strcmp(v2, "/sys/fs/cgroup/unified") == 0 && r == 0 &&
            strcmp(pids, "/sys/fs/cgroup/pids") == 0) {
                /* The development machine of FACTS.md. */
                ck_assert_int_eq(l.kind, LAYOUT_HYBRID);
                ck_assert(!l.pids_on_v2);
                ck_assert_str_eq(l.pids_v1_root, "/sys/fs/cgroup/pids");
                ck_assert_str_eq(l.freezer_v1_root, "/sys/fs/cgroup/freezer");
        } else if (!l.pids_on_v2 && r == 0) {
                ck_assert_str_ne(l.pids_v1_root, "");
        }

        if (l.pids_v1_root[0]) {
                snprintf(path, sizeof(path), "%s/cgroup.procs", l.pids_v1_root);
                ck_assert_int_eq(access(path, F_OK), 0);
        }

        /* libcgroup and mountinfo agree on this host. */
        ck_assert_int_eq(layout_discover_at("/proc/self/mountinfo", false, &plain), 0);
        ck_assert_int_eq(plain.kind, l.kind);
        ck_assert_int_eq(plain.pids_on_v2, l.pids_on_v2);
        ck_assert_str_eq(plain.pids_v1_root, l.pids_v1_root);
        ck_assert_str_eq(plain.freezer_v1_root, l.freezer_v1_root);
}
END_TEST

static Suite *layout_suite(void) {
        Suite *s = suite_create("layout");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_mountinfo_parse_line_optional_fields);
        tcase_add_test(tc, test_mountinfo_parse_line_no_optional_fields);
        tcase_add_test(tc, test_mountinfo_parse_line_escapes);
        tcase_add_loop_test(tc, test_mountinfo_parse_line_invalid, 0,
                            (int) ELEMENTSOF(broken_mountinfo_lines));
        tcase_add_test(tc, test_mountinfo_find_cgroup2_fixtures);
        tcase_add_test(tc, test_mountinfo_find_cgroup1_fixtures);
        tcase_add_test(tc, test_mountinfo_find_cgroup1_whole_token);
        tcase_add_test(tc, test_layout_discover_at_hybrid);
        tcase_add_test(tc, test_layout_discover_at_unified);
        tcase_add_test(tc, test_layout_discover_at_no_cgroup2);
        tcase_add_test(tc, test_layout_discover_at_without_controllers_file);
        tcase_add_test(tc, test_layout_describe_no_pids);
        tcase_add_test(tc, test_layout_describe_truncated);
        tcase_add_test(tc, test_layout_discover_live);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        SRunner *sr = srunner_create(layout_suite());
        int failed;

        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
