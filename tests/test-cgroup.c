/* SPDX-License-Identifier: MIT */
/* Tests of the cgroup parsers, path helpers, and the counter reads and writes on fixture trees. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "fileio.h"
#include "layout.h"
#include "macro.h"

#define CGROUP_FIXTURES FIXTURES "/cgroup"

/* A temporary directory per test case, made by the parent before the case and removed after
 * it, so a failed assertion cannot leave copies behind. */
static char scratch_root[] = "/tmp/forkstop-test-cgroup-XXXXXX";

static void scratch_setup(void) {
        ck_assert_ptr_nonnull(mkdtemp(scratch_root));
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        return remove(path);
}

static void scratch_teardown(void) {
        (void) nftw(scratch_root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A hybrid host as the fixtures describe it: v2 without pids, v1 pids at the same paths. */
static void layout_hybrid(struct layout *l) {
        *l = (struct layout) { .kind = LAYOUT_HYBRID, .pids_on_v2 = false };
        snprintf(l->v2_root, sizeof(l->v2_root), "%s", CGROUP_FIXTURES "/v2");
        snprintf(l->pids_v1_root, sizeof(l->pids_v1_root), "%s", CGROUP_FIXTURES "/v1pids");
}

/* A unified host with pids on v2. */
static void layout_unified(struct layout *l) {
        *l = (struct layout) { .kind = LAYOUT_UNIFIED, .pids_on_v2 = true };
        snprintf(l->v2_root, sizeof(l->v2_root), "%s", CGROUP_FIXTURES "/unified");
}

/* Copies the regular files of the fixture directory src (relative to the cgroup fixtures) into
 * a new directory name under the scratch root; returns a descriptor on the copy. */
static int copy_fixture(const char *src, const char *name) {
        char from[4096], to[4096];
        struct dirent *de;
        DIR *d;
        int dst_fd;

        snprintf(from, sizeof(from), "%s/%s", CGROUP_FIXTURES, src);
        snprintf(to, sizeof(to), "%s/%s", scratch_root, name);
        ck_assert_int_eq(mkdir(to, 0755), 0);
        dst_fd = open(to, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ck_assert_int_ge(dst_fd, 0);

        d = opendir(from);
        ck_assert_ptr_nonnull(d);
        while ((de = readdir(d))) {
                _cleanup_free_ char *content = NULL;
                _cleanup_close_ int fd = -1;
                size_t len;

                if (de->d_type != DT_REG)
                        continue;
                ck_assert_int_eq(fileio_read_full_at(dirfd(d), de->d_name, 1 << 20, &content, &len), 0);
                fd = openat(dst_fd, de->d_name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
                ck_assert_int_ge(fd, 0);
                ck_assert_int_eq(write(fd, content, len), (ssize_t) len);
        }
        (void) closedir(d);
        return dst_fd;
}

static void read_file_at(int dir_fd, const char *name, char *buf, size_t size) {
        ck_assert_int_ge(fileio_read_at(dir_fd, name, buf, size), 0);
}

START_TEST(test_cgroup_parse_pids_events_only_max) {
        uint64_t v = 7;

        ck_assert_int_eq(cgroup_parse_pids_events("max 12\n", &v), 0);
        ck_assert_uint_eq(v, 12);
        ck_assert_int_eq(cgroup_parse_pids_events("max 0\n", &v), 0);
        ck_assert_uint_eq(v, 0);
        ck_assert_int_eq(cgroup_parse_pids_events("max 18446744073709551615", &v), 0);
        ck_assert_uint_eq(v, UINT64_MAX);
}
END_TEST

START_TEST(test_cgroup_parse_pids_events_other_lines) {
        uint64_t v = 7;

        /* pids_localevents adds "max.imposed", which must not be taken for "max". */
        ck_assert_int_eq(cgroup_parse_pids_events("max.imposed 9\nmax 20000\n", &v), 0);
        ck_assert_uint_eq(v, 20000);
        ck_assert_int_eq(cgroup_parse_pids_events("max 3\nmax.imposed 9\n", &v), 0);
        ck_assert_uint_eq(v, 3);
        ck_assert_int_eq(cgroup_parse_pids_events("other 1\nmaximum 5\nmax 42\nlast 8\n", &v), 0);
        ck_assert_uint_eq(v, 42);
}
END_TEST

START_TEST(test_cgroup_parse_pids_events_missing_max) {
        uint64_t v = 7;

        ck_assert_int_eq(cgroup_parse_pids_events("", &v), -EINVAL);
        ck_assert_int_eq(cgroup_parse_pids_events("max.imposed 9\n", &v), -EINVAL);
        ck_assert_int_eq(cgroup_parse_pids_events("populated 1\nfrozen 0\n", &v), -EINVAL);
        ck_assert_int_eq(cgroup_parse_pids_events("max\n", &v), -EINVAL);
        ck_assert_int_eq(cgroup_parse_pids_events("max \n", &v), -EINVAL);
        ck_assert_int_eq(cgroup_parse_pids_events("max many\n", &v), -EINVAL);
        ck_assert_int_eq(cgroup_parse_pids_events(" max 3\n", &v), -EINVAL);
        ck_assert_uint_eq(v, 7);
}
END_TEST

START_TEST(test_cgroup_count_entries_lines) {
        ck_assert_uint_eq(cgroup_count_entries(""), 0);
        ck_assert_uint_eq(cgroup_count_entries("1\n"), 1);
        ck_assert_uint_eq(cgroup_count_entries("1\n2\n3\n"), 3);
        /* Only newline-terminated entries count. */
        ck_assert_uint_eq(cgroup_count_entries("1\n2"), 1);
}
END_TEST

START_TEST(test_cgroup_parse_procs_normal) {
        pid_t pids[4] = {};

        ck_assert_int_eq(cgroup_parse_procs("1\n4242\n2147483647\n", pids, 4), 3);
        ck_assert_int_eq(pids[0], 1);
        ck_assert_int_eq(pids[1], 4242);
        ck_assert_int_eq(pids[2], 2147483647);
        ck_assert_int_eq(pids[3], 0);

        /* The last entry may lack its newline. */
        ck_assert_int_eq(cgroup_parse_procs("5\n6", pids, 4), 2);
        ck_assert_int_eq(pids[0], 5);
        ck_assert_int_eq(pids[1], 6);
}
END_TEST

START_TEST(test_cgroup_parse_procs_empty) {
        pid_t pids[2] = { 9, 9 };

        ck_assert_int_eq(cgroup_parse_procs("", pids, 2), 0);
        ck_assert_int_eq(pids[0], 9);
        ck_assert_int_eq(cgroup_parse_procs("", NULL, 0), 0);
}
END_TEST

static const char *const malformed_procs[] = {
        "x\n",    "12x\n", "0\n",       "-5\n",   "1\n\n", "1\n\n2\n", " 5\n",
        "+5\n",   "\n",    "1 2\n",     "5\t\n",  "99999999999999999999\n",
        "2147483648\n",
};

START_TEST(test_cgroup_parse_procs_malformed) {
        pid_t pids[8];

        ck_assert_int_eq(cgroup_parse_procs(malformed_procs[_i], pids, ELEMENTSOF(pids)), -EINVAL);
}
END_TEST

START_TEST(test_cgroup_parse_procs_more_than_n) {
        pid_t pids[3] = { 0, 0, 77 };

        ck_assert_int_eq(cgroup_parse_procs("10\n20\n30\n40\n50\n", pids, 2), 5);
        ck_assert_int_eq(pids[0], 10);
        ck_assert_int_eq(pids[1], 20);
        ck_assert_int_eq(pids[2], 77);
        ck_assert_int_eq(cgroup_parse_procs("10\n20\n", NULL, 0), 2);
}
END_TEST

static const struct {
        const char *path;
        const char *unit;
} unit_cases[] = {
        { "/system.slice/foo.service", "foo.service" },
        { "/user.slice/user-1000.slice/session-2.scope", "session-2.scope" },
        { "/user.slice/user-1000.slice/user@1000.service/app.slice/x.service", "x.service" },
        { "/user.slice", "user.slice" },
        { "/user.slice/user-1000.slice", "user-1000.slice" },
        { "/a/b", "" },
        { "/", "" },
        { "", "" },
        { "/system.slice/docker-1a2b.scope/inner/deeper", "docker-1a2b.scope" },
        { "/system.slice/systemd-journald.socket", "systemd-journald.socket" },
        { "/system.slice/boot.mount", "boot.mount" },
        { "/system.slice/dev-sda2.swap", "dev-sda2.swap" },
        /* A slice below a service or scope never hides it (cgroup.c), although the header says
         * "the deepest component". */
        { "/system.slice/foo.service/sub.slice", "foo.service" },
        { "/user.slice/user-1000.slice/user@1000.service/app.slice", "user@1000.service" },
        { "/user.slice/user-1000.slice/session-2.scope/x", "session-2.scope" },
        /* A bare suffix is not a unit name. */
        { "/system.slice/.service", "system.slice" },
        { "/.slice", "" },
        { "//system.slice//foo.service//", "foo.service" },
        { "/system.slice/foo.services", "system.slice" },
};

START_TEST(test_cgroup_unit_from_path_table) {
        char buf[256];

        memset(buf, 'z', sizeof(buf));
        cgroup_unit_from_path(unit_cases[_i].path, buf, sizeof(buf));
        ck_assert_str_eq(buf, unit_cases[_i].unit);
}
END_TEST

START_TEST(test_cgroup_unit_from_path_small_buffer) {
        char buf[12] = "zzzzzzzzzzz", tiny[1] = { 'z' };

        /* "foo.service" needs 12 bytes with its NUL: it fits exactly, one more does not. */
        cgroup_unit_from_path("/system.slice/foo.service", buf, sizeof(buf));
        ck_assert_str_eq(buf, "foo.service");
        cgroup_unit_from_path("/system.slice/fooo.service", buf, sizeof(buf));
        ck_assert_str_eq(buf, "");
        cgroup_unit_from_path("/system.slice/foo.service", tiny, sizeof(tiny));
        ck_assert_int_eq(tiny[0], '\0');
        tiny[0] = 'z';
        cgroup_unit_from_path("/system.slice/foo.service", tiny, 0);
        ck_assert_int_eq(tiny[0], 'z');
}
END_TEST

START_TEST(test_cgroup_join_root_and_nested) {
        char buf[64];

        ck_assert_int_eq(cgroup_join("/sys/fs/cgroup", "/", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/sys/fs/cgroup");
        ck_assert_int_eq(cgroup_join("/sys/fs/cgroup", "/system.slice/foo.service", buf, sizeof(buf)),
                         0);
        ck_assert_str_eq(buf, "/sys/fs/cgroup/system.slice/foo.service");
        ck_assert_int_eq(cgroup_join("/sys/fs/cgroup/unified", "/a", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/sys/fs/cgroup/unified/a");
}
END_TEST

START_TEST(test_cgroup_join_too_long) {
        char buf[16];

        /* 15 characters and the NUL fit; 16 do not. */
        ck_assert_int_eq(cgroup_join("/sys/fs", "/cgroup/", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/sys/fs/cgroup/");
        ck_assert_int_eq(cgroup_join("/sys/fs", "/cgroup/x", buf, sizeof(buf)), -ENAMETOOLONG);
        ck_assert_int_eq(cgroup_join("/sys/fs/cgroup/x", "/", buf, sizeof(buf)), -ENAMETOOLONG);
}
END_TEST

START_TEST(test_cgroup_files_open_missing) {
        struct cgroup_files f = CGROUP_FILES_INIT;
        struct layout l;

        f.dir_fd = 1234;
        layout_hybrid(&l);
        ck_assert_int_eq(cgroup_files_open(&l, "/system.slice/gone.service", &f), -ENOENT);
        ck_assert_int_eq(f.dir_fd, 1234);
        layout_unified(&l);
        ck_assert_int_eq(cgroup_files_open(&l, "/gone", &f), -ENOENT);
        ck_assert_int_eq(f.dir_fd, 1234);
}
END_TEST

START_TEST(test_cgroup_files_open_too_long) {
        struct cgroup_files f = CGROUP_FILES_INIT;
        char path[5000];
        struct layout l;

        layout_hybrid(&l);
        memset(path, 'a', sizeof(path) - 1);
        path[0] = '/';
        path[sizeof(path) - 1] = '\0';
        ck_assert_int_eq(cgroup_files_open(&l, path, &f), -ENAMETOOLONG);
        ck_assert_int_eq(f.dir_fd, -1);
}
END_TEST

START_TEST(test_cgroup_read_counters_v1_limited) {
        struct cgroup_files f = CGROUP_FILES_INIT;
        struct cgroup_counters c;
        struct layout l;

        layout_hybrid(&l);
        ck_assert_int_eq(cgroup_files_open(&l, "/system.slice/bomb.service", &f), 0);
        ck_assert_int_ge(f.dir_fd, 0);
        ck_assert_int_ge(f.pids_dir_fd, 0);
        ck_assert_int_ge(f.current_fd, 0);
        ck_assert_int_ge(f.max_fd, 0);
        ck_assert_int_ge(f.peak_fd, 0);
        ck_assert_int_ge(f.events_fd, 0);

        ck_assert_int_eq(cgroup_read_counters(&f, &c), 0);
        ck_assert(c.have_pids);
        ck_assert_uint_eq(c.tasks, 4096);
        ck_assert_uint_eq(c.pids_max, 4096);
        ck_assert_uint_eq(c.peak, 4096);
        ck_assert_uint_eq(c.refused, 20000);

        /* A second read on the kept descriptors gives the same values. */
        ck_assert_int_eq(cgroup_read_counters(&f, &c), 0);
        ck_assert_uint_eq(c.tasks, 4096);
        ck_assert_uint_eq(c.refused, 20000);

        cgroup_files_close(&f);
        ck_assert_int_eq(f.dir_fd, -1);
        ck_assert_int_eq(f.pids_dir_fd, -1);
        ck_assert_int_eq(f.current_fd, -1);
        ck_assert_int_eq(f.max_fd, -1);
        ck_assert_int_eq(f.peak_fd, -1);
        ck_assert_int_eq(f.events_fd, -1);
        cgroup_files_close(&f);
        ck_assert_int_eq(f.dir_fd, -1);
}
END_TEST

START_TEST(test_cgroup_read_counters_v1_unlimited) {
        struct cgroup_files f = CGROUP_FILES_INIT;
        struct cgroup_counters c;
        struct layout l;

        layout_hybrid(&l);
        ck_assert_int_eq(cgroup_files_open(&l, "/system.slice/frozen.service", &f), 0);
        ck_assert_int_eq(cgroup_read_counters(&f, &c), 0);
        ck_assert(c.have_pids);
        ck_assert_uint_eq(c.tasks, 3);
        ck_assert_uint_eq(c.pids_max, PIDS_MAX_UNLIMITED);
        ck_assert_uint_eq(c.peak, 9);
        ck_assert_uint_eq(c.refused, 0);
        cgroup_files_close(&f);
}
END_TEST

START_TEST(test_cgroup_read_counters_v1_twin_missing) {
        struct cgroup_files f = CGROUP_FILES_INIT;
        struct cgroup_counters c;
        struct layout l;

        /* No v1 pids twin: the five lines of cgroup.threads are the count. */
        layout_hybrid(&l);
        ck_assert_int_eq(cgroup_files_open(&l, "/nopids", &f), 0);
        ck_assert_int_ge(f.dir_fd, 0);
        ck_assert_int_eq(f.pids_dir_fd, -1);
        ck_assert_int_eq(f.current_fd, -1);
        ck_assert_int_eq(f.max_fd, -1);
        ck_assert_int_eq(f.peak_fd, -1);
        ck_assert_int_eq(f.events_fd, -1);
        ck_assert_int_eq(cgroup_read_counters(&f, &c), 0);
        ck_assert(!c.have_pids);
        ck_assert_uint_eq(c.tasks, 5);
        ck_assert_uint_eq(c.pids_max, PIDS_MAX_UNLIMITED);
        ck_assert_uint_eq(c.peak, 0);
        ck_assert_uint_eq(c.refused, 0);
        cgroup_files_close(&f);
}
END_TEST

START_TEST(test_cgroup_read_counters_no_v1_root) {
        struct cgroup_files f = CGROUP_FILES_INIT;
        struct cgroup_counters c;
        struct layout l;

        /* No pids anywhere: even a cgroup with a v1 twin in the fixtures counts its threads. */
        layout_hybrid(&l);
        l.pids_v1_root[0] = '\0';
        ck_assert_int_eq(cgroup_files_open(&l, "/system.slice/bomb.service", &f), 0);
        ck_assert_int_eq(f.pids_dir_fd, -1);
        ck_assert_int_eq(f.current_fd, -1);
        ck_assert_int_eq(cgroup_read_counters(&f, &c), 0);
        ck_assert(!c.have_pids);
        ck_assert_uint_eq(c.tasks, 4);
        ck_assert_uint_eq(c.pids_max, PIDS_MAX_UNLIMITED);
        cgroup_files_close(&f);
}
END_TEST

START_TEST(test_cgroup_read_counters_v1_root_cgroup) {
        struct cgroup_files f = CGROUP_FILES_INIT;
        struct cgroup_counters c;
        struct layout l;

        /* The v1 root directory exists but has no pids.current, as the kernel's root. */
        layout_hybrid(&l);
        ck_assert_int_eq(cgroup_files_open(&l, "/", &f), 0);
        ck_assert_int_ge(f.pids_dir_fd, 0);
        ck_assert_int_eq(f.current_fd, -1);
        ck_assert_int_eq(f.max_fd, -1);
        ck_assert_int_eq(cgroup_read_counters(&f, &c), 0);
        ck_assert(!c.have_pids);
        ck_assert_uint_eq(c.tasks, 2);
        ck_assert_uint_eq(c.pids_max, PIDS_MAX_UNLIMITED);
        cgroup_files_close(&f);
}
END_TEST

START_TEST(test_cgroup_read_counters_v2_limited) {
        struct cgroup_files f = CGROUP_FILES_INIT;
        struct cgroup_counters c;
        struct layout l;

        layout_unified(&l);
        ck_assert_int_eq(cgroup_files_open(&l, "/limited", &f), 0);
        ck_assert_int_ge(f.pids_dir_fd, 0);
        ck_assert_int_ne(f.pids_dir_fd, f.dir_fd);
        ck_assert_int_ge(f.current_fd, 0);
        ck_assert_int_eq(cgroup_read_counters(&f, &c), 0);
        ck_assert(c.have_pids);
        ck_assert_uint_eq(c.tasks, 12);
        ck_assert_uint_eq(c.pids_max, 100);
        ck_assert_uint_eq(c.peak, 40);
        ck_assert_uint_eq(c.refused, 5);
        cgroup_files_close(&f);
}
END_TEST

START_TEST(test_cgroup_read_counters_v2_no_peak) {
        struct cgroup_files f = CGROUP_FILES_INIT;
        struct cgroup_counters c;
        struct layout l;

        layout_unified(&l);
        ck_assert_int_eq(cgroup_files_open(&l, "/nopeak", &f), 0);
        ck_assert_int_ge(f.current_fd, 0);
        ck_assert_int_eq(f.peak_fd, -1);
        ck_assert_int_eq(cgroup_read_counters(&f, &c), 0);
        ck_assert(c.have_pids);
        ck_assert_uint_eq(c.tasks, 2);
        ck_assert_uint_eq(c.pids_max, PIDS_MAX_UNLIMITED);
        ck_assert_uint_eq(c.peak, 0);
        ck_assert_uint_eq(c.refused, 0);
        cgroup_files_close(&f);
}
END_TEST

START_TEST(test_cgroup_read_counters_v2_root_cgroup) {
        struct cgroup_files f = CGROUP_FILES_INIT;
        struct cgroup_counters c;
        struct layout l;

        layout_unified(&l);
        ck_assert_int_eq(cgroup_files_open(&l, "/", &f), 0);
        ck_assert_int_eq(f.current_fd, -1);
        ck_assert_int_eq(cgroup_read_counters(&f, &c), 0);
        ck_assert(!c.have_pids);
        ck_assert_uint_eq(c.tasks, 3);
        ck_assert_uint_eq(c.pids_max, PIDS_MAX_UNLIMITED);
        cgroup_files_close(&f);
}
END_TEST

START_TEST(test_cgroup_read_counters_v2_tolerant) {
        struct cgroup_files f = CGROUP_FILES_INIT;
        struct cgroup_counters c;
        struct layout l;

        /* Unreadable pids.max, pids.peak and pids.events fall back to their defaults. */
        layout_unified(&l);
        ck_assert_int_eq(cgroup_files_open(&l, "/tolerant", &f), 0);
        ck_assert_int_eq(cgroup_read_counters(&f, &c), 0);
        ck_assert(c.have_pids);
        ck_assert_uint_eq(c.tasks, 6);
        ck_assert_uint_eq(c.pids_max, PIDS_MAX_UNLIMITED);
        ck_assert_uint_eq(c.peak, 0);
        ck_assert_uint_eq(c.refused, 0);
        cgroup_files_close(&f);
}
END_TEST

START_TEST(test_cgroup_read_counters_v2_malformed_current) {
        struct cgroup_files f = CGROUP_FILES_INIT;
        struct cgroup_counters c = { .tasks = 77 };
        struct layout l;

        layout_unified(&l);
        ck_assert_int_eq(cgroup_files_open(&l, "/broken", &f), 0);
        ck_assert_int_eq(cgroup_read_counters(&f, &c), -EINVAL);
        ck_assert_uint_eq(c.tasks, 77);
        cgroup_files_close(&f);
}
END_TEST

START_TEST(test_cgroup_read_counters_removed) {
        struct cgroup_files f = CGROUP_FILES_INIT;
        struct cgroup_counters c = { .tasks = 77 };
        char path[4096];
        struct layout l = { .kind = LAYOUT_HYBRID };
        int fd;

        /* A cgroup without pids that is removed after opening: cgroup.threads is gone. */
        fd = copy_fixture("v2/nopids", "removed");
        (void) close(fd);
        snprintf(l.v2_root, sizeof(l.v2_root), "%s", scratch_root);
        ck_assert_int_eq(cgroup_files_open(&l, "/removed", &f), 0);
        ck_assert_int_eq(cgroup_read_counters(&f, &c), 0);
        ck_assert_uint_eq(c.tasks, 5);

        snprintf(path, sizeof(path), "%s/removed", scratch_root);
        ck_assert_int_eq(nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
        c.tasks = 77;
        ck_assert_int_eq(cgroup_read_counters(&f, &c), -ENOENT);
        ck_assert_uint_eq(c.tasks, 77);
        cgroup_files_close(&f);
}
END_TEST

START_TEST(test_cgroup_read_procs_fixture) {
        struct cgroup_files f = CGROUP_FILES_INIT;
        pid_t pids[2] = {};
        struct layout l;

        layout_hybrid(&l);
        ck_assert_int_eq(cgroup_files_open(&l, "/system.slice/bomb.service", &f), 0);
        ck_assert_int_eq(cgroup_read_procs(&f, pids, ELEMENTSOF(pids)), 3);
        ck_assert_int_eq(pids[0], 4100);
        ck_assert_int_eq(pids[1], 4101);
        cgroup_files_close(&f);

        ck_assert_int_eq(cgroup_files_open(&l, "/nopids", &f), 0);
        ck_assert_int_eq(cgroup_read_procs(&f, pids, ELEMENTSOF(pids)), 0);
        cgroup_files_close(&f);
}
END_TEST

START_TEST(test_cgroup_read_events_fixture) {
        struct cgroup_files f = CGROUP_FILES_INIT;
        bool frozen = true, populated = false;
        struct layout l;

        layout_hybrid(&l);
        ck_assert_int_eq(cgroup_files_open(&l, "/system.slice/bomb.service", &f), 0);
        ck_assert_int_eq(cgroup_read_events(f.dir_fd, &frozen, &populated), 0);
        ck_assert(!frozen);
        ck_assert(populated);
        cgroup_files_close(&f);

        ck_assert_int_eq(cgroup_files_open(&l, "/system.slice/frozen.service", &f), 0);
        ck_assert_int_eq(cgroup_read_events(f.dir_fd, &frozen, NULL), 0);
        ck_assert(frozen);
        populated = true;
        ck_assert_int_eq(cgroup_read_events(f.dir_fd, NULL, &populated), 0);
        ck_assert(populated);
        ck_assert_int_eq(cgroup_read_events(f.dir_fd, NULL, NULL), 0);
        cgroup_files_close(&f);

        ck_assert_int_eq(cgroup_files_open(&l, "/nopids", &f), 0);
        ck_assert_int_eq(cgroup_read_events(f.dir_fd, &frozen, &populated), 0);
        ck_assert(!frozen);
        ck_assert(!populated);
        cgroup_files_close(&f);
}
END_TEST

START_TEST(test_cgroup_read_events_missing) {
        _cleanup_close_ int fd = -1;
        bool frozen = true;

        /* The v1 pids directory has no cgroup.events. */
        fd = open(CGROUP_FIXTURES "/v1pids/system.slice/bomb.service",
                  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(cgroup_read_events(fd, &frozen, NULL), -ENOENT);
        ck_assert(frozen);
}
END_TEST

START_TEST(test_cgroup_read_freeze_fixture) {
        struct cgroup_files f = CGROUP_FILES_INIT;
        struct layout l;
        bool v = true;

        layout_hybrid(&l);
        ck_assert_int_eq(cgroup_files_open(&l, "/system.slice/bomb.service", &f), 0);
        ck_assert_int_eq(cgroup_read_freeze(f.dir_fd, &v), 0);
        ck_assert(!v);
        cgroup_files_close(&f);

        ck_assert_int_eq(cgroup_files_open(&l, "/system.slice/frozen.service", &f), 0);
        ck_assert_int_eq(cgroup_read_freeze(f.dir_fd, &v), 0);
        ck_assert(v);
        cgroup_files_close(&f);
}
END_TEST

START_TEST(test_cgroup_read_freeze_missing) {
        _cleanup_close_ int fd = -1;
        bool v = true;

        fd = open(CGROUP_FIXTURES "/v1pids/system.slice/bomb.service",
                  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(cgroup_read_freeze(fd, &v), -ENOENT);
        ck_assert(v);
}
END_TEST

START_TEST(test_cgroup_set_frozen_roundtrip) {
        _cleanup_close_ int fd = -1;
        char buf[16];
        bool v = true;

        fd = copy_fixture("v2/system.slice/bomb.service", "freeze");
        ck_assert_int_eq(cgroup_set_frozen(fd, true), 0);
        read_file_at(fd, "cgroup.freeze", buf, sizeof(buf));
        ck_assert_str_eq(buf, "1\n");
        ck_assert_int_eq(cgroup_read_freeze(fd, &v), 0);
        ck_assert(v);

        ck_assert_int_eq(cgroup_set_frozen(fd, false), 0);
        read_file_at(fd, "cgroup.freeze", buf, sizeof(buf));
        ck_assert_str_eq(buf, "0\n");
        ck_assert_int_eq(cgroup_read_freeze(fd, &v), 0);
        ck_assert(!v);
}
END_TEST

START_TEST(test_cgroup_set_frozen_missing) {
        _cleanup_close_ int fd = -1;

        /* Without a v2 freezer file: the write does not create one. */
        fd = copy_fixture("v1pids/system.slice/bomb.service", "nofreeze");
        ck_assert_int_eq(cgroup_set_frozen(fd, true), -ENOENT);
        ck_assert_int_eq(faccessat(fd, "cgroup.freeze", F_OK, 0), -1);
        ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_cgroup_kill_roundtrip) {
        _cleanup_close_ int fd = -1;
        char buf[16];

        fd = copy_fixture("v2/system.slice/bomb.service", "kill");
        ck_assert_int_eq(cgroup_kill(fd), 0);
        read_file_at(fd, "cgroup.kill", buf, sizeof(buf));
        ck_assert_str_eq(buf, "1");
}
END_TEST

START_TEST(test_cgroup_kill_missing) {
        _cleanup_close_ int fd = -1;

        fd = copy_fixture("v2/system.slice/frozen.service", "nokill");
        ck_assert_int_eq(cgroup_kill(fd), -ENOENT);
        ck_assert_int_eq(faccessat(fd, "cgroup.kill", F_OK, 0), -1);
}
END_TEST

START_TEST(test_cgroup_attach_roundtrip) {
        _cleanup_close_ int fd = -1;
        char buf[64];

        fd = copy_fixture("v2/nopids", "attach");
        ck_assert_int_eq(cgroup_attach(fd, 31337), 0);
        read_file_at(fd, "cgroup.procs", buf, sizeof(buf));
        ck_assert_str_eq(buf, "31337");
        ck_assert_int_eq(cgroup_attach(fd, 2147483647), 0);
        read_file_at(fd, "cgroup.procs", buf, sizeof(buf));
        ck_assert_str_eq(buf, "2147483647");
}
END_TEST

START_TEST(test_cgroup_attach_missing) {
        _cleanup_close_ int fd = -1;

        fd = copy_fixture("v1pids/system.slice/bomb.service", "noprocs");
        ck_assert_int_eq(cgroup_attach(fd, 31337), -ENOENT);
}
END_TEST

static Suite *cgroup_suite(void) {
        Suite *s = suite_create("cgroup");
        TCase *tc = tcase_create("core");
        TCase *tw = tcase_create("writes");

        tcase_add_test(tc, test_cgroup_parse_pids_events_only_max);
        tcase_add_test(tc, test_cgroup_parse_pids_events_other_lines);
        tcase_add_test(tc, test_cgroup_parse_pids_events_missing_max);
        tcase_add_test(tc, test_cgroup_count_entries_lines);
        tcase_add_test(tc, test_cgroup_parse_procs_normal);
        tcase_add_test(tc, test_cgroup_parse_procs_empty);
        tcase_add_loop_test(tc, test_cgroup_parse_procs_malformed, 0, (int) ELEMENTSOF(malformed_procs));
        tcase_add_test(tc, test_cgroup_parse_procs_more_than_n);
        tcase_add_loop_test(tc, test_cgroup_unit_from_path_table, 0, (int) ELEMENTSOF(unit_cases));
        tcase_add_test(tc, test_cgroup_unit_from_path_small_buffer);
        tcase_add_test(tc, test_cgroup_join_root_and_nested);
        tcase_add_test(tc, test_cgroup_join_too_long);
        tcase_add_test(tc, test_cgroup_files_open_missing);
        tcase_add_test(tc, test_cgroup_files_open_too_long);
        tcase_add_test(tc, test_cgroup_read_counters_v1_limited);
        tcase_add_test(tc, test_cgroup_read_counters_v1_unlimited);
        tcase_add_test(tc, test_cgroup_read_counters_v1_twin_missing);
        tcase_add_test(tc, test_cgroup_read_counters_no_v1_root);
        tcase_add_test(tc, test_cgroup_read_counters_v1_root_cgroup);
        tcase_add_test(tc, test_cgroup_read_counters_v2_limited);
        tcase_add_test(tc, test_cgroup_read_counters_v2_no_peak);
        tcase_add_test(tc, test_cgroup_read_counters_v2_root_cgroup);
        tcase_add_test(tc, test_cgroup_read_counters_v2_tolerant);
        tcase_add_test(tc, test_cgroup_read_counters_v2_malformed_current);
        tcase_add_test(tc, test_cgroup_read_procs_fixture);
        tcase_add_test(tc, test_cgroup_read_events_fixture);
        tcase_add_test(tc, test_cgroup_read_events_missing);
        tcase_add_test(tc, test_cgroup_read_freeze_fixture);
        tcase_add_test(tc, test_cgroup_read_freeze_missing);
        suite_add_tcase(s, tc);

        tcase_add_unchecked_fixture(tw, scratch_setup, scratch_teardown);
        tcase_add_test(tw, test_cgroup_read_counters_removed);
        tcase_add_test(tw, test_cgroup_set_frozen_roundtrip);
        tcase_add_test(tw, test_cgroup_set_frozen_missing);
        tcase_add_test(tw, test_cgroup_kill_roundtrip);
        tcase_add_test(tw, test_cgroup_kill_missing);
        tcase_add_test(tw, test_cgroup_attach_roundtrip);
        tcase_add_test(tw, test_cgroup_attach_missing);
        suite_add_tcase(s, tw);
        return s;
}

int main(void) {
        SRunner *sr = srunner_create(cgroup_suite());
        int failed;

        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
