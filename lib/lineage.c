/* SPDX-License-Identifier: MIT */
/* The lineage table: per-process records fed by fork/exec/exit events, grouped into lineages of
 * self-copies, judged in O(1) per event. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "lineage.h"

/*
 * Layout.
 * - entries[] is a pool of capacity records with stable indices; a record is FREE (never used),
 *   LIVE (a running process), KEPT (exited, but still the top or the branch root of live
 *   members) or DEAD (exited and unreferenced).
 * - index[] is an open-addressing hash (linear probing, backward-shift deletion, load <= 1/2)
 *   from pid to the newest record carrying that pid, whatever its state. At most one LIVE
 *   record per pid: a fork for a pid that is still LIVE means its exit was missed, and the old
 *   record is retired first.
 * - DEAD records go to the tail of a FIFO and are recycled from its head only once the never
 *   used part of the pool is exhausted. Until then they still answer for their pid and serve
 *   as weak parent links (index + serial, checked on use), so ancestry usually survives the
 *   exit of intermediate processes; when a slot is recycled, links to it read as "gone".
 * - Strong references: every LIVE record holds one reference on its top and, below depth 0,
 *   one on its branch root (its ancestor at depth 1, the top's child on its chain). Both are
 *   refcounted and stay KEPT while referenced, so the two kinds of root lineage_check() can
 *   name never disappear under their live members, and their membership is exact.
 * - "used" in the stats counts LIVE and KEPT records; -ENOSPC only when all of them are.
 *
 * Membership (lineage_members(), lineage_is_member()): a live record e belongs to root r when
 * - r is a top (depth 0): e's top is r;
 * - r is a branch root (depth 1): e's branch root is r;
 * - otherwise (a deeper process, e.g. a RUNAWAY root): e has r's top and its recorded parent
 *   chain reaches r within 256 steps; if a link on the way was recycled, the fallback is
 *   "same top, deeper than r and born at or after r".
 * The first two cover every root of an EXPONENTIAL verdict exactly, without any climb.
 *
 * Roots. A process first seen as the parent of a fork (it predates us and was not seeded) gets
 * birth 0, so it counts as old: a verdict then names its child on the chain, not a process we
 * know nothing about (most often a shell or a service started before the daemon). A bomb run
 * by the long-lived shell itself (`:(){ :|:& };:` typed at the prompt: the shell forks both
 * halves of the first pipeline) has two branch roots; each half reaches its own verdict.
 *
 * Windows: births are counted in WINDOW_BUCKETS buckets of window_usec / WINDOW_BUCKETS
 * (lineage_set_window()), each also keeping the largest depth born in it. The depth tested for
 * EXPONENTIAL is the largest depth born within the window, not the largest ever: a long-lived
 * shell that once ran nested subshells must not carry that depth into later, flat work.
 */

#define WINDOW_BUCKETS 4
#define NONE UINT32_MAX
#define CLIMB_MAX 256
#define DEFAULT_WINDOW_USEC USEC_PER_SEC
#define DEAD_KEEP 1024
#define LEVELS 16
#define BURST_QUIET_USEC (2 * USEC_PER_SEC)
#define OLD_TOP_USEC (10 * USEC_PER_SEC)

enum state {
        STATE_FREE,
        STATE_LIVE,
        STATE_KEPT,
        STATE_DEAD,
};

struct window {
        uint64_t epoch; /* bucket number of the newest bucket */
        uint32_t count[WINDOW_BUCKETS];
        uint32_t depth[WINDOW_BUCKETS]; /* largest depth born, lineage windows only */
};

struct entry {
        pid_t pid;
        pid_t ppid;            /* the forking process, as recorded */
        uint32_t serial;       /* bumped each time the slot is reused */
        uint32_t parent;       /* weak link: index, valid while parent_serial matches */
        uint32_t parent_serial;
        uint32_t top;          /* strong reference (itself for a top) */
        uint32_t top_serial;
        uint32_t branch;       /* strong reference, NONE for a top */
        uint32_t next;         /* FIFO of DEAD records */
        uint8_t state;
        bool hashed;
        bool foreign;          /* counted in the parent's live_foreign */
        uint32_t depth;
        uint32_t top_refs;     /* live records whose top is this one */
        uint16_t forkers[LEVELS]; /* tops: copies that forked in this burst, per depth (last:
                                   * all deeper) */
        usec_t forkers_burst;  /* the burst they were counted in */
        uint32_t branch_refs;  /* live records whose branch root is this one */
        uint32_t live_children;
        uint32_t live_foreign; /* live children that exec'd another image */
        uint32_t threads;      /* threads alive, the main one included */
        uint64_t image;
        uint64_t interp;       /* the interpreter it runs (argv[0]), 0 when unknown */
        usec_t birth;
        usec_t last_fork;
        usec_t last_birth;     /* newest birth in the lineage (tops) */
        usec_t burst_start;    /* first birth after a quiet window (tops) */
        struct window births;  /* births in the lineage (tops and branch roots) */
        struct window forks;   /* own forks of processes */
        struct window thread_births;
};

struct lineage {
        struct entry *entries;
        size_t capacity;
        size_t fresh;          /* entries[fresh..] were never used */
        uint32_t *index;       /* index + 1, 0 for an empty slot */
        size_t index_mask;
        unsigned index_shift;
        uint32_t fifo_head, fifo_tail;
        uint32_t fifo_len;
        size_t live, kept;
        uint64_t dropped;
        usec_t window_usec;
};

static usec_t bucket_usec(const struct lineage *l) {
        return MAX(l->window_usec / WINDOW_BUCKETS, (usec_t) 1);
}

/* Moves the window forward to now, clearing buckets that fell out. Events stamped slightly out
 * of order (timestamps come from different CPUs) land in the newest bucket. */
static void window_advance(const struct lineage *l, struct window *w, usec_t now) {
        uint64_t epoch = now / bucket_usec(l);
        uint64_t steps;

        if (epoch <= w->epoch)
                return;

        steps = MIN(epoch - w->epoch, (uint64_t) WINDOW_BUCKETS);
        for (uint64_t i = 1; i <= steps; i++) {
                size_t b = (size_t) ((w->epoch + i) % WINDOW_BUCKETS);

                w->count[b] = 0;
                w->depth[b] = 0;
        }
        w->epoch = epoch;
}

static void window_add(const struct lineage *l, struct window *w, usec_t now, uint32_t depth) {
        size_t b;

        window_advance(l, w, now);
        b = (size_t) (w->epoch % WINDOW_BUCKETS);
        if (w->count[b] < UINT32_MAX)
                w->count[b]++;
        w->depth[b] = MAX(w->depth[b], depth);
}

static unsigned window_sum(const struct lineage *l, struct window *w, usec_t now) {
        uint64_t sum = 0;

        window_advance(l, w, now);
        for (size_t b = 0; b < WINDOW_BUCKETS; b++)
                sum += w->count[b];
        return (unsigned) MIN(sum, (uint64_t) UINT32_MAX);
}

static uint32_t window_depth(const struct lineage *l, struct window *w, usec_t now) {
        uint32_t d = 0;

        window_advance(l, w, now);
        for (size_t b = 0; b < WINDOW_BUCKETS; b++)
                if (w->count[b] > 0)
                        d = MAX(d, w->depth[b]);
        return d;
}

static size_t hash_pid(const struct lineage *l, pid_t pid) {
        /* Fibonacci hashing: consecutive pids spread over the whole index. */
        return (size_t) (((uint32_t) pid * UINT32_C(2654435769)) >> l->index_shift) & l->index_mask;
}

static struct entry *lookup(const struct lineage *l, pid_t pid) {
        for (size_t s = hash_pid(l, pid);; s = (s + 1) & l->index_mask) {
                uint32_t v = l->index[s];

                if (v == 0)
                        return NULL;
                if (l->entries[v - 1].pid == pid)
                        return &l->entries[v - 1];
        }
}

static struct entry *lookup_live(const struct lineage *l, pid_t pid) {
        struct entry *e = lookup(l, pid);

        return e && e->state == STATE_LIVE ? e : NULL;
}

static uint32_t idx_of(const struct lineage *l, const struct entry *e) {
        return (uint32_t) (e - l->entries);
}

static void index_insert(struct lineage *l, struct entry *e) {
        size_t s = hash_pid(l, e->pid);

        while (l->index[s] != 0)
                s = (s + 1) & l->index_mask;
        l->index[s] = idx_of(l, e) + 1;
        e->hashed = true;
}

/* Backward-shift deletion keeps probe chains intact without tombstones. */
static void index_remove(struct lineage *l, struct entry *e) {
        size_t s = hash_pid(l, e->pid);
        uint32_t want = idx_of(l, e) + 1;

        while (l->index[s] != want)
                s = (s + 1) & l->index_mask;

        for (size_t gap = s, t = (s + 1) & l->index_mask;; t = (t + 1) & l->index_mask) {
                uint32_t v = l->index[t];
                size_t home;

                if (v == 0) {
                        l->index[gap] = 0;
                        break;
                }
                home = hash_pid(l, l->entries[v - 1].pid);
                /* Move v into the gap unless its home lies cyclically in (gap, t]. */
                if (((t - home) & l->index_mask) >= ((t - gap) & l->index_mask)) {
                        l->index[gap] = v;
                        gap = t;
                }
        }
        e->hashed = false;
}

static struct entry *weak_parent(const struct lineage *l, const struct entry *e) {
        const struct entry *p;

        if (e->parent == NONE)
                return NULL;
        p = &l->entries[e->parent];
        if (p->serial != e->parent_serial || p->state == STATE_FREE)
                return NULL;
        return (struct entry *) p;
}

static void fifo_push(struct lineage *l, struct entry *e) {
        uint32_t i = idx_of(l, e);

        e->next = NONE;
        if (l->fifo_tail == NONE)
                l->fifo_head = i;
        else
                l->entries[l->fifo_tail].next = i;
        l->fifo_tail = i;
        l->fifo_len++;
}

/* Turns an exited record whose last reference went away into a DEAD one. */
static void release(struct lineage *l, struct entry *e) {
        if (e->state != STATE_KEPT || e->top_refs > 0 || e->branch_refs > 0)
                return;
        e->state = STATE_DEAD;
        l->kept--;
        fifo_push(l, e);
}

static void drop_refs(struct lineage *l, struct entry *e) {
        struct entry *t = &l->entries[e->top];

        t->top_refs--;
        release(l, t);
        if (e->branch != NONE) {
                struct entry *b = &l->entries[e->branch];

                b->branch_refs--;
                release(l, b);
        }
}

/* Bookkeeping of a process exit; the record stays hashed until its slot is recycled, and keeps
 * its top and branch fields, so a dead root can still be recognised as one. */
static void entry_die(struct lineage *l, struct entry *e) {
        struct entry *p = weak_parent(l, e);

        e->state = STATE_KEPT; /* provisionally: release() decides */
        l->live--;
        l->kept++;
        if (p) {
                if (p->live_children > 0)
                        p->live_children--;
                if (e->foreign && p->live_foreign > 0)
                        p->live_foreign--;
        }
        drop_refs(l, e);
        release(l, e);
}

/* Takes a slot for a new live record of pid: retires a record of the same pid first. */
static int entry_alloc(struct lineage *l, pid_t pid, struct entry **ret) {
        struct entry *old = lookup(l, pid), *e;
        uint32_t serial;

        if (old) {
                if (old->state == STATE_LIVE)
                        entry_die(l, old);
                index_remove(l, old);
        }

        /* Dead records are recycled oldest first once DEAD_KEEP of them wait, so recent parent
         * links survive, while the table only touches (and, locked in memory, keeps resident)
         * about as many slots as processes live at once: a churn of short processes would
         * otherwise walk through the whole table. */
        if (l->fifo_head != NONE && (l->fifo_len > DEAD_KEEP || l->fresh >= l->capacity)) {
                e = &l->entries[l->fifo_head];
                l->fifo_head = e->next;
                l->fifo_len--;
                if (l->fifo_head == NONE)
                        l->fifo_tail = NONE;
                if (e->hashed)
                        index_remove(l, e);
        } else if (l->fresh < l->capacity)
                e = &l->entries[l->fresh++];
        else {
                l->dropped++;
                return -ENOSPC;
        }

        serial = e->serial + 1;
        memset(e, 0, sizeof(*e));
        e->serial = serial;
        e->pid = pid;
        e->parent = e->branch = e->next = NONE;
        e->state = STATE_LIVE;
        e->threads = 1;
        index_insert(l, e);
        l->live++;
        *ret = e;
        return 0;
}

static void make_top(struct lineage *l, struct entry *e) {
        e->top = idx_of(l, e);
        e->top_serial = e->serial;
        e->top_refs++;
        e->depth = 0;
        e->branch = NONE;
}

static void link_parent(struct lineage *l, struct entry *e, struct entry *p) {
        e->parent = idx_of(l, p);
        e->parent_serial = p->serial;
        e->ppid = p->pid;
        p->live_children++;
}

/* e becomes a copy of p: same image, one generation deeper, same top. */
static void make_copy(struct lineage *l, struct entry *e, struct entry *p) {
        struct entry *t = &l->entries[p->top];

        e->image = p->image;
        e->interp = p->interp;
        e->depth = p->depth < UINT32_MAX ? p->depth + 1 : p->depth;
        e->top = p->top;
        e->top_serial = p->top_serial;
        t->top_refs++;
        e->branch = p->branch == NONE ? idx_of(l, e) : p->branch;
        l->entries[e->branch].branch_refs++;
}

static void mark_foreign(struct lineage *l, struct entry *e) {
        struct entry *p;

        if (e->foreign)
                return;
        p = weak_parent(l, e);
        if (p && p->state == STATE_LIVE) {
                p->live_foreign++;
                e->foreign = true;
        }
}

static bool same_image(uint64_t a, uint64_t b) {
        return a != 0 && a == b;
}

int lineage_new(size_t capacity, struct lineage **ret) {
        _cleanup_free_ struct lineage *l = NULL;
        size_t slots = 16;
        unsigned bits = 4;

        assert(ret);

        if (capacity == 0 || capacity > (size_t) 1 << 30)
                return -EINVAL;
        while (slots < 2 * capacity) {
                slots <<= 1;
                bits++;
        }

        l = calloc(1, sizeof(*l));
        if (!l)
                return -ENOMEM;
        l->entries = calloc(capacity, sizeof(struct entry));
        l->index = calloc(slots, sizeof(uint32_t));
        if (!l->entries || !l->index) {
                free(l->entries);
                free(l->index);
                free(l);
                return -ENOMEM;
        }
        l->capacity = capacity;
        l->index_mask = slots - 1;
        l->index_shift = 32 - bits;
        l->window_usec = DEFAULT_WINDOW_USEC;
        l->fifo_head = l->fifo_tail = NONE;
        l->fifo_len = 0;

        *ret = TAKE_PTR(l);
        return 0;
}

void lineage_free(struct lineage *l) {
        if (!l)
                return;
        free(l->entries);
        free(l->index);
        free(l);
}

void lineage_reset(struct lineage *l) {
        assert(l);

        /* Records keep their serials, so no stale weak link can match a reused slot. */
        memset(l->index, 0, (l->index_mask + 1) * sizeof(uint32_t));
        l->fresh = 0;
        l->fifo_head = l->fifo_tail = NONE;
        l->fifo_len = 0;
        l->live = l->kept = 0;
}

void lineage_set_window(struct lineage *l, usec_t window_usec) {
        assert(l);

        window_usec = MAX(window_usec, (usec_t) WINDOW_BUCKETS);
        if (window_usec == l->window_usec)
                return;
        l->window_usec = window_usec;
        /* Bucket numbers change meaning with the width: start every window afresh. */
        for (size_t i = 0; i < l->fresh; i++) {
                struct entry *e = &l->entries[i];

                memset(&e->births, 0, sizeof(e->births));
                memset(&e->forks, 0, sizeof(e->forks));
                memset(&e->thread_births, 0, sizeof(e->thread_births));
        }
}

/* The live record of pid, or a new one of depth 0 and unknown birth and image (an event from a
 * process that existed before we listened or whose fork we missed). */
static int lookup_or_add(struct lineage *l, pid_t pid, struct entry **ret) {
        struct entry *e = lookup_live(l, pid);
        int r;

        if (!e) {
                r = entry_alloc(l, pid, &e);
                if (r < 0)
                        return r;
                make_top(l, e);
        }
        *ret = e;
        return 0;
}

/* Counts p as a forker at its depth the first time it forks in its top's current burst. */
static void count_forker(struct entry *t, const struct entry *p, usec_t p_last_fork) {
        if (t->forkers_burst != t->burst_start) {
                memset(t->forkers, 0, sizeof(t->forkers));
                t->forkers_burst = t->burst_start;
        }
        if (p_last_fork < t->burst_start && t->forkers[MIN(p->depth, (uint32_t) LEVELS - 1)] < UINT16_MAX)
                t->forkers[MIN(p->depth, (uint32_t) LEVELS - 1)]++;
}

static void count_birth(struct lineage *l, struct entry *c, usec_t now) {
        struct entry *t = &l->entries[c->top];

        /* A burst starts with the first birth after a quiet spell of BURST_QUIET_USEC (or the
         * window, if longer): the workers of Python's spawn and forkserver methods each start a
         * new interpreter, which can take over a second on a loaded machine, and that pause must
         * not split one burst in two. */
        if (t->last_birth == 0 || now > t->last_birth + MAX(l->window_usec, BURST_QUIET_USEC))
                t->burst_start = now;
        t->last_birth = MAX(t->last_birth, now);
        window_add(l, &t->births, now, c->depth);
        if (c->branch != NONE)
                window_add(l, &l->entries[c->branch].births, now, c->depth);
}

int lineage_fork(struct lineage *l, pid_t parent_tgid, pid_t child_pid, pid_t child_tgid,
                 usec_t now) {
        struct entry *p, *c;
        usec_t last_fork;
        int r;

        assert(l);

        if (parent_tgid <= 0 || child_pid <= 0 || child_tgid <= 0)
                return 0;

        if (child_pid != child_tgid) {
                /* A thread: the kernel reports the new thread's tgid, its process. */
                r = lookup_or_add(l, child_tgid, &p);
                if (r < 0)
                        return r;
                if (p->threads < UINT32_MAX)
                        p->threads++;
                window_add(l, &p->thread_births, now, 0);
                return 0;
        }
        if (child_tgid == parent_tgid)
                return 0;

        r = lookup_or_add(l, parent_tgid, &p);
        if (r < 0)
                return r;
        r = entry_alloc(l, child_tgid, &c);
        if (r < 0)
                return r;

        c->birth = now;
        link_parent(l, c, p);
        make_copy(l, c, p);
        last_fork = p->last_fork;
        p->last_fork = MAX(p->last_fork, now);
        window_add(l, &p->forks, now, 0);
        count_birth(l, c, now);
        count_forker(&l->entries[c->top], p, last_fork);
        return 0;
}

void lineage_exec(struct lineage *l, pid_t tgid, uint64_t image, uint64_t interp, bool bare,
                  usec_t now) {
        struct entry *e;

        assert(l);

        e = tgid > 0 ? lookup_live(l, tgid) : NULL;
        if (!e)
                return;

        e->threads = 1; /* exec ends every other thread */
        /* Re-exec of the same image, or a fresh instance of the interpreter the process ran
         * (Python's spawn and forkserver children run "python3 -c ..." under a script): still a
         * copy, depth and top kept. */
        if (same_image(image, e->image) || (bare && interp != 0 && interp == e->interp)) {
                if (interp != 0)
                        e->interp = interp;
                return;
        }

        e->image = image;
        e->interp = interp;
        mark_foreign(l, e);
        if (e->top == idx_of(l, e))
                return; /* already a top */
        drop_refs(l, e);
        make_top(l, e);
        /* Births counted while it was a branch root belong to its old lineage. */
        memset(&e->births, 0, sizeof(e->births));
}

void lineage_exit(struct lineage *l, pid_t pid, pid_t tgid, usec_t now) {
        struct entry *e;

        assert(l);

        e = tgid > 0 ? lookup_live(l, tgid) : NULL;
        if (!e)
                return;

        if (pid != tgid) {
                if (e->threads > 1)
                        e->threads--;
                return;
        }
        entry_die(l, e);
}

int lineage_seed(struct lineage *l, pid_t pid, pid_t ppid, uint64_t image, uint64_t interp,
                 usec_t start, unsigned threads) {
        struct entry *p = NULL, *e;
        int r;

        assert(l);

        if (pid <= 0)
                return 0;
        if (ppid > 0 && ppid != pid)
                p = lookup_live(l, ppid);

        r = entry_alloc(l, pid, &e);
        if (r < 0)
                return r;

        e->birth = start;
        e->image = image;
        e->interp = interp;
        e->threads = MAX(threads, 1u);
        if (p)
                link_parent(l, e, p);
        if (p && same_image(image, p->image))
                make_copy(l, e, p);
        else {
                make_top(l, e);
                mark_foreign(l, e);
        }
        return 0;
}

static void verdict_fill(const struct lineage *l, enum lineage_kind kind, const struct entry *root,
                         unsigned members, unsigned births, unsigned generations,
                         struct lineage_verdict *ret) {
        *ret = (struct lineage_verdict) {
                .kind = kind,
                .root_pid = root->pid,
                .root_start_usec = root->birth,
                .members = members,
                .births = births,
                .generations = generations,
                .births_per_sec = (double) births * (double) USEC_PER_SEC / (double) l->window_usec,
        };
}

/* Depths below the top at which at least two copies forked during the current burst. A bomb
 * fans out at every generation, even when each parent exits right after forking; a chain of
 * shells that each run one more shell (bash -c inside bash -c inside a login shell, common in
 * CI) is deep, but forks from one process per depth until the workers it finally starts,
 * which all sit at one or two depths. */
static unsigned wide_levels(const struct entry *t) {
        unsigned wide = 0;

        for (size_t d = 1; d < LEVELS; d++)
                wide += t->forkers[d] >= 2;
        return wide;
}

/* EXPONENTIAL on e's top; the root is the top, or e's branch root when the top is an old
 * process that merely started the burst (a login shell with other jobs). */
static bool check_exponential(struct lineage *l, struct entry *e, const struct lineage_params *p,
                              usec_t now, struct lineage_verdict *ret) {
        struct entry *t = &l->entries[e->top], *root = t;
        unsigned members = t->top_refs, births;
        uint32_t depth;
        bool old;

        if (members < p->min_tasks)
                return false;
        depth = window_depth(l, &t->births, now);
        if (depth < p->min_generations || wide_levels(t) + 1 < p->min_generations)
                return false;

        /* Old: the top lived OLD_TOP_USEC (or a window) before this burst began: a login shell
         * that ran the bomb, not a program that started its workers soon after it began. */
        old = t->birth + MAX(p->window_usec, OLD_TOP_USEC) < t->burst_start;
        if (e->branch != NONE && (old || t->live_foreign > 0)) {
                root = &l->entries[e->branch];
                members = root->branch_refs;
                depth = depth > 0 ? depth - 1 : 0;
        }
        births = window_sum(l, &root->births, now);
        verdict_fill(l, LINEAGE_EXPONENTIAL, root, members, births, depth, ret);
        return true;
}

static bool check_runaway(struct lineage *l, struct entry *e, const struct lineage_params *p,
                          usec_t now, struct lineage_verdict *ret) {
        struct entry *cand[3] = { e, weak_parent(l, e), &l->entries[e->top] };

        for (size_t i = 0; i < ELEMENTSOF(cand); i++) {
                struct entry *c = cand[i];

                if (!c || c->state != STATE_LIVE || c->live_children < p->runaway_tasks)
                        continue;
                if (c->last_fork + p->window_usec < now)
                        continue;
                verdict_fill(l, LINEAGE_RUNAWAY, c, c->live_children, window_sum(l, &c->forks, now),
                             0, ret);
                return true;
        }
        return false;
}

static bool check_threads(struct lineage *l, struct entry *e, const struct lineage_params *p,
                          usec_t now, struct lineage_verdict *ret) {
        unsigned births;

        if (e->threads < p->min_tasks)
                return false;
        births = window_sum(l, &e->thread_births, now);
        if (births < p->min_tasks / 2)
                return false;
        verdict_fill(l, LINEAGE_THREADS, e, e->threads, births, 0, ret);
        return true;
}

bool lineage_check(struct lineage *l, pid_t pid, const struct lineage_params *p, usec_t now,
                   struct lineage_verdict *ret) {
        struct entry *e;

        assert(l);
        assert(p);
        assert(ret);

        e = pid > 0 ? lookup_live(l, pid) : NULL;
        if (!e)
                return false;

        return check_exponential(l, e, p, now, ret) || check_runaway(l, e, p, now, ret) ||
                check_threads(l, e, p, now, ret);
}

/* See "Membership" at the top of this file. */
static bool is_member(const struct lineage *l, const struct entry *r, const struct entry *e) {
        uint32_t ri = idx_of(l, r);
        const struct entry *cur = e;

        if (e->state != STATE_LIVE)
                return false;
        if (r->top == ri && r->top_serial == r->serial)
                return e->top == ri && e->top_serial == r->serial;
        if (r->branch == ri)
                return e->branch == ri;
        if (e->top != r->top || e->top_serial != r->top_serial)
                return false;
        if (e == r)
                return true;

        for (unsigned steps = 0; steps < CLIMB_MAX; steps++) {
                const struct entry *parent;

                if (cur->depth <= r->depth)
                        return false;
                parent = weak_parent(l, cur);
                if (!parent)
                        break;
                if (parent == r)
                        return true;
                cur = parent;
        }
        /* A link was recycled (or the chain is very deep): judge by birth and depth. */
        return e->birth >= r->birth && e->depth > r->depth;
}

size_t lineage_members(struct lineage *l, pid_t root_pid, pid_t *buf, size_t n) {
        const struct entry *r;
        size_t count = 0;

        assert(l);
        assert(buf || n == 0);

        r = root_pid > 0 ? lookup(l, root_pid) : NULL;
        if (!r)
                return 0;

        for (size_t i = 0; i < l->fresh; i++) {
                const struct entry *e = &l->entries[i];

                if (!is_member(l, r, e))
                        continue;
                if (count < n)
                        buf[count] = e->pid;
                count++;
        }
        return count;
}

bool lineage_is_member(struct lineage *l, pid_t root_pid, pid_t pid) {
        const struct entry *r, *e;

        assert(l);

        r = root_pid > 0 ? lookup(l, root_pid) : NULL;
        e = pid > 0 ? lookup_live(l, pid) : NULL;
        return r && e && is_member(l, r, e);
}

pid_t lineage_parent_of(const struct lineage *l, pid_t pid) {
        const struct entry *e;

        assert(l);

        e = pid > 0 ? lookup(l, pid) : NULL;
        return e ? e->ppid : 0;
}

void lineage_get_stats(const struct lineage *l, struct lineage_stats *ret) {
        assert(l);
        assert(ret);

        *ret = (struct lineage_stats) {
                .capacity = l->capacity,
                .used = l->live + l->kept,
                .dropped = l->dropped,
        };
}

uint64_t lineage_image_of(const char *comm) {
        uint64_t h = UINT64_C(14695981039346656037);

        assert(comm);

        for (const unsigned char *c = (const unsigned char *) comm; *c; c++) {
                h ^= *c;
                h *= UINT64_C(1099511628211);
        }
        return h != 0 ? h : 1;
}
