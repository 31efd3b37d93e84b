/* SPDX-License-Identifier: MIT */
/* The shape of a cgroup's process tree from one /proc snapshot: how deep the chains of
 * self-copies run, whether the growth is an orphaned crowd of one image, how many children a
 * single process holds, and how many threads. Used when kernel fork events are unavailable. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "proc.h"

enum tree_kind {
        TREE_NONE,
        TREE_EXPONENTIAL, /* deep chains of self-copies, or an orphaned crowd of one image */
        TREE_RUNAWAY,     /* one process holds an unbounded crowd of children */
        TREE_THREADS,     /* the tasks are threads of few processes */
};

struct tree_shape {
        unsigned processes;
        unsigned threads;     /* sum of num_threads over the members */
        unsigned generations; /* longest parent-child chain of one command name, in edges */
        pid_t chain_root;     /* the topmost member of that chain */
        pid_t chain_end;      /* the deepest member of that chain */
        unsigned crowd;       /* largest group of one command name whose parents are outside
                               * the snapshot: a bomb whose parents exited */
        pid_t crowd_oldest;   /* the earliest started member of that group */
        unsigned max_children; /* most members with the same parent inside the snapshot */
        pid_t max_children_pid;
        unsigned max_threads; /* most threads of a single member */
        pid_t max_threads_pid;
};

/* Analyses members[0..n-1] (reordered in place, sorted by pid). scratch must hold n entries.
 * Never allocates; O(n log n). */
void tree_analyze(struct proc_stat *members, size_t n, unsigned *scratch, struct tree_shape *ret);

/* Judges a shape against thresholds:
 * THREADS when threads >= min_tasks and threads >= 4 * processes;
 * EXPONENTIAL when generations >= min_generations, or crowd >= 2 * min_tasks;
 * RUNAWAY when max_children >= runaway_tasks; NONE otherwise. */
enum tree_kind tree_judge(const struct tree_shape *s, unsigned min_tasks, unsigned min_generations,
                          unsigned runaway_tasks);

/* The pid an alert should name as the root of the growth for a kind. */
pid_t tree_root_of(const struct tree_shape *s, enum tree_kind kind);

const char *tree_kind_to_string(enum tree_kind k);

/* Writes to out (at most max) the members that belong to root's lineage in a snapshot
 * analysed by tree_analyze(): root and its descendants through parents of root's command name,
 * and, when root's parent is outside the snapshot (its parent exited), every other such
 * orphan of the same name. Returns the number found, which may exceed max. */
size_t tree_members(const struct proc_stat *members, size_t n, pid_t root, pid_t *out, size_t max);
