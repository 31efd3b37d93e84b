/* SPDX-License-Identifier: MIT */
/* Tests of the configuration module: defaults, every key, every error, matching, golden output. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fileio.h"
#include "macro.h"

#define CONFIG_FIXTURES FIXTURES "/config"
#define SHIPPED_CONF FIXTURES "/../../conf/forkstop.conf"

static void closedirp(DIR **d) {
        if (*d)
                (void) closedir(*d);
}

/* Prints c into a new string. */
static char *print_to_string(const struct config *c) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f;

        f = open_memstream(&buf, &size);
        ck_assert_ptr_nonnull(f);
        config_print(c, f);
        ck_assert_int_eq(fclose(f), 0);
        return buf;
}

static void assert_policy_eq(const struct policy *a, const struct policy *b) {
        ck_assert_str_eq(a->pattern, b->pattern);
        ck_assert_int_eq(a->action, b->action);
        ck_assert_int_eq(a->scope, b->scope);
        ck_assert_uint_eq(a->grace_sec, b->grace_sec);
        ck_assert_uint_eq(a->min_tasks, b->min_tasks);
        ck_assert_uint_eq(a->min_generations, b->min_generations);
        ck_assert_uint_eq(a->growth_window_msec, b->growth_window_msec);
        ck_assert_uint_eq(a->runaway_tasks, b->runaway_tasks);
        ck_assert_uint_eq(a->capped_refusals, b->capped_refusals);
        ck_assert_uint_eq(a->capped_window_msec, b->capped_window_msec);
}

/* Compares every field but path. */
static void assert_config_eq(const struct config *a, const struct config *b) {
        ck_assert_uint_eq(a->n_watch, b->n_watch);
        for (size_t i = 0; i < a->n_watch; i++)
                ck_assert_str_eq(a->watch[i], b->watch[i]);
        ck_assert_uint_eq(a->n_exempt, b->n_exempt);
        for (size_t i = 0; i < a->n_exempt; i++)
                ck_assert_str_eq(a->exempt[i], b->exempt[i]);
        ck_assert_int_eq(a->dry_run, b->dry_run);
        ck_assert_int_eq(a->lineage, b->lineage);
        ck_assert_uint_eq(a->sample_interval_msec, b->sample_interval_msec);
        ck_assert_uint_eq(a->idle_interval_msec, b->idle_interval_msec);
        ck_assert_uint_eq(a->rescan_interval_msec, b->rescan_interval_msec);
        ck_assert_uint_eq(a->realtime_priority, b->realtime_priority);
        ck_assert_uint_eq(a->max_cgroups, b->max_cgroups);
        ck_assert_uint_eq(a->max_processes, b->max_processes);
        ck_assert_uint_eq(a->alert_interval_sec, b->alert_interval_sec);
        ck_assert_str_eq(a->incident_parent, b->incident_parent);
        assert_policy_eq(&a->defaults, &b->defaults);
        ck_assert_uint_eq(a->n_policies, b->n_policies);
        for (size_t i = 0; i < a->n_policies; i++)
                assert_policy_eq(&a->policies[i], &b->policies[i]);
}

/* Loads text, which must parse. The config is static: it is too big for a comfortable stack. */
static struct config *load_ok(const char *text) {
        static struct config c;
        char err[512] = "";
        int r;

        r = config_load_string("t.conf", text, &c, err, sizeof(err));
        ck_assert_msg(r == 0, "unexpected error %d: %s", r, err);
        return &c;
}

/* Prints c, parses the print and checks that it yields the same config and the same print. */
static void assert_round_trip(const struct config *c) {
        _cleanup_free_ char *first = NULL, *second = NULL;
        static struct config again;
        char err[512] = "";

        first = print_to_string(c);
        ck_assert_msg(config_load_string(c->path, first, &again, err, sizeof(err)) == 0,
                      "printed config does not parse: %s\n%s", err, first);
        assert_config_eq(c, &again);
        second = print_to_string(&again);
        ck_assert_str_eq(first, second);
}

START_TEST(test_config_init_defaults_values) {
        static struct config c;

        memset(&c, 0xff, sizeof(c));
        config_init_defaults(&c);

        ck_assert_str_eq(c.path, "");
        ck_assert_uint_eq(c.n_watch, 1);
        ck_assert_str_eq(c.watch[0], "/");
        ck_assert_uint_eq(c.n_exempt, 0);
        ck_assert(!c.dry_run);
        ck_assert(c.lineage);
        ck_assert_uint_eq(c.sample_interval_msec, 20);
        ck_assert_uint_eq(c.idle_interval_msec, 250);
        ck_assert_uint_eq(c.rescan_interval_msec, 2000);
        ck_assert_uint_eq(c.realtime_priority, 10);
        ck_assert_uint_eq(c.max_cgroups, 4096);
        ck_assert_uint_eq(c.max_processes, 65536);
        ck_assert_uint_eq(c.alert_interval_sec, 60);
        ck_assert_str_eq(c.incident_parent, "/forkstop.incidents");
        ck_assert_str_eq(c.defaults.pattern, "");
        ck_assert_int_eq(c.defaults.action, ACTION_FREEZE_KILL);
        ck_assert_int_eq(c.defaults.scope, SCOPE_AUTO);
        ck_assert_uint_eq(c.defaults.grace_sec, 30);
        ck_assert_uint_eq(c.defaults.min_tasks, 16);
        ck_assert_uint_eq(c.defaults.min_generations, 4);
        ck_assert_uint_eq(c.defaults.growth_window_msec, 1000);
        ck_assert_uint_eq(c.defaults.runaway_tasks, 1024);
        ck_assert_uint_eq(c.defaults.capped_refusals, 50);
        ck_assert_uint_eq(c.defaults.capped_window_msec, 2000);
        ck_assert_uint_eq(c.n_policies, 0);
}
END_TEST

START_TEST(test_config_load_string_empty_gives_defaults) {
        static struct config defaults;
        const struct config *c;

        config_init_defaults(&defaults);
        c = load_ok("");
        assert_config_eq(c, &defaults);
        ck_assert_str_eq(c->path, "t.conf");

        c = load_ok("# only a comment\n; and another\n\n[forkstop]\n[policy]\n");
        assert_config_eq(c, &defaults);
}
END_TEST

START_TEST(test_config_load_string_every_key) {
        const struct config *c;

        c = load_ok("[forkstop]\n"
                    "watch = /user.slice /system.slice\n"
                    "watch = /machine.slice\n"
                    "exempt = /system.slice/sshd.service /foo/*\n"
                    "dry_run = yes\n"
                    "lineage = off\n"
                    "sample_interval_msec = 5\n"
                    "idle_interval_msec = 60000\n"
                    "rescan_interval_msec = 600000\n"
                    "realtime_priority = 0\n"
                    "max_cgroups = 16\n"
                    "max_processes = 4194304\n"
                    "alert_interval_sec = 86400\n"
                    "incident_parent = /forkstop/incidents\n"
                    "[policy]\n"
                    "action = log\n"
                    "scope = cgroup\n"
                    "grace_sec = 1\n"
                    "min_tasks = 1000000\n"
                    "min_generations = 64\n"
                    "growth_window_msec = 10\n"
                    "runaway_tasks = 16\n"
                    "capped_refusals = 100000000\n"
                    "capped_window_msec = 100\n");

        ck_assert_uint_eq(c->n_watch, 3);
        ck_assert_str_eq(c->watch[0], "/user.slice");
        ck_assert_str_eq(c->watch[1], "/system.slice");
        ck_assert_str_eq(c->watch[2], "/machine.slice");
        ck_assert_uint_eq(c->n_exempt, 2);
        ck_assert_str_eq(c->exempt[0], "/system.slice/sshd.service");
        ck_assert_str_eq(c->exempt[1], "/foo/*");
        ck_assert(c->dry_run);
        ck_assert(!c->lineage);
        ck_assert_uint_eq(c->sample_interval_msec, 5);
        ck_assert_uint_eq(c->idle_interval_msec, 60000);
        ck_assert_uint_eq(c->rescan_interval_msec, 600000);
        ck_assert_uint_eq(c->realtime_priority, 0);
        ck_assert_uint_eq(c->max_cgroups, 16);
        ck_assert_uint_eq(c->max_processes, 4194304);
        ck_assert_uint_eq(c->alert_interval_sec, 86400);
        ck_assert_str_eq(c->incident_parent, "/forkstop/incidents");
        ck_assert_int_eq(c->defaults.action, ACTION_LOG);
        ck_assert_int_eq(c->defaults.scope, SCOPE_CGROUP);
        ck_assert_uint_eq(c->defaults.grace_sec, 1);
        ck_assert_uint_eq(c->defaults.min_tasks, 1000000);
        ck_assert_uint_eq(c->defaults.min_generations, 64);
        ck_assert_uint_eq(c->defaults.growth_window_msec, 10);
        ck_assert_uint_eq(c->defaults.runaway_tasks, 16);
        ck_assert_uint_eq(c->defaults.capped_refusals, 100000000);
        ck_assert_uint_eq(c->defaults.capped_window_msec, 100);
        ck_assert_uint_eq(c->n_policies, 0);
        assert_round_trip(c);
}
END_TEST

START_TEST(test_config_load_string_value_forms) {
        const struct config *c;

        /* Booleans in every spelling, inline comments, ':' as separator, CRLF, a BOM, leading
         * zeros, an indented key right after a header (after a key, inih would take it as a
         * continuation), an indented continuation line that appends to watch. */
        c = load_ok("\xEF\xBB\xBF[ forkstop ]   ; the globals\r\n"
                    "  sample_interval_msec=0050\r\n"
                    "dry_run = TRUE ; inline comment\r\n"
                    "lineage: 0\n"
                    "watch = /a\n"
                    "   /b /c\n"
                    "[policy   /user.slice/*]\n"
                    "action = kill\n");
        ck_assert(c->dry_run);
        ck_assert(!c->lineage);
        ck_assert_uint_eq(c->sample_interval_msec, 50);
        ck_assert_uint_eq(c->n_watch, 3);
        ck_assert_str_eq(c->watch[2], "/c");
        ck_assert_uint_eq(c->n_policies, 1);
        ck_assert_str_eq(c->policies[0].pattern, "/user.slice/*");

        c = load_ok("[forkstop]\ndry_run = on\nlineage = No\n");
        ck_assert(c->dry_run);
        ck_assert(!c->lineage);
        c = load_ok("[forkstop]\ndry_run = 1\nlineage = false\n");
        ck_assert(c->dry_run);
        ck_assert(!c->lineage);
        c = load_ok("[forkstop]\ndry_run = off\nlineage = yes\n");
        ck_assert(!c->dry_run);
        ck_assert(c->lineage);
}
END_TEST

START_TEST(test_config_load_string_policy_inherits_later_default) {
        const struct config *c;

        c = load_ok("[policy /user.slice]\n"
                    "scope = lineage\n"
                    "[policy /system.slice/*.service]\n"
                    "[policy /machine.slice]\n"
                    "min_tasks = 500\n"
                    "action = log\n"
                    "[policy]\n"
                    "action = kill\n"
                    "min_tasks = 64\n"
                    "grace_sec = 5\n");

        ck_assert_uint_eq(c->n_policies, 3);
        ck_assert_int_eq(c->defaults.action, ACTION_KILL);
        ck_assert_uint_eq(c->defaults.min_tasks, 64);

        ck_assert_str_eq(c->policies[0].pattern, "/user.slice");
        ck_assert_int_eq(c->policies[0].scope, SCOPE_LINEAGE);
        ck_assert_int_eq(c->policies[0].action, ACTION_KILL);
        ck_assert_uint_eq(c->policies[0].min_tasks, 64);
        ck_assert_uint_eq(c->policies[0].grace_sec, 5);
        ck_assert_uint_eq(c->policies[0].min_generations, 4);

        /* An empty section is a policy of its own, all [policy] values. */
        ck_assert_str_eq(c->policies[1].pattern, "/system.slice/*.service");
        ck_assert_int_eq(c->policies[1].action, ACTION_KILL);
        ck_assert_int_eq(c->policies[1].scope, SCOPE_AUTO);
        ck_assert_uint_eq(c->policies[1].min_tasks, 64);

        ck_assert_int_eq(c->policies[2].action, ACTION_LOG);
        ck_assert_uint_eq(c->policies[2].min_tasks, 500);
        ck_assert_uint_eq(c->policies[2].grace_sec, 5);
        assert_round_trip(c);
}
END_TEST

START_TEST(test_config_load_string_watch_replaces_default) {
        const struct config *c;

        c = load_ok("[forkstop]\nwatch = /user.slice\n");
        ck_assert_uint_eq(c->n_watch, 1);
        ck_assert_str_eq(c->watch[0], "/user.slice");

        /* A reopened [forkstop] appends to the list. */
        c = load_ok("[forkstop]\nwatch = /a\n[policy]\n[forkstop]\nwatch = /b\n");
        ck_assert_uint_eq(c->n_watch, 2);
        ck_assert_str_eq(c->watch[1], "/b");
}
END_TEST

struct error_case {
        const char *text;
        const char *message;
};

static const struct error_case error_cases[] = {
        { "[forkstop]\nsample_interval = 5\n",
          "t.conf:2: unknown key 'sample_interval' in section [forkstop]" },
        { "[policy /x]\nwatch = /\n", "t.conf:2: unknown key 'watch' in section [policy /x]" },
        { "[policy]\nmin_tasks = abc\n", "t.conf:2: invalid number 'abc' for 'min_tasks'" },
        { "[policy]\nmin_tasks = -5\n", "t.conf:2: invalid number '-5' for 'min_tasks'" },
        { "[policy]\nmin_tasks = +5\n", "t.conf:2: invalid number '+5' for 'min_tasks'" },
        { "[policy]\nmin_tasks = 0x10\n", "t.conf:2: invalid number '0x10' for 'min_tasks'" },
        { "[policy]\nmin_tasks = 12 kb\n", "t.conf:2: invalid number '12 kb' for 'min_tasks'" },
        { "[policy]\nmin_tasks = 2\n", "t.conf:2: 'min_tasks' must be between 4 and 1000000, got 2" },
        { "[policy]\nmin_tasks = 99999999999999999999\n",
          "t.conf:2: 'min_tasks' must be between 4 and 1000000, got 99999999999999999999" },
        { "[policy]\ncapped_refusals = 0\n",
          "t.conf:2: 'capped_refusals' must be between 1 and 100000000, got 0" },
        { "[forkstop]\nrealtime_priority = 100\n",
          "t.conf:2: 'realtime_priority' must be between 0 and 99, got 100" },
        { "[forkstop]\nmax_processes = 1023\n",
          "t.conf:2: 'max_processes' must be between 1024 and 4194304, got 1023" },
        { "[policy]\naction = zap\n",
          "t.conf:2: unknown action 'zap' (expected log, freeze, kill or freeze-kill)" },
        { "[policy]\naction = Kill\n",
          "t.conf:2: unknown action 'Kill' (expected log, freeze, kill or freeze-kill)" },
        { "[policy /a]\nscope = all\n",
          "t.conf:2: unknown scope 'all' (expected auto, cgroup or lineage)" },
        { "[forkstop]\ndry_run = maybe\n",
          "t.conf:2: invalid boolean 'maybe' for 'dry_run' (expected yes or no)" },
        { "[polcy]\n", "t.conf:1: unknown section [polcy]" },
        { "[forkstop extra]\n", "t.conf:1: unknown section [forkstop extra]" },
        { "\nwatch = /\n", "t.conf:2: key 'watch' outside any section" },
        { "[forkstop]\nexempt =\n", "t.conf:2: empty value for 'exempt'" },
        { "[policy]\nmin_tasks = ; nothing\n", "t.conf:2: empty value for 'min_tasks'" },
        { "[forkstop]\nwatch = user.slice\n",
          "t.conf:2: pattern 'user.slice' for 'watch' must start with '/'" },
        { "[forkstop]\nexempt = /a /b//c\n",
          "t.conf:2: pattern '/b//c' for 'exempt' has an empty, '.' or '..' path component" },
        { "[forkstop]\nexempt = /a/\n",
          "t.conf:2: pattern '/a/' for 'exempt' has an empty, '.' or '..' path component" },
        { "[forkstop]\nwatch = /a/../b\n",
          "t.conf:2: pattern '/a/../b' for 'watch' has an empty, '.' or '..' path component" },
        { "[forkstop]\nincident_parent = /\n",
          "t.conf:2: 'incident_parent' must not be the root cgroup '/'" },
        { "[forkstop]\nincident_parent = forkstop\n",
          "t.conf:2: path 'forkstop' for 'incident_parent' must start with '/'" },
        { "[forkstop]\nincident_parent = /x/*\n",
          "t.conf:2: 'incident_parent' must be one cgroup path, not a pattern, got '/x/*'" },
        { "[forkstop]\nincident_parent = /a /b\n",
          "t.conf:2: 'incident_parent' must be one cgroup path, not a pattern, got '/a /b'" },
        { "[policy /x]\n[policy /y]\n[policy /x]\nmin_tasks = 8\n",
          "t.conf:3: duplicate section [policy /x] (first on line 1)" },
        { "[policy x]\n", "t.conf:1: pattern 'x' in section [policy x] must start with '/'" },
        { "[policy /a /b]\n", "t.conf:1: section [policy /a /b] has more than one pattern" },
        { "[policy /a[bc]]\n", "t.conf:1: '[' and ']' cannot be used in section [policy /a[bc]" },
        { "[forkstop] junk\n", "t.conf:1: unexpected text 'junk' after section header" },
        { "[forkstop\nwatch = /\n", "t.conf:1: missing ']' in section header '[forkstop'" },
        { "[forkstop]\nbogus line\n",
          "t.conf:2: expected '[section]' or 'key = value', got 'bogus line'" },
        { "[forkstop]\n= 5\n", "t.conf:2: missing key name before '='" },
        { "[forkstop]\nsample_interval_msec = 20\n\nsample_interval_msec = 30\n",
          "t.conf:4: 'sample_interval_msec' is already set on line 2" },
        { "[policy]\nmin_tasks = 8\n[forkstop]\n[policy]\nmin_tasks = 9\n",
          "t.conf:5: 'min_tasks' is already set on line 2" },
        /* inih takes an indented line after a key as more of its value. */
        { "[policy]\nmin_tasks = 8\n  16\n", "t.conf:3: 'min_tasks' is already set on line 2" },
        /* Cross-key checks point at the later of the two lines. */
        { "[forkstop]\nidle_interval_msec = 10\nrealtime_priority = 5\nsample_interval_msec = 50\n",
          "t.conf:4: 'idle_interval_msec' must be at least 'sample_interval_msec' (50), got 10" },
        { "[forkstop]\nsample_interval_msec = 300\n",
          "t.conf:2: 'idle_interval_msec' must be at least 'sample_interval_msec' (300), got 250" },
        { "[forkstop]\nsample_interval_msec = 30\n\nidle_interval_msec = 29\n",
          "t.conf:4: 'idle_interval_msec' must be at least 'sample_interval_msec' (30), got 29" },
        /* The first error in the file wins, whatever kind it is. */
        { "[polcy]\nx = 1\n[forkstop]\nbad = 1\n", "t.conf:1: unknown section [polcy]" },
        { "[forkstop]\nlineage = yes\nbad line\nnope = 1\n",
          "t.conf:3: expected '[section]' or 'key = value', got 'bad line'" },
        { "[forkstop]\nnope = 1\nbad line\n",
          "t.conf:2: unknown key 'nope' in section [forkstop]" },
};

START_TEST(test_config_load_string_errors) {
        const struct error_case *e = &error_cases[_i];
        static struct config c;
        char err[512] = "";

        memset(&c, 0x5a, sizeof(c));
        ck_assert_int_eq(config_load_string("t.conf", e->text, &c, err, sizeof(err)), -EINVAL);
        ck_assert_str_eq(err, e->message);
        ck_assert_uint_eq(c.n_watch, 0x5a5a5a5a5a5a5a5aULL); /* untouched on failure */
}
END_TEST

START_TEST(test_config_load_string_too_many_patterns) {
        char text[4096] = "[forkstop]\n", err[512] = "";
        static struct config c;

        for (int i = 0; i < CONFIG_MAX_PATTERNS; i++)
                (void) snprintf(text + strlen(text), sizeof(text) - strlen(text), "exempt = /p%d\n", i);
        ck_assert_int_eq(config_load_string("t.conf", text, &c, err, sizeof(err)), 0);
        ck_assert_uint_eq(c.n_exempt, CONFIG_MAX_PATTERNS);
        ck_assert_str_eq(c.exempt[63], "/p63");
        assert_round_trip(&c);

        strcat(text, "exempt = /one-too-many\n");
        ck_assert_int_eq(config_load_string("t.conf", text, &c, err, sizeof(err)), -EINVAL);
        ck_assert_str_eq(err, "t.conf:66: too many patterns for 'exempt' (at most 64)");
}
END_TEST

START_TEST(test_config_load_string_too_many_policies) {
        char text[8192] = "", err[512] = "";
        static struct config c;

        for (int i = 0; i < CONFIG_MAX_POLICIES; i++)
                (void) snprintf(text + strlen(text), sizeof(text) - strlen(text), "[policy /p%d]\n", i);
        ck_assert_int_eq(config_load_string("t.conf", text, &c, err, sizeof(err)), 0);
        ck_assert_uint_eq(c.n_policies, CONFIG_MAX_POLICIES);
        ck_assert_str_eq(c.policies[63].pattern, "/p63");
        assert_round_trip(&c);

        strcat(text, "[policy /one-too-many]\n");
        ck_assert_int_eq(config_load_string("t.conf", text, &c, err, sizeof(err)), -EINVAL);
        ck_assert_str_eq(err, "t.conf:65: too many [policy PATTERN] sections (at most 64)");
}
END_TEST

START_TEST(test_config_load_string_long_lines) {
        char text[1024], pattern[256], err[512] = "";
        static struct config c;

        /* The longest pattern: 180 bytes, with a 198-character line around it. */
        memset(pattern, 'x', sizeof(pattern));
        pattern[0] = '/';
        pattern[180] = '\0';
        (void) snprintf(text, sizeof(text), "[forkstop]\nexempt = %s ;%s\n", pattern, "ccccccc");
        ck_assert_uint_eq(strlen(strchr(text, '\n') + 1), 198 + 1);
        ck_assert_int_eq(config_load_string("t.conf", text, &c, err, sizeof(err)), 0);
        ck_assert_str_eq(c.exempt[0], pattern);
        (void) snprintf(text, sizeof(text), "[policy %s]\n[forkstop]\nincident_parent = %s\n",
                        pattern, pattern);
        ck_assert_int_eq(config_load_string("t.conf", text, &c, err, sizeof(err)), 0);
        assert_round_trip(&c);

        /* One more character in the comment makes the line too long for inih's buffer. */
        (void) snprintf(text, sizeof(text), "[forkstop]\nexempt = %s ;%s\n", pattern, "cccccccc");
        ck_assert_int_eq(config_load_string("t.conf", text, &c, err, sizeof(err)), -EINVAL);
        ck_assert_str_eq(err, "t.conf:2: line too long (more than 198 characters)");

        pattern[180] = 'x';
        pattern[181] = '\0';
        (void) snprintf(text, sizeof(text), "[forkstop]\nwatch=%s\n", pattern);
        ck_assert_int_eq(config_load_string("t.conf", text, &c, err, sizeof(err)), -EINVAL);
        ck_assert_str_eq(err, "t.conf:2: pattern '/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' "
                         "for 'watch' is longer than 180 bytes");
}
END_TEST

START_TEST(test_config_load_missing_file) {
        static struct config c;
        char err[512] = "";

        ck_assert_int_eq(config_load("/nonexistent/forkstop.conf", &c, err, sizeof(err)), -ENOENT);
        ck_assert_str_eq(err, "/nonexistent/forkstop.conf: No such file or directory");

        ck_assert_int_eq(config_load(CONFIG_FIXTURES, &c, err, sizeof(err)), -EISDIR);
        ck_assert_str_eq(err, CONFIG_FIXTURES ": Is a directory");

        /* No error buffer is fine too. */
        ck_assert_int_eq(config_load("/nonexistent/forkstop.conf", &c, NULL, 0), -ENOENT);
}
END_TEST

START_TEST(test_config_load_nul_byte) {
        char path[] = "/tmp/test-config-XXXXXX", err[512] = "";
        static const char text[] = "[forkstop]\nlineage = yes\nwatch = /\0x\n";
        static struct config c;
        int fd;

        fd = mkstemp(path);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (ssize_t) sizeof(text) - 1);
        ck_assert_int_eq(close(fd), 0);

        ck_assert_int_eq(config_load(path, &c, err, sizeof(err)), -EINVAL);
        (void) unlink(path);
        ck_assert_str_eq(strchr(err, ':'), ":3: line contains a NUL byte");
}
END_TEST

START_TEST(test_config_load_sets_path) {
        static struct config c;
        char err[512] = "";

        ck_assert_int_eq(chdir(CONFIG_FIXTURES), 0);
        ck_assert_int_eq(config_load("full.conf", &c, err, sizeof(err)), 0);
        ck_assert_str_eq(c.path, "full.conf");
}
END_TEST

/* Reads a fixture file whole. */
static char *read_fixture(const char *name) {
        char *buf = NULL;
        size_t len;

        ck_assert_int_eq(fileio_read_full_at(AT_FDCWD, name, 1 << 20, &buf, &len), 0);
        return buf;
}

/* For each NAME.conf with a NAME.expected, the printed config equals the expected text; for
 * each NAME.conf with a NAME.error, loading fails with exactly that message (one line). */
START_TEST(test_config_print_golden) {
        _cleanup_(closedirp) DIR *d = NULL;
        unsigned n_expected = 0, n_error = 0;
        struct dirent *de;

        ck_assert_int_eq(chdir(CONFIG_FIXTURES), 0);
        d = opendir(".");
        ck_assert_ptr_nonnull(d);

        while ((de = readdir(d))) {
                _cleanup_free_ char *expected = NULL, *printed = NULL;
                char name[256], other[300], err[512] = "";
                static struct config c;
                size_t len = strlen(de->d_name);
                int r;

                if (len < 6 || strcmp(de->d_name + len - 5, ".conf") != 0)
                        continue;
                (void) snprintf(name, sizeof(name), "%.*s", (int) len - 5, de->d_name);

                r = config_load(de->d_name, &c, err, sizeof(err));

                (void) snprintf(other, sizeof(other), "%s.expected", name);
                if (access(other, F_OK) == 0) {
                        ck_assert_msg(r == 0, "%s: %s", de->d_name, err);
                        expected = read_fixture(other);
                        printed = print_to_string(&c);
                        ck_assert_msg(strcmp(printed, expected) == 0, "%s differs, printed:\n%s",
                                      other, printed);
                        assert_round_trip(&c);
                        n_expected++;
                        continue;
                }

                (void) snprintf(other, sizeof(other), "%s.error", name);
                ck_assert_msg(access(other, F_OK) == 0, "%s has no .expected or .error", name);
                expected = read_fixture(other);
                expected[strcspn(expected, "\n")] = '\0';
                ck_assert_int_eq(r, -EINVAL);
                ck_assert_str_eq(err, expected);
                n_error++;
        }

        ck_assert_uint_ge(n_expected, 3);
        ck_assert_uint_ge(n_error, 1);
}
END_TEST

START_TEST(test_config_load_shipped) {
        _cleanup_free_ char *printed = NULL;
        static struct config c, defaults;
        char err[512] = "";

        ck_assert_msg(config_load(SHIPPED_CONF, &c, err, sizeof(err)) == 0, "%s", err);
        assert_round_trip(&c);

        /* The shipped file changes nothing but the exemptions it explains. */
        config_init_defaults(&defaults);
        ck_assert_uint_ge(c.n_exempt, 1);
        c.n_exempt = 0;
        assert_config_eq(&c, &defaults);

        printed = print_to_string(&c);
        ck_assert_ptr_nonnull(strstr(printed, "# effective configuration from " SHIPPED_CONF "\n"));
}
END_TEST

START_TEST(test_config_print_defaults) {
        _cleanup_free_ char *printed = NULL;
        static struct config c;

        config_init_defaults(&c);
        printed = print_to_string(&c);
        ck_assert_ptr_nonnull(strstr(printed, "# effective configuration: built-in defaults\n"));
        ck_assert_ptr_nonnull(strstr(printed, "\n# exempt = (none)\n"));
        assert_round_trip(&c);
}
END_TEST

struct match_case {
        const char *pattern;
        const char *path;
        bool match;
};

static const struct match_case match_cases[] = {
        { "/", "/", true },
        { "/", "/user.slice", true },
        { "/", "/a/b/c", true },
        { "/user.slice", "/user.slice", true },
        { "/user.slice", "/user.slice/user-1000.slice/session-2.scope", true },
        { "/user.slice", "/user.slicex", false },
        { "/user.slice", "/user.slic", false },
        { "/user.slice", "/", false },
        { "/user.slice", "/system.slice/user.slice", false },
        { "/user.slice/user-1000.slice", "/user.slice", false },
        { "/a/b", "/a/b/", true },
        { "/foo/*", "/foo/a", true },
        { "/foo/*", "/foo/a/b", true }, /* '*' crosses '/' */
        { "/foo/*", "/foo", false },
        { "/foo/*", "/foox/a", false },
        { "/*.service", "/system.slice/sshd.service", true },
        { "/system.slice/*.service", "/system.slice/sshd.service", true },
        { "/system.slice/*.service", "/system.slice/sshd.service/child", false },
        { "/system.slice/*.service", "/system.slice/app.slice/web.service", true },
        { "/user.slice/user-?.slice", "/user.slice/user-0.slice", true },
        { "/user.slice/user-?.slice", "/user.slice/user-10.slice", false },
        { "/m/[ab]", "/m/a", true },
        { "/m/[ab]", "/m/c", false },
        { "/m/[!ab]*", "/m/c1", true },
};

START_TEST(test_config_pattern_match_table) {
        const struct match_case *m = &match_cases[_i];

        ck_assert_msg(config_pattern_match(m->pattern, m->path) == m->match, "'%s' on '%s': %s",
                      m->pattern, m->path, m->match ? "should match" : "should not match");
}
END_TEST

START_TEST(test_config_policy_for_first_match) {
        const struct config *c;

        c = load_ok("[policy /user.slice/user-1000.slice]\n"
                    "action = log\n"
                    "[policy /user.slice]\n"
                    "action = freeze\n"
                    "[policy /user.slice/user-1000.slice/*]\n"
                    "action = kill\n"
                    "[policy /system.slice/*.service]\n"
                    "scope = cgroup\n");

        ck_assert_ptr_eq(config_policy_for(c, "/user.slice/user-1000.slice/a.scope"), &c->policies[0]);
        ck_assert_ptr_eq(config_policy_for(c, "/user.slice/user-1000.slice"), &c->policies[0]);
        ck_assert_ptr_eq(config_policy_for(c, "/user.slice/user-1001.slice"), &c->policies[1]);
        ck_assert_ptr_eq(config_policy_for(c, "/user.slice"), &c->policies[1]);
        ck_assert_ptr_eq(config_policy_for(c, "/system.slice/cron.service"), &c->policies[3]);
        ck_assert_ptr_eq(config_policy_for(c, "/system.slice"), &c->defaults);
        ck_assert_ptr_eq(config_policy_for(c, "/"), &c->defaults);
        ck_assert_ptr_eq(config_policy_for(c, "/user.slicex"), &c->defaults);
        ck_assert_int_eq(config_policy_for(c, "/user.slice/x")->action, ACTION_FREEZE);
}
END_TEST

START_TEST(test_policy_scope_for_auto) {
        const struct config *c;

        c = load_ok("[policy /machine.slice]\nscope = lineage\n[policy /user.slice/admin]\n"
                    "scope = cgroup\n");

        ck_assert_int_eq(policy_scope_for(&c->defaults, "/user.slice"), SCOPE_LINEAGE);
        ck_assert_int_eq(policy_scope_for(&c->defaults, "/user.slice/user-1000.slice/session-1.scope"),
                         SCOPE_LINEAGE);
        ck_assert_int_eq(policy_scope_for(&c->defaults, "/user.slicex"), SCOPE_CGROUP);
        ck_assert_int_eq(policy_scope_for(&c->defaults, "/system.slice/cron.service"), SCOPE_CGROUP);
        ck_assert_int_eq(policy_scope_for(&c->defaults, "/"), SCOPE_CGROUP);
        ck_assert_int_eq(policy_scope_for(&c->policies[0], "/machine.slice/vm"), SCOPE_LINEAGE);
        ck_assert_int_eq(policy_scope_for(&c->policies[1], "/user.slice/admin"), SCOPE_CGROUP);
}
END_TEST

START_TEST(test_config_is_exempt_and_watched) {
        const struct config *c;

        c = load_ok("[forkstop]\n"
                    "watch = /user.slice /system.slice/*.service\n"
                    "exempt = /user.slice/user-0.slice /system.slice/ssh*\n");

        ck_assert(config_is_watched(c, "/user.slice"));
        ck_assert(config_is_watched(c, "/user.slice/user-1000.slice/x.scope"));
        ck_assert(config_is_watched(c, "/system.slice/cron.service"));
        ck_assert(!config_is_watched(c, "/system.slice"));
        ck_assert(!config_is_watched(c, "/"));
        ck_assert(!config_is_watched(c, "/machine.slice"));
        ck_assert(!config_is_watched(c, "/user.slicex"));

        ck_assert(config_is_exempt(c, "/user.slice/user-0.slice"));
        ck_assert(config_is_exempt(c, "/user.slice/user-0.slice/session-1.scope"));
        ck_assert(!config_is_exempt(c, "/user.slice/user-0.slicex"));
        ck_assert(!config_is_exempt(c, "/user.slice/user-1000.slice"));
        ck_assert(config_is_exempt(c, "/system.slice/sshd.service"));
        ck_assert(!config_is_exempt(c, "/system.slice/cron.service"));

        /* Defaults: everything watched, nothing exempt. */
        c = load_ok("");
        ck_assert(config_is_watched(c, "/"));
        ck_assert(config_is_watched(c, "/any/thing"));
        ck_assert(!config_is_exempt(c, "/"));
        ck_assert(!config_is_exempt(c, "/any/thing"));
}
END_TEST

START_TEST(test_action_from_string_round_trip) {
        enum action a = ACTION_LOG;
        enum scope s = SCOPE_AUTO;

        for (enum action i = ACTION_LOG; i <= ACTION_FREEZE_KILL; i++) {
                ck_assert_int_eq(action_from_string(action_to_string(i), &a), 0);
                ck_assert_int_eq(a, i);
        }
        ck_assert_str_eq(action_to_string(ACTION_FREEZE_KILL), "freeze-kill");
        ck_assert_int_eq(action_from_string("freeze_kill", &a), -EINVAL);
        ck_assert_int_eq(action_from_string("", &a), -EINVAL);
        ck_assert_int_eq(a, ACTION_FREEZE_KILL); /* untouched on failure */
        ck_assert_ptr_null(action_to_string((enum action) 42));

        for (enum scope i = SCOPE_AUTO; i <= SCOPE_LINEAGE; i++) {
                ck_assert_int_eq(scope_from_string(scope_to_string(i), &s), 0);
                ck_assert_int_eq(s, i);
        }
        ck_assert_str_eq(scope_to_string(SCOPE_CGROUP), "cgroup");
        ck_assert_int_eq(scope_from_string("Lineage", &s), -EINVAL);
        ck_assert_int_eq(s, SCOPE_LINEAGE);
        ck_assert_ptr_null(scope_to_string((enum scope) 42));
}
END_TEST

static Suite *config_suite(void) {
        Suite *s = suite_create("config");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_config_init_defaults_values);
        tcase_add_test(tc, test_config_load_string_empty_gives_defaults);
        tcase_add_test(tc, test_config_load_string_every_key);
        tcase_add_test(tc, test_config_load_string_value_forms);
        tcase_add_test(tc, test_config_load_string_policy_inherits_later_default);
        tcase_add_test(tc, test_config_load_string_watch_replaces_default);
        tcase_add_loop_test(tc, test_config_load_string_errors, 0, (int) ELEMENTSOF(error_cases));
        tcase_add_test(tc, test_config_load_string_too_many_patterns);
        tcase_add_test(tc, test_config_load_string_too_many_policies);
        tcase_add_test(tc, test_config_load_string_long_lines);
        tcase_add_test(tc, test_config_load_missing_file);
        tcase_add_test(tc, test_config_load_nul_byte);
        tcase_add_test(tc, test_config_load_sets_path);
        tcase_add_test(tc, test_config_print_golden);
        tcase_add_test(tc, test_config_load_shipped);
        tcase_add_test(tc, test_config_print_defaults);
        tcase_add_loop_test(tc, test_config_pattern_match_table, 0, (int) ELEMENTSOF(match_cases));
        tcase_add_test(tc, test_config_policy_for_first_match);
        tcase_add_test(tc, test_policy_scope_for_auto);
        tcase_add_test(tc, test_config_is_exempt_and_watched);
        tcase_add_test(tc, test_action_from_string_round_trip);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        SRunner *sr = srunner_create(config_suite());
        int failed;

        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
