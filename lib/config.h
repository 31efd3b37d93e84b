/* SPDX-License-Identifier: MIT */
/* The INI configuration: global settings, a default policy, per-cgroup policy overrides and
 * exemptions. Parsed with inih; every error is reported as "file:line: what is wrong". */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "macro.h"

#define CONFIG_MAX_PATTERNS 64
#define CONFIG_MAX_POLICIES 64
#define CONFIG_PATTERN_MAX 256

enum action {
        ACTION_LOG,         /* alert only */
        ACTION_FREEZE,      /* freeze and leave frozen until an operator acts */
        ACTION_KILL,        /* kill at once */
        ACTION_FREEZE_KILL, /* freeze, then kill after grace_sec */
};

enum scope {
        SCOPE_AUTO,    /* lineage under /user.slice (login sessions), cgroup elsewhere */
        SCOPE_CGROUP,  /* act on the whole cgroup that holds the growth */
        SCOPE_LINEAGE, /* move only the offending lineage into an incident cgroup, act there */
};

struct policy {
        char pattern[CONFIG_PATTERN_MAX]; /* "" for the default policy */
        enum action action;
        enum scope scope;
        unsigned grace_sec;          /* freeze-kill: seconds frozen before the kill, 1..86400 */
        unsigned min_tasks;          /* tasks before growth can count as a bomb, 4..1000000 */
        unsigned min_generations;    /* generations of self-copies that mark a bomb, 2..64 */
        unsigned growth_window_msec; /* window in which tasks must double, 10..60000 */
        unsigned runaway_tasks;      /* children of one process that mark a runaway, 16..1000000 */
        unsigned capped_refusals;    /* refused forks at pids.max within capped_window_msec */
        unsigned capped_window_msec; /* 100..600000 */
};

struct config {
        char path[4096]; /* the file it came from, "" for built-in defaults */

        /* [forkstop] */
        char watch[CONFIG_MAX_PATTERNS][CONFIG_PATTERN_MAX]; /* cgroup subtrees, default "/" */
        size_t n_watch;
        char exempt[CONFIG_MAX_PATTERNS][CONFIG_PATTERN_MAX];
        size_t n_exempt;
        bool dry_run;
        bool lineage;                  /* use kernel fork events (netlink proc connector) */
        unsigned sample_interval_msec; /* fast sampling of cgroup counters, 5..10000 */
        unsigned idle_interval_msec;   /* sampling when no fork activity is seen, 5..60000 */
        unsigned rescan_interval_msec; /* full rescan of the cgroup tree, 100..600000 */
        unsigned realtime_priority;    /* SCHED_FIFO priority, 0 = do not ask, 1..99 */
        unsigned max_cgroups;          /* cgroups followed at most, 16..1000000 */
        unsigned max_processes;        /* lineage table capacity, 1024..4194304 */
        unsigned alert_interval_sec;   /* rate limit of repeated "forks refused" alerts */
        char incident_parent[CONFIG_PATTERN_MAX]; /* forkstop-owned cgroup for incidents */

        struct policy defaults;        /* [policy] */
        struct policy policies[CONFIG_MAX_POLICIES]; /* [policy PATTERN], in file order; a key
                                                      * a section omits takes its [policy] value,
                                                      * wherever [policy] stands in the file */
        size_t n_policies;
};

/* Fills *ret with the built-in defaults (documented in conf/forkstop.conf). */
void config_init_defaults(struct config *ret);

/* Parses path into *ret (which is overwritten only on success). On failure returns a negative
 * errno and writes "path:line: what is wrong" (or "path: <strerror>") to errbuf:
 * -EINVAL for a syntax or value error, -ENOENT and others for file errors. */
int config_load(const char *path, struct config *ret, char *errbuf, size_t errsize);

/* Same as config_load() for a string, with name used in messages. */
int config_load_string(const char *name, const char *text, struct config *ret, char *errbuf,
                       size_t errsize);

/* Prints the effective configuration as a valid INI file that config_load() accepts and that
 * lists every key with its value, defaults included. Deterministic: used for golden tests. */
void config_print(const struct config *c, FILE *f);

/* True when pattern matches cgroup path. A pattern without glob characters matches that cgroup
 * and everything below it ("/user.slice" matches "/user.slice/user-1000.slice/x.scope");
 * a pattern with *, ? or [ is matched with fnmatch(3) without FNM_PATHNAME, so '*' also
 * crosses '/'. */
bool config_pattern_match(const char *pattern, const char *cgroup_path);

/* The scope a policy resolves to for a cgroup: SCOPE_AUTO becomes SCOPE_LINEAGE for paths
 * under /user.slice and SCOPE_CGROUP elsewhere. */
enum scope policy_scope_for(const struct policy *p, const char *cgroup_path);

/* The policy for a cgroup: the first [policy PATTERN] in file order whose pattern matches,
 * else the default policy. Never NULL. */
const struct policy *config_policy_for(const struct config *c, const char *cgroup_path);

/* True when the cgroup matches any exempt pattern. */
bool config_is_exempt(const struct config *c, const char *cgroup_path);

/* True when the cgroup is inside a watch subtree. */
bool config_is_watched(const struct config *c, const char *cgroup_path);

const char *action_to_string(enum action a);
int action_from_string(const char *s, enum action *ret);
const char *scope_to_string(enum scope s);
int scope_from_string(const char *s, enum scope *ret);
