/* SPDX-License-Identifier: MIT */
/* The daemon's state: followed cgroups, the lineage table, open incidents, and the sd-event
 * sources that drive them. Functions here log; the library below them does not. */
#pragma once

#include <stdbool.h>
#include <systemd/sd-event.h>

#include "cgroup.h"
#include "config.h"
#include "detect.h"
#include "layout.h"
#include "lineage.h"
#include "macro.h"
#include "proc.h"
#include "tree.h"

#define MAX_INCIDENTS 64
#define CGROUP_PATH_MAX 4096
#define ROOT_COMMAND_MAX 512
#define SNAPSHOT_MAX 8192

struct watched {
        char *path;
        int parent; /* index of the parent in manager.cgroups, -1 for a watch root */
        struct cgroup_files files;
        struct cgroup_counters counters;
        uint64_t own_tasks; /* tasks of its own processes: counters.tasks less its children's */
        struct detect_state detect;
        int wd; /* inotify watch of the directory */
        unsigned mark;
        bool protected_; /* never acted on: root, init.scope, our own cgroup and its ancestors */
        bool exempt;
        int incident;    /* index of the incident holding it whole (scope cgroup), or -1 */
        usec_t analysed_at;
        uint64_t refused_alerted; /* refused counter reported by the last refused alert */
        usec_t refused_alert_at;
        bool refused_seen;
        usec_t pids_retry_at; /* last look for pids files that were missing */
};

/* What an alert says about the cgroup and the root of a bomb, gathered once. */
struct facts {
        char unit[256];
        char user[64];
        uid_t uid;
        bool have_uid;
        char command[ROOT_COMMAND_MAX];
};

enum incident_state {
        INCIDENT_FREE,
        INCIDENT_FROZEN,  /* frozen, waiting for grace or an operator */
        INCIDENT_KILLED,  /* killed, waiting to be empty */
        INCIDENT_WATCHED, /* log only or dry run: suppresses repeated alerts while it lasts */
};

struct incident {
        enum incident_state state;
        unsigned id;
        enum scope scope;
        int dir_fd;                       /* the cgroup acted on */
        int pids_fd;                      /* its v1 pids twin on a hybrid host, or -1 */
        char path[CGROUP_PATH_MAX];       /* its path */
        char source[CGROUP_PATH_MAX];     /* the cgroup the growth was found in */
        bool owned;                       /* an incident cgroup we made: removed when empty */
        pid_t root_pid;
        usec_t root_start;                /* to recognise the same root again */
        usec_t started_at;
        usec_t kill_at;                   /* freeze-kill deadline, USEC_INFINITY for none */
        const char *kind;
        /* the detection, repeated in the record of a kill after the grace period */
        struct facts facts;
        uint64_t tasks;
        uint64_t pids_max;
        uint64_t refused;
        double growth_per_sec;
        unsigned generations;
};

/* What a detection found, handed to containment. */
struct finding {
        const char *kind; /* exponential, runaway, capped, threads */
        int source;       /* index of the cgroup it was found in */
        pid_t root_pid;   /* 0 when unknown */
        uint64_t root_start;
        uint64_t tasks;
        uint64_t refused;
        double growth_per_sec;
        unsigned generations;
        bool from_lineage; /* root and members come from the lineage table */
        /* members from a /proc snapshot when not from the lineage table */
        const struct proc_stat *snapshot;
        size_t snapshot_n;
};

#define PENDING_SIZE 4096

/* An exec whose process has not been looked up in /proc yet (see events.c). */
struct pending_exec {
        pid_t pid; /* 0: free slot */
        usec_t at;
};

/* One process read from /proc for a resync of the lineage table. */
struct seed {
        pid_t pid;
        pid_t ppid;
        uint64_t start;
        uint64_t image;
        uint64_t interp;
        unsigned threads;
};

struct manager {
        struct config config;
        char config_path[4096];
        struct layout layout;
        sd_event *event;
        sd_event_source *tick;
        sd_event_source *inotify_source;
        sd_event_source *netlink_source;
        sd_event_source *netlink_timer; /* re-enables netlink_source after a coalescing pause */
        int inotify_fd;
        int proc_fd;
        char self_cgroup[CGROUP_PATH_MAX];

        struct watched **cgroups;
        size_t n_cgroups;
        int *index; /* open-addressing hash of path -> position in cgroups */
        size_t index_size;
        unsigned mark;
        bool rescan_pending;
        usec_t rescan_at;
        bool cgroup_limit_warned;

        struct incident incidents[MAX_INCIDENTS];
        unsigned next_incident_id;
        bool incidents_parent_ready;

        /* lineage */
        struct lineage *lineage;
        int netlink_fd;
        bool resync_pending;
        usec_t resynced_at;
        struct seed *seeds; /* resync buffer, max_processes entries */
        struct pending_exec pending[PENDING_SIZE];
        size_t n_pending;
        bool containing; /* a lineage move is draining events: no new verdicts */
        uint64_t events_total;
        uint64_t events_dropped;
        usec_t last_event_at;
        usec_t events_hot_until; /* read fork events without coalescing until then */
        usec_t tasks_changed_at; /* last sample in which a cgroup's tasks or refusals changed */
        usec_t health_alert_at;
        bool quiet_reported;
        pid_t recent_roots[16];
        usec_t recent_at[16];
        unsigned recent_next;

        /* scratch for snapshots, allocated once */
        pid_t *pids;
        struct proc_stat *stats;
        unsigned *scratch;
        size_t scratch_size;

        usec_t status_at;
        uint64_t status_events;
};

int manager_new(const struct config *c, const char *config_path, struct manager **ret);
void manager_free(struct manager *m);
int manager_start(struct manager *m);
int manager_reload(struct manager *m);

/* manager.c */
int manager_rescan(struct manager *m);
int manager_find(const struct manager *m, const char *path);
void manager_sample(struct manager *m, usec_t now);
/* Reads the processes of w and their /proc stat into m->stats; returns how many. */
size_t manager_snapshot(struct manager *m, const struct watched *w);
/* The limit that binds w: the lowest pids.max of w and its followed ancestors. */
uint64_t manager_effective_max(const struct manager *m, const struct watched *w);

/* contain.c */
void contain(struct manager *m, const struct finding *f);
void incidents_tick(struct manager *m, usec_t now);
void incidents_close_all(struct manager *m);
bool incident_covers(const struct manager *m, int watched, pid_t root, usec_t root_start);

/* events.c */
int events_open(struct manager *m);
void events_close(struct manager *m);
int events_resync(struct manager *m);
int events_drain(struct manager *m);
void events_tick(struct manager *m, usec_t now);
/* The lineage thresholds of a policy. */
struct lineage_params events_params_for(const struct policy *p);
/* Sets the lineage table's birth window from the configured policies. */
void events_set_window(struct manager *m);
