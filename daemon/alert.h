/* SPDX-License-Identifier: MIT */
/* Structured alerts: one journal record per detection, action and refused-forks episode, with
 * our own MESSAGE_IDs (explained in systemd/forkstop.catalog). Without a journal (stderr is not
 * connected to it, JOURNAL_STREAM unset), the same record is one line on stderr:
 *   forkstopd: <MESSAGE> | FORKSTOP_EVENT=detected FORKSTOP_CGROUP=/a/b ... MESSAGE_ID=...
 * values that contain spaces, quotes or backslashes are double-quoted with C escapes. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "macro.h"

#define FORKSTOP_MID_DETECTED "6ccc5f0401fb462a8b2784d96ef4d072"
#define FORKSTOP_MID_ACTION "81b313cfc65f48f686ae0e56c1d62b9b"
#define FORKSTOP_MID_REFUSED "608f0be3035842a8b0919a99e8a7ebfc"
#define FORKSTOP_MID_HEALTH "a5b3e7c6b58546dfbe7a66450980aaff"

enum alert_event {
        ALERT_DETECTED,
        ALERT_ACTION,
        ALERT_REFUSED,
        ALERT_HEALTH,
};

/* One record. Strings may be NULL or "" (the field is then left out); numbers are always
 * written except where a have_* flag says they are unknown. */
struct alert {
        enum alert_event event;
        int priority; /* syslog level */
        char message[1024];

        const char *kind;   /* exponential, runaway, capped, threads */
        const char *cgroup;
        const char *unit;
        const char *action; /* log, freeze, kill */
        const char *scope;  /* cgroup, lineage */
        const char *result; /* done, failed, dry-run, cancelled */
        const char *incident_cgroup;
        const char *root_command;
        const char *user;
        uid_t uid;
        bool have_uid;
        pid_t root_pid;
        uint64_t tasks;
        uint64_t pids_max; /* PIDS_MAX_UNLIMITED is written as "max" */
        uint64_t refused;
        double growth_per_sec;
        unsigned generations;
        bool dry_run;
};

/* Sends the record to the journal (sd_journal_sendv) when stderr is the journal, else writes
 * its one-line form to stderr. The record also carries FORKSTOP_MONOTONIC_USEC. */
void alert_emit(const struct alert *a);

/* Formats the one-line form into buf (used for stderr and by tests). */
void alert_format_line(const struct alert *a, uint64_t monotonic_usec, char *buf, size_t size);

/* Formats a->message; a message longer than the field is cut, never split mid-record. */
void alert_set_message(struct alert *a, const char *fmt, ...) _printf_(2, 3);

/* Appends to a->message, so a long message is written as a few whole phrases. */
void alert_append_message(struct alert *a, const char *fmt, ...) _printf_(2, 3);
