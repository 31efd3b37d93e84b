/* SPDX-License-Identifier: MIT */
/* Kernel fork events: the lineage table fed from the netlink proc connector, its resync from
 * /proc when events were lost, and the verdicts it gives on each fork. */
#include <dirent.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

#include "alert.h"
#include "fileio.h"
#include "log.h"
#include "manager.h"
#include "procev.h"

/* FACTS.md: an 8 MiB buffer took every one of ~4,000 fork events of a C bomb. */
#define EVENTS_RCVBUF (8U << 20)
#define EVENTS_VLEN 64
#define EVENTS_DGRAM 512
#define EVENTS_ROUNDS 64
#define EVENTS_COALESCE_USEC (2 * USEC_PER_MSEC)
#define HOT_USEC (200 * USEC_PER_MSEC)
#define RECENT_ROOT_USEC (200 * USEC_PER_MSEC)
#define RESYNC_MIN_USEC (500 * USEC_PER_MSEC)

struct lineage_params events_params_for(const struct policy *p) {
        return (struct lineage_params) {
                .min_tasks = p->min_tasks,
                .min_generations = p->min_generations,
                .runaway_tasks = p->runaway_tasks,
                .window_usec = (usec_t) p->growth_window_msec * USEC_PER_MSEC,
        };
}

/* The most sensitive thresholds of all policies: a fork is judged against these on the hot
 * path, and a verdict is confirmed against its own cgroup's policy afterwards. */
static struct lineage_params loosest_params(const struct config *c) {
        struct lineage_params lp = events_params_for(&c->defaults);

        for (size_t i = 0; i < c->n_policies; i++) {
                struct lineage_params q = events_params_for(&c->policies[i]);

                lp.min_tasks = MIN(lp.min_tasks, q.min_tasks);
                lp.min_generations = MIN(lp.min_generations, q.min_generations);
                lp.runaway_tasks = MIN(lp.runaway_tasks, q.runaway_tasks);
                lp.window_usec = MAX(lp.window_usec, q.window_usec);
        }
        return lp;
}

void events_set_window(struct manager *m) {
        if (m->lineage)
                lineage_set_window(m->lineage, loosest_params(&m->config).window_usec);
}

static bool recently_judged(const struct manager *m, pid_t root, usec_t now) {
        for (size_t i = 0; i < ELEMENTSOF(m->recent_roots); i++)
                if (m->recent_roots[i] == root && now - m->recent_at[i] < RECENT_ROOT_USEC)
                        return true;
        return false;
}

static void mark_judged(struct manager *m, pid_t root, usec_t now) {
        m->recent_roots[m->recent_next] = root;
        m->recent_at[m->recent_next] = now;
        m->recent_next = (m->recent_next + 1) % ELEMENTSOF(m->recent_roots);
}

/* The cgroup of a lineage: of the judged process, else of its root, else of a few members. A
 * shell bomb's processes exit within milliseconds, so the one judged may be gone already. */
static int lineage_cgroup(struct manager *m, pid_t pid, pid_t root, char *buf, size_t size) {
        pid_t members[8];
        size_t n;

        if (proc_read_cgroup_v2(m->proc_fd, pid, buf, size) >= 0 ||
            proc_read_cgroup_v2(m->proc_fd, root, buf, size) >= 0)
                return 0;
        n = lineage_members(m->lineage, root, members, ELEMENTSOF(members));
        for (size_t i = 0; i < MIN(n, ELEMENTSOF(members)); i++)
                if (proc_read_cgroup_v2(m->proc_fd, members[i], buf, size) >= 0)
                        return 0;
        return -ESRCH;
}

static const char *kind_name(enum lineage_kind k) {
        switch (k) {
        case LINEAGE_EXPONENTIAL:
                return "exponential";
        case LINEAGE_RUNAWAY:
                return "runaway";
        case LINEAGE_THREADS:
                return "threads";
        default:
                return "none";
        }
}

/* A verdict from the hot path: find the cgroup, confirm with its policy, contain. */
static void on_verdict(struct manager *m, pid_t pid, const struct lineage_verdict *v, usec_t now) {
        char cg[CGROUP_PATH_MAX];
        struct lineage_params lp;
        struct lineage_verdict mine;
        const struct watched *w;
        struct finding f;
        int idx;

        if (recently_judged(m, v->root_pid, now))
                return;
        if (lineage_cgroup(m, pid, v->root_pid, cg, sizeof(cg)) < 0) {
                log_debug("Verdict on %d (root %d) dropped: its processes are gone", (int) pid,
                          (int) v->root_pid);
                return; /* every process asked is gone: judged again at the next fork */
        }
        mark_judged(m, v->root_pid, now);
        idx = manager_find(m, cg);
        if (idx < 0) {
                log_debug("Verdict on %d (root %d) dropped: cgroup '%s' is not followed", (int) pid,
                          (int) v->root_pid, cg);
                return; /* not under a watched subtree: never ours to touch */
        }
        w = m->cgroups[idx];
        if (w->protected_ || w->exempt || incident_covers(m, idx, v->root_pid, v->root_start_usec)) {
                log_debug("Verdict on %d (root %d) dropped: protected, exempt or held already", (int) pid,
                          (int) v->root_pid);
                return;
        }

        lp = events_params_for(config_policy_for(&m->config, w->path));
        if (!lineage_check(m->lineage, pid, &lp, now, &mine)) {
                log_debug("Verdict on %d (root %d) dropped: below the thresholds of its cgroup's policy",
                          (int) pid, (int) v->root_pid);
                return;
        }

        f = (struct finding) {
                .kind = kind_name(mine.kind),
                .source = idx,
                .root_pid = mine.root_pid,
                .root_start = mine.root_start_usec,
                .tasks = w->counters.tasks > mine.members ? w->counters.tasks : mine.members,
                .refused = w->counters.refused,
                /* Births over the lineage's life so far: a bomb that made 64 copies in 5 ms grows
                 * at 12,800/s, which the window average (births / window) would hide. */
                .growth_per_sec = now > mine.root_start_usec ? (double) mine.members * USEC_PER_SEC /
                                                                       (double) (now - mine.root_start_usec)
                                                             : mine.births_per_sec,
                .generations = mine.generations,
                .from_lineage = true,
        };
        contain(m, &f);
}

struct identity {
        uint64_t image;  /* the command name (comm) */
        uint64_t interp; /* the base name of argv[0]: the interpreter under a script */
        bool bare;       /* comm is argv[0]'s base name: the interpreter runs itself */
};

/* What a process runs, from two small procfs reads (comm and the head of cmdline). A script
 * started through "#!" has its own name as comm and the interpreter as argv[0]. Zeros when the
 * process is gone. */
static void identity_of(struct manager *m, pid_t pid, struct identity *ret) {
        char path[32], comm[64], cmd[256];
        const char *base;
        ssize_t n;

        *ret = (struct identity) {};
        if (proc_path(path, sizeof(path), pid, "comm") < 0)
                return;
        n = fileio_read_at(m->proc_fd, path, comm, sizeof(comm));
        if (n <= 0)
                return;
        comm[strcspn(comm, "\n")] = '\0';
        ret->image = lineage_image_of(comm);

        if (proc_path(path, sizeof(path), pid, "cmdline") < 0)
                return;
        n = fileio_read_at(m->proc_fd, path, cmd, sizeof(cmd));
        if (n <= 0 || cmd[0] == '\0')
                return;
        base = strrchr(cmd, '/');
        base = base ? base + 1 : cmd;
        ret->interp = lineage_image_of(base);
        /* comm holds at most 15 bytes of the name. */
        ret->bare = comm[0] != '\0' && strncmp(base, comm, strlen(comm)) == 0;
}

/*
 * Exec events wait here before their process is looked up in /proc. Reading comm and cmdline
 * costs two procfs lookups and half of the daemon's time under a churn of short processes,
 * most of which never fork: their identity matters to nobody. A process is looked up when it
 * first forks, when it has lived PENDING_USEC (so a long-lived child such as an innocent
 * 'sleep' stops counting as a copy of its shell), or before any containment.
 */
#define PENDING_USEC (50 * USEC_PER_MSEC)

static size_t pending_slot(pid_t pid) {
        return ((uint32_t) pid * 2654435761U) & (PENDING_SIZE - 1);
}

/* Removes pid; returns true and its exec time when it was waiting. */
static bool pending_take(struct manager *m, pid_t pid, usec_t *ret_at) {
        size_t i = pending_slot(pid);

        for (size_t probes = 0; probes < PENDING_SIZE && m->pending[i].pid != 0; probes++) {
                if (m->pending[i].pid == pid) {
                        size_t hole = i;

                        if (ret_at)
                                *ret_at = m->pending[i].at;
                        m->pending[i].pid = 0;
                        m->n_pending--;
                        /* Backward-shift deletion keeps every probe chain unbroken. */
                        for (size_t j = (i + 1) & (PENDING_SIZE - 1); m->pending[j].pid != 0;
                             j = (j + 1) & (PENDING_SIZE - 1)) {
                                size_t home = pending_slot(m->pending[j].pid);

                                if (((j - home) & (PENDING_SIZE - 1)) >= ((j - hole) & (PENDING_SIZE - 1))) {
                                        m->pending[hole] = m->pending[j];
                                        m->pending[j].pid = 0;
                                        hole = j;
                                }
                        }
                        return true;
                }
                i = (i + 1) & (PENDING_SIZE - 1);
        }
        return false;
}

static void identity_apply(struct manager *m, pid_t pid, usec_t at) {
        struct identity id;

        identity_of(m, pid, &id);
        lineage_exec(m->lineage, pid, id.image, id.interp, id.bare, at);
}

static void pending_resolve(struct manager *m, pid_t pid) {
        usec_t at;

        if (m->n_pending > 0 && pending_take(m, pid, &at))
                identity_apply(m, pid, at);
}

static void pending_add(struct manager *m, pid_t pid, usec_t at) {
        size_t i = pending_slot(pid);

        /* A full table would make probes long: look this one up at once instead. */
        if (m->n_pending >= PENDING_SIZE / 2) {
                (void) pending_take(m, pid, NULL);
                identity_apply(m, pid, at);
                return;
        }
        while (m->pending[i].pid != 0 && m->pending[i].pid != pid)
                i = (i + 1) & (PENDING_SIZE - 1);
        if (m->pending[i].pid == 0)
                m->n_pending++;
        m->pending[i] = (struct pending_exec) { .pid = pid, .at = at };
}

/* Looks up every waiting process older than max_age_usec (0: all). */
static void pending_flush(struct manager *m, usec_t now, usec_t max_age_usec) {
        size_t i = 0;

        while (i < PENDING_SIZE && m->n_pending > 0) {
                struct pending_exec p = m->pending[i];

                if (p.pid == 0 || now - p.at < max_age_usec) {
                        i++;
                        continue;
                }
                /* Stay on this slot: the backward shift may have moved another entry here. */
                (void) pending_take(m, p.pid, NULL);
                identity_apply(m, p.pid, p.at);
        }
}

/* Copies forking copies three generations deep: not yet a bomb, but while any lineage looks
 * like this, events are read as they come instead of being coalesced (see on_netlink). Pools
 * and pre-forking servers stay at one generation of copies, a shell loop in a subshell at two
 * (the copy before its exec), builds reset at every exec. */
static const struct lineage_params hot_params = {
        .min_tasks = 8,
        .min_generations = 3,
        .runaway_tasks = 64,
        .window_usec = USEC_PER_SEC,
};

/* Applies one event to the lineage table. Returns the pid to judge (a fork's child process, or
 * the process that made a thread) when its lineage is a bomb by the loosest thresholds, else 0.
 * Judging waits until the whole batch is applied: containment reads further events, and
 * those must find every earlier fork already in the table, or their parents would look unknown
 * and start lineages of their own. */
static pid_t handle(struct manager *m, const struct procev *e, const struct lineage_params *lp,
                    usec_t now, struct lineage_verdict *ret) {
        pid_t judged;

        switch (e->type) {
        case PROCEV_FORK:
                /* A process that execed and now forks: what it runs decides its children's
                 * lineage, so it is looked up now, before the fork is recorded. */
                if (e->pid == e->tgid)
                        pending_resolve(m, e->parent_tgid);
                if (lineage_fork(m->lineage, e->parent_tgid, e->pid, e->tgid, now) < 0)
                        return 0;
                judged = e->tgid;
                break;
        case PROCEV_EXEC:
                pending_add(m, e->tgid, now);
                return 0;
        case PROCEV_EXIT:
                if (e->pid == e->tgid)
                        (void) pending_take(m, e->pid, NULL);
                lineage_exit(m->lineage, e->pid, e->tgid, now);
                return 0;
        default:
                return 0;
        }

        if (m->containing)
                return 0;
        if (lineage_check(m->lineage, judged, &hot_params, now, ret))
                m->events_hot_until = now + HOT_USEC;
        if (!lineage_check(m->lineage, judged, lp, now, ret))
                return 0;
        return judged;
}

/* Reads and handles what the socket holds, up to rounds recvmmsg() calls of EVENTS_VLEN
 * datagrams. Every datagram of a round is decoded before any is handled: handling can contain a
 * bomb, which drains the socket again through this function and reuses the buffers. Returns the
 * number of events, or -ENOBUFS when the kernel dropped some. */
static int read_batch(struct manager *m, unsigned rounds) {
        static char bufs[EVENTS_VLEN][EVENTS_DGRAM] __attribute__((aligned(8)));
        struct lineage_params lp = loosest_params(&m->config);
        struct procev ev[EVENTS_VLEN * 2];
        struct lineage_verdict verdicts[8];
        pid_t pending[8];
        size_t n_pending = 0;
        struct mmsghdr msgs[EVENTS_VLEN];
        struct iovec iov[EVENTS_VLEN];
        int total = 0;

        for (unsigned round = 0; round < rounds; round++) {
                usec_t now;
                int got, n = 0;

                for (size_t i = 0; i < EVENTS_VLEN; i++) {
                        iov[i] = (struct iovec) { .iov_base = bufs[i], .iov_len = EVENTS_DGRAM };
                        msgs[i] = (struct mmsghdr) { .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 } };
                }
                got = recvmmsg(m->netlink_fd, msgs, EVENTS_VLEN, MSG_DONTWAIT, NULL);
                if (got < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == ENOBUFS)
                                return -ENOBUFS;
                        break;
                }
                for (int i = 0; i < got; i++) {
                        int r = procev_parse(bufs[i], msgs[i].msg_len, ev + n, ELEMENTSOF(ev) - (size_t) n);

                        if (r > 0)
                                n += r;
                }
                now = now_usec();
                if (n > 0)
                        m->last_event_at = now;
                for (int k = 0; k < n; k++) {
                        /* The kernel stamps each event with CLOCK_MONOTONIC, our clock: births keep
                         * their true spacing even when read in a batch. */
                        usec_t at = ev[k].timestamp_ns ? MIN(ev[k].timestamp_ns / 1000, now) : now;
                        struct lineage_verdict v;
                        pid_t judged = handle(m, &ev[k], &lp, at, &v);

                        if (judged > 0 && n_pending < ELEMENTSOF(pending)) {
                                pending[n_pending] = judged;
                                verdicts[n_pending++] = v;
                        }
                }
                for (size_t k = 0; k < n_pending; k++)
                        on_verdict(m, pending[k], &verdicts[k], now);
                n_pending = 0;
                m->events_total += (uint64_t) n;
                total += n;
                if (got < (int) EVENTS_VLEN)
                        break;
        }
        return total;
}

static void report_drop(struct manager *m, usec_t now) {
        m->events_dropped++;
        m->resync_pending = true;
        if (m->health_alert_at != 0 &&
            now - m->health_alert_at < (usec_t) m->config.alert_interval_sec * USEC_PER_SEC)
                return;
        {
                struct alert a = { .event = ALERT_HEALTH, .priority = LOG_WARNING, .kind = "events-lost" };

                alert_set_message(&a, "Fork events were lost (the kernel dropped them: receive buffer "
                                      "full); lineage resynchronised from /proc, %" PRIu64 " losses so far",
                                  m->events_dropped);
                alert_emit(&a);
        }
        m->health_alert_at = now;
}

static int on_netlink(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        struct manager *m = userdata;
        int r = read_batch(m, EVENTS_ROUNDS);

        if (r == -ENOBUFS)
                report_drop(m, now_usec());
        if (m->resync_pending && !m->containing)
                (void) events_resync(m);

        /* Coalesce: a wake-up per event costs two context switches and three system calls,
         * far more than the event itself (a 2,000 processes/s churn made 6,000 wake-ups a
         * second). Let events gather for EVENTS_COALESCE_USEC before the next read, unless a
         * lineage already looks like the start of a bomb: a C bomb doubles every 1-2 ms
         * (FACTS.md), so there every read counts. */
        if (r != 0 && m->netlink_timer && now_usec() >= m->events_hot_until) {
                (void) sd_event_source_set_enabled(s, SD_EVENT_OFF);
                (void) sd_event_source_set_time_relative(m->netlink_timer, EVENTS_COALESCE_USEC);
                (void) sd_event_source_set_enabled(m->netlink_timer, SD_EVENT_ONESHOT);
        }
        return 0;
}

static int on_netlink_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        struct manager *m = userdata;

        return sd_event_source_set_enabled(m->netlink_source, SD_EVENT_ON);
}

int events_drain(struct manager *m) {
        int r, total = 0;

        if (m->netlink_fd < 0)
                return 0;
        m->containing = true;
        pending_flush(m, now_usec(), 0);
        do {
                r = read_batch(m, EVENTS_ROUNDS);
                if (r == -ENOBUFS)
                        report_drop(m, now_usec());
                else if (r > 0)
                        total += r;
        } while (r > 0 || r == -ENOBUFS);
        pending_flush(m, now_usec(), 0);
        m->containing = false;
        return total;
}

static int cmp_start(const void *a, const void *b) {
        const struct seed *x = a, *y = b;

        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        return (x->pid > y->pid) - (x->pid < y->pid);
}

int events_resync(struct manager *m) {
        struct seed *seeds = m->seeds;
        size_t n = 0, cap = m->config.max_processes;
        long ticks = sysconf(_SC_CLK_TCK);
        usec_t now = now_usec();
        DIR *d;

        if (!m->lineage || !seeds)
                return 0;
        /* A bomb that overflows the socket would have us rescan /proc after every batch: at
         * most one resync per RESYNC_MIN_USEC, the cgroup counters cover the gap. */
        if (m->resynced_at && now - m->resynced_at < RESYNC_MIN_USEC)
                return 0;
        m->resync_pending = false;
        m->resynced_at = now;
        d = opendir("/proc");
        if (!d)
                return negative_errno();

        /* About 5 us a process (FACTS.md): 25 ms for 5,000. Only at start and after losses. */
        for (struct dirent *de; (de = readdir(d)) && n < cap;) {
                struct proc_stat st;
                struct identity id;
                pid_t pid = (pid_t) strtol(de->d_name, NULL, 10);

                if (pid <= 0 || proc_read_stat(m->proc_fd, pid, &st) < 0)
                        continue;
                identity_of(m, pid, &id);
                seeds[n++] = (struct seed) {
                        .pid = st.pid,
                        .ppid = st.ppid,
                        .start = st.start_time * USEC_PER_SEC / (uint64_t) (ticks > 0 ? ticks : 100),
                        .image = lineage_image_of(st.comm),
                        .interp = id.interp,
                        .threads = st.num_threads,
                };
        }
        closedir(d);

        qsort(seeds, n, sizeof(*seeds), cmp_start);
        lineage_reset(m->lineage);
        /* The seeds carry what every process runs now: nothing waits for a lookup. */
        memset(m->pending, 0, sizeof(m->pending));
        m->n_pending = 0;
        for (size_t i = 0; i < n; i++)
                (void) lineage_seed(m->lineage, seeds[i].pid, seeds[i].ppid, seeds[i].image,
                                    seeds[i].interp, seeds[i].start, seeds[i].threads);
        log_debug("Lineage table resynchronised from /proc: %zu processes", n);
        return 0;
}

int events_open(struct manager *m) {
        int r;

        if (!m->lineage) {
                r = lineage_new(m->config.max_processes, &m->lineage);
                if (r < 0)
                        return r;
        }
        if (!m->seeds) {
                m->seeds = calloc(m->config.max_processes, sizeof(*m->seeds));
                if (!m->seeds)
                        return -ENOMEM;
        }
        events_set_window(m);
        r = procev_open(EVENTS_RCVBUF);
        if (r < 0)
                return r;
        m->netlink_fd = r;

        r = sd_event_add_io(m->event, &m->netlink_source, m->netlink_fd, EPOLLIN, on_netlink, m);
        if (r < 0) {
                events_close(m);
                return r;
        }
        /* Fork events outrank everything else in the loop: they are the early warning. */
        (void) sd_event_source_set_priority(m->netlink_source, SD_EVENT_PRIORITY_IMPORTANT);
        /* Accuracy 1 us: sd-event's default (0 means 250 ms) would let a bomb run for a quarter of
         * a second before the next read. */
        r = sd_event_add_time_relative(m->event, &m->netlink_timer, CLOCK_MONOTONIC, EVENTS_COALESCE_USEC, 1,
                                       on_netlink_timer, m);
        if (r < 0) {
                events_close(m);
                return r;
        }
        (void) sd_event_source_set_priority(m->netlink_timer, SD_EVENT_PRIORITY_IMPORTANT);
        (void) sd_event_source_set_enabled(m->netlink_timer, SD_EVENT_OFF);
        m->last_event_at = now_usec();
        return events_resync(m);
}

void events_close(struct manager *m) {
        m->netlink_source = sd_event_source_unref(m->netlink_source);
        m->netlink_timer = sd_event_source_unref(m->netlink_timer);
        if (m->netlink_fd >= 0)
                procev_close(m->netlink_fd);
        m->netlink_fd = -1;
}

void events_tick(struct manager *m, usec_t now) {
        if (m->netlink_fd < 0)
                return;
        pending_flush(m, now, PENDING_USEC);
        /* Health: cgroups change but no fork event arrived for 10 s: the source went quiet.
         * Reported once until events come back. */
        if (now - m->last_event_at > 10 * USEC_PER_SEC && m->tasks_changed_at > m->last_event_at &&
            !m->quiet_reported) {
                struct alert a = { .event = ALERT_HEALTH, .priority = LOG_WARNING, .kind = "events-quiet" };

                alert_set_message(&a, "No fork event for %" PRIu64 " s while cgroups change: the kernel "
                                      "event source looks quiet, relying on cgroup counters",
                                  (now - m->last_event_at) / USEC_PER_SEC);
                alert_emit(&a);
                m->quiet_reported = true;
        } else if (now - m->last_event_at < USEC_PER_SEC)
                m->quiet_reported = false;
}
