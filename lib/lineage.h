/* SPDX-License-Identifier: MIT */
/* The lineage table: every live process with the parent that forked it, recorded at fork
 * time so that it survives re-parenting, grouped into lineages of self-copies. Fixed capacity,
 * allocated once; the event functions never allocate and never do I/O. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "macro.h"

/*
 * Model.
 * - Each process (tgid) has an entry: pid, the parent that forked it, birth time, an image id
 *   and a replication depth. Threads (fork events with child_pid != child_tgid) are not
 *   entries; they are counted on their process (threads alive and thread births).
 * - Image id: a child starts with its parent's image (it is a copy). On exec the caller passes
 *   the new image id (a hash of the new comm, read by the caller off the hot path, or 0 when
 *   unknown, which counts as a new distinct image).
 * - Replication depth: at fork, child.depth = parent.depth + 1 (the child is a copy). On exec
 *   into an image different from the parent's, depth becomes 0; exec into the same image as
 *   the parent (a script that re-executes itself, Python's spawn/forkserver children running
 *   python3 again) keeps it.
 * - Top: the topmost ancestor of the unbroken chain of same-image processes. child.top =
 *   parent.top while the child is a same-image copy; a process whose depth becomes 0 is its
 *   own top. A top stays in the table (refcounted) while any member refers to it, even after
 *   it exits, so a lineage keeps its root when its first processes are gone.
 * - Per top, kept incrementally: live members, births in the current window (a sliding
 *   window of window_usec made of a few buckets), the largest depth seen, thread births.
 * - Per process: live children (of any image), to see a runaway spawner.
 */

struct lineage;

enum lineage_kind {
        LINEAGE_NONE,
        LINEAGE_EXPONENTIAL, /* self-copies forking self-copies over several generations */
        LINEAGE_RUNAWAY,     /* one process with an unbounded crowd of live children */
        LINEAGE_THREADS,     /* one process creating threads without bound */
};

struct lineage_params {
        unsigned min_tasks;       /* live members (or threads) before a verdict, >= 2 */
        unsigned min_generations; /* depth that marks exponential replication */
        unsigned runaway_tasks;   /* live children of one process */
        usec_t window_usec;       /* window for births */
};

struct lineage_verdict {
        enum lineage_kind kind;
        pid_t root_pid;          /* the process that started the growth (see lineage_check) */
        uint64_t root_start_usec; /* birth time of the root as recorded */
        unsigned members;        /* live processes in the lineage (threads for THREADS) */
        unsigned births;         /* births within the window */
        unsigned generations;    /* largest depth below the root */
        double births_per_sec;   /* births / window */
};

/* Allocates a table for capacity processes (its hash index is rounded up to a power of two).
 * Returns 0, -EINVAL for a capacity of 0 or above 2^30, or -ENOMEM. */
int lineage_new(size_t capacity, struct lineage **ret);
void lineage_free(struct lineage *l);

/* Sets the width of the birth windows (4 buckets of window_usec / 4; 1 s until called). Event
 * functions get no policy, so the table needs it beforehand; changing it restarts every window.
 * Call it with the growth window of the policy (the smallest one if policies differ). */
void lineage_set_window(struct lineage *l, usec_t window_usec);

/* Forgets everything (before a resync). */
void lineage_reset(struct lineage *l);

/* A fork event. Unknown parents get an entry of their own first (depth 0, own top). Returns 0,
 * or -ENOSPC when the table is full (the event is dropped and counted; see lineage_stats). */
int lineage_fork(struct lineage *l, pid_t parent_tgid, pid_t child_pid, pid_t child_tgid,
                 usec_t now);

/* An exec event; image is the new image id (0: unknown), interp the id of the interpreter the
 * process now runs (lineage_image_of() of argv[0]'s base name; 0: unknown), and bare tells that
 * it runs that interpreter itself rather than a script under it (its comm is argv[0]'s base
 * name). A bare exec of the interpreter its parent ran keeps the process a copy, like an exec of
 * the same image. Unknown pids are ignored. */
void lineage_exec(struct lineage *l, pid_t tgid, uint64_t image, uint64_t interp, bool bare,
                  usec_t now);

/* An exit event: a thread (pid != tgid) lowers its process's thread count; a process removes
 * its entry (tops are kept while referenced). Unknown pids are ignored. */
void lineage_exit(struct lineage *l, pid_t pid, pid_t tgid, usec_t now);

/* Seeds one existing process during a resync from /proc: ppid as seen now, image id, birth
 * time. Call it for parents before children (ascending start time works); depth and top
 * follow from the parent as for a fork. Returns 0 or -ENOSPC. */
int lineage_seed(struct lineage *l, pid_t pid, pid_t ppid, uint64_t image, uint64_t interp,
                 usec_t start, unsigned threads);

/* Judges the lineage pid (a process, i.e. a tgid) belongs to, in O(1). Returns true and fills
 * *ret when it is a bomb:
 * - EXPONENTIAL: the largest depth born in the top's lineage within the window >=
 *   min_generations, its live members >= min_tasks, and at min_generations - 1 depths below
 *   the top at least two copies forked during the current burst (a bomb fans out at every
 *   generation; a chain of shells running shells is deep but forks from one process per depth).
 * - RUNAWAY: pid itself, its parent or its top has >= runaway_tasks live children and forked
 *   within the window.
 * - THREADS: pid's process has >= min_tasks threads alive and thread births within the window
 *   >= min_tasks / 2.
 * Root attribution: the top, unless the top was born more than max(window_usec, 10 s) before
 * the lineage's first birth in the current burst (a burst begins after 2 s, or a window if
 * longer, without births) or has live children of another image (a login shell that ran the
 * bomb beside innocent jobs), in which case the root is the top's child on the chain towards
 * pid. For THREADS and RUNAWAY the root is the process itself; members is then
 * its live threads or live children. Checked in the order EXPONENTIAL, RUNAWAY, THREADS. */
bool lineage_check(struct lineage *l, pid_t pid, const struct lineage_params *p, usec_t now,
                   struct lineage_verdict *ret);

/* Writes the live pids of the lineage rooted at root_pid (the root, if alive, and every live
 * descendant that is a same-image copy below it) to buf, at most n. Returns the number of
 * members, which may exceed n. */
size_t lineage_members(struct lineage *l, pid_t root_pid, pid_t *buf, size_t n);

/* True when pid is a live member of the lineage rooted at root_pid. */
bool lineage_is_member(struct lineage *l, pid_t root_pid, pid_t pid);

/* The process that forked pid, as recorded at fork time (it survives re-parenting), for a live
 * or kept record; 0 when unknown. */
pid_t lineage_parent_of(const struct lineage *l, pid_t pid);

struct lineage_stats {
        size_t capacity;
        size_t used;      /* entries in use, live processes and kept tops */
        uint64_t dropped; /* events dropped because the table was full */
};

void lineage_get_stats(const struct lineage *l, struct lineage_stats *ret);

/* The image id of a comm: a 64-bit FNV-1a hash, never 0. */
uint64_t lineage_image_of(const char *comm);
