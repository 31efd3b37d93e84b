/* SPDX-License-Identifier: MIT */
/* Followed cgroups: discovery, sampling, judging, and the timer that drives them. */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/inotify.h>
#include <systemd/sd-daemon.h>

#include "alert.h"
#include "fileio.h"
#include "log.h"
#include "manager.h"

#define WALK_MAX_DEPTH 32

static uint64_t hash_str(const char *s) {
        uint64_t h = 1469598103934665603ULL;

        for (; *s; s++)
                h = (h ^ (unsigned char) *s) * 1099511628211ULL;
        return h;
}

static void index_rebuild(struct manager *m) {
        for (size_t i = 0; i < m->index_size; i++)
                m->index[i] = -1;
        for (size_t i = 0; i < m->n_cgroups; i++) {
                size_t h = hash_str(m->cgroups[i]->path) & (m->index_size - 1);

                while (m->index[h] >= 0)
                        h = (h + 1) & (m->index_size - 1);
                m->index[h] = (int) i;
        }
}

int manager_find(const struct manager *m, const char *path) {
        size_t h = hash_str(path) & (m->index_size - 1);

        for (size_t probes = 0; probes < m->index_size && m->index[h] >= 0; probes++) {
                if (strcmp(m->cgroups[m->index[h]]->path, path) == 0)
                        return m->index[h];
                h = (h + 1) & (m->index_size - 1);
        }
        return -1;
}

/* A cgroup we must never act on: the root, init.scope, our own cgroup or any ancestor of it
 * (acting there would freeze or kill the daemon), and the incident parent itself. */
static bool is_protected(const struct manager *m, const char *path) {
        size_t len = strlen(path);

        if (strcmp(path, "/") == 0 || strcmp(path, "/init.scope") == 0)
                return true;
        if (strcmp(path, m->config.incident_parent) == 0)
                return true;
        return strncmp(m->self_cgroup, path, len) == 0 &&
               (m->self_cgroup[len] == '/' || m->self_cgroup[len] == '\0');
}

static void watched_free(struct manager *m, struct watched *w) {
        if (!w)
                return;
        if (w->wd >= 0 && m->inotify_fd >= 0)
                (void) inotify_rm_watch(m->inotify_fd, w->wd);
        cgroup_files_close(&w->files);
        free(w->path);
        free(w);
}

static int watched_add(struct manager *m, const char *path, int parent) {
        _cleanup_free_ struct watched *w = NULL;
        char full[CGROUP_PATH_MAX];
        int r;

        if (m->n_cgroups >= m->config.max_cgroups) {
                if (!m->cgroup_limit_warned)
                        log_warning("Following %zu cgroups, the max_cgroups limit; '%s' and others "
                                    "beyond it are not followed",
                                    m->n_cgroups, path);
                m->cgroup_limit_warned = true;
                return -ENOSPC;
        }

        w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        w->files = (struct cgroup_files) CGROUP_FILES_INIT;
        /* Until read (and for ever for the root cgroup, which has no pids files): no limit. */
        w->counters.pids_max = PIDS_MAX_UNLIMITED;
        w->wd = -1;
        w->incident = -1;
        w->parent = parent;
        detect_init(&w->detect);

        r = cgroup_files_open(&m->layout, path, &w->files);
        if (r < 0)
                return r;
        w->path = strdup(path);
        if (!w->path) {
                cgroup_files_close(&w->files);
                return -ENOMEM;
        }
        w->protected_ = is_protected(m, path);
        w->exempt = config_is_exempt(&m->config, path);

        if (cgroup_join(m->layout.v2_root, path, full, sizeof(full)) >= 0)
                w->wd = inotify_add_watch(m->inotify_fd, full, IN_CREATE | IN_DELETE | IN_ONLYDIR);

        log_debug("Following cgroup '%s'%s", path, w->files.current_fd >= 0 ? "" : " (no pids files yet)");
        m->cgroups[m->n_cgroups++] = TAKE_PTR(w);
        return (int) m->n_cgroups - 1;
}

/* On a hybrid host the v1 pids twin of a cgroup is often made just after the v2 directory
 * (systemd and our tests both do so), so inotify can report the cgroup before its pids files
 * exist. Until they do, the cgroup is counted from cgroup.threads; look again at each rescan. */
static void retry_pids(struct manager *m, struct watched *w, usec_t now) {
        struct cgroup_files f;

        if (w->files.current_fd >= 0 || (!m->layout.pids_on_v2 && !m->layout.pids_v1_root[0]) ||
            strcmp(w->path, "/") == 0 || now - w->pids_retry_at < 100 * USEC_PER_MSEC)
                return;
        w->pids_retry_at = now;
        if (cgroup_files_open(&m->layout, w->path, &f) < 0)
                return;
        if (f.current_fd < 0) {
                cgroup_files_close(&f);
                return;
        }
        cgroup_files_close(&w->files);
        w->files = f;
}

static bool is_incident_path(const struct manager *m, const char *path) {
        size_t len = strlen(m->config.incident_parent);

        return strncmp(path, m->config.incident_parent, len) == 0 && path[len] == '/';
}

/* Depth-first, parents before children, so a child always finds its parent's index. */
static void walk(struct manager *m, const char *path, int parent, unsigned depth) {
        char full[CGROUP_PATH_MAX];
        DIR *d;
        int idx;

        idx = manager_find(m, path);
        if (idx < 0) {
                idx = watched_add(m, path, parent);
                if (idx < 0) {
                        if (idx != -ENOSPC && !errno_is_gone(idx))
                                log_debug("Cannot follow cgroup '%s': %s", path, strerror(-idx));
                        return;
                }
                index_rebuild(m);
        }
        m->cgroups[idx]->mark = m->mark;
        m->cgroups[idx]->parent = parent;
        retry_pids(m, m->cgroups[idx], now_usec());

        if (depth >= WALK_MAX_DEPTH || cgroup_join(m->layout.v2_root, path, full, sizeof(full)) < 0)
                return;
        d = opendir(full);
        if (!d)
                return;
        for (struct dirent *de; (de = readdir(d));) {
                char child[CGROUP_PATH_MAX];
                int n;

                if (de->d_type != DT_DIR || de->d_name[0] == '.')
                        continue;
                n = snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") == 0 ? "" : path,
                             de->d_name);
                if (n < 0 || (size_t) n >= sizeof(child))
                        continue;
                /* Incident cgroups are ours: followed by their incident, never judged. */
                if (is_incident_path(m, child))
                        continue;
                walk(m, child, idx, depth + 1);
        }
        closedir(d);
}

int manager_rescan(struct manager *m) {
        size_t kept = 0;

        m->mark++;
        for (size_t i = 0; i < m->config.n_watch; i++) {
                const char *root = m->config.watch[i];
                int existing = manager_find(m, root);

                /* A watch root nested in another is walked as part of it. */
                if (existing >= 0 && m->cgroups[existing]->mark == m->mark)
                        continue;
                walk(m, root, -1, 0);
        }

        for (size_t i = 0; i < m->n_cgroups; i++) {
                struct watched *w = m->cgroups[i];

                if (w->mark != m->mark) {
                        watched_free(m, w);
                        continue;
                }
                m->cgroups[kept++] = w;
        }
        if (kept != m->n_cgroups) {
                m->n_cgroups = kept;
                index_rebuild(m);
                /* Parent indices moved: fix them up from the paths. */
                for (size_t i = 0; i < m->n_cgroups; i++) {
                        struct watched *w = m->cgroups[i];
                        char parent[CGROUP_PATH_MAX];
                        char *slash;

                        (void) snprintf(parent, sizeof(parent), "%s", w->path);
                        slash = strrchr(parent, '/');
                        if (!slash || w->parent < 0)
                                continue;
                        if (slash == parent)
                                slash[1] = '\0';
                        else
                                *slash = '\0';
                        w->parent = manager_find(m, parent);
                }
        }
        for (size_t i = 0; i < m->n_cgroups; i++) {
                m->cgroups[i]->exempt = config_is_exempt(&m->config, m->cgroups[i]->path);
                m->cgroups[i]->protected_ = is_protected(m, m->cgroups[i]->path);
        }
        m->rescan_pending = false;
        m->rescan_at = now_usec() + (usec_t) m->config.rescan_interval_msec * USEC_PER_MSEC;
        return 0;
}

static struct detect_params params_of(const struct policy *p) {
        return (struct detect_params) {
                .min_tasks = p->min_tasks,
                .runaway_tasks = p->runaway_tasks,
                .growth_window_usec = (usec_t) p->growth_window_msec * USEC_PER_MSEC,
                .capped_refusals = p->capped_refusals,
                .capped_window_usec = (usec_t) p->capped_window_msec * USEC_PER_MSEC,
        };
}

/* Reads the cgroup's processes and their /proc stat into the manager's scratch arrays.
 * Returns the number read. */
size_t manager_snapshot(struct manager *m, const struct watched *w) {
        ssize_t n;
        size_t got = 0;

        n = cgroup_read_procs(&w->files, m->pids, m->scratch_size);
        if (n < 0)
                return 0;
        n = MIN((size_t) n, m->scratch_size);
        for (ssize_t i = 0; i < n; i++)
                if (proc_read_stat(m->proc_fd, m->pids[i], &m->stats[got]) >= 0)
                        got++;
        return got;
}

/* The counters saw the growth first, but the lineage table knows more: the true root, through
 * exited parents and interpreters re-executed by Python's forkserver, which /proc's comm chains
 * miss. Use it when it has the growing process. */
static void prefer_lineage(struct manager *m, struct finding *f, pid_t member, const struct policy *p) {
        struct lineage_params lp = events_params_for(p);
        struct lineage_verdict v;

        if (!m->lineage || member <= 0)
                return;
        lp.min_tasks = 2;
        lp.min_generations = 1;
        if (!lineage_check(m->lineage, member, &lp, now_usec(), &v) || v.kind != LINEAGE_EXPONENTIAL)
                return;
        f->root_pid = v.root_pid;
        f->root_start = v.root_start_usec;
        f->from_lineage = true;
}

static void judge_growth(struct manager *m, int idx, const struct policy *p,
                         const struct detect_growth *g, usec_t now) {
        struct watched *w = m->cgroups[idx];
        struct tree_shape shape;
        enum tree_kind kind;
        struct finding f;
        size_t n;

        /* Reading /proc costs about 5 us a process (FACTS.md): look at most every 50 ms. */
        if (now - w->analysed_at < 50 * USEC_PER_MSEC)
                return;
        w->analysed_at = now;

        n = manager_snapshot(m, w);
        if (n == 0)
                return;
        tree_analyze(m->stats, n, m->scratch, &shape);
        kind = tree_judge(&shape, p->min_tasks, p->min_generations, p->runaway_tasks);
        log_debug("Cgroup '%s' grows: %" PRIu64 " tasks, %u processes, %u generations, crowd %u, "
                  "max children %u, threads %u: %s",
                  w->path, g->tasks, shape.processes, shape.generations, shape.crowd,
                  shape.max_children, shape.threads, tree_kind_to_string(kind));
        if (kind == TREE_NONE)
                return;

        f = (struct finding) {
                .kind = tree_kind_to_string(kind),
                .source = idx,
                /* A crowd of orphans names its oldest member, a deep chain its top. */
                .root_pid = kind == TREE_EXPONENTIAL && shape.generations < p->min_generations
                                    ? shape.crowd_oldest
                                    : tree_root_of(&shape, kind),
                .tasks = w->counters.tasks,
                .refused = w->counters.refused,
                .growth_per_sec = g->growth_per_sec,
                .generations = shape.generations,
                .snapshot = m->stats,
                .snapshot_n = n,
        };
        if (kind == TREE_EXPONENTIAL)
                prefer_lineage(m, &f, shape.generations > 0 ? shape.chain_end : shape.crowd_oldest, p);
        contain(m, &f);
}

/* The capped case: the limit is hit here, but the growth may sit in a child. Descend to the
 * cgroup whose own processes are the most numerous. */
static int capped_target(const struct manager *m, int idx) {
        for (unsigned depth = 0; depth < WALK_MAX_DEPTH; depth++) {
                int best = -1;
                uint64_t best_tasks = m->cgroups[idx]->own_tasks;

                for (size_t i = 0; i < m->n_cgroups; i++)
                        if (m->cgroups[i]->parent == idx && m->cgroups[i]->counters.tasks > best_tasks) {
                                best = (int) i;
                                best_tasks = m->cgroups[i]->counters.tasks;
                        }
                if (best < 0)
                        return idx;
                idx = best;
        }
        return idx;
}

static void judge_capped(struct manager *m, int idx, const struct detect_growth *g) {
        int target = capped_target(m, idx);
        struct watched *t = m->cgroups[target];
        struct finding f;
        size_t n;

        if (t->protected_ || t->exempt || t->incident >= 0)
                return;

        f = (struct finding) {
                .kind = "capped",
                .source = target,
                .tasks = t->counters.tasks,
                .refused = m->cgroups[idx]->counters.refused,
                .growth_per_sec = g->growth_per_sec,
        };
        n = manager_snapshot(m, t);
        if (n > 0) {
                struct tree_shape shape;
                enum tree_kind kind;

                tree_analyze(m->stats, n, m->scratch, &shape);
                kind = tree_judge(&shape, 2, 2, 16);
                /* No shape to name a root: the whole cgroup is contained, not a bystander. */
                f.root_pid = kind != TREE_NONE ? tree_root_of(&shape, kind) : 0;
                f.generations = shape.generations;
                f.snapshot = m->stats;
                f.snapshot_n = n;
        }
        contain(m, &f);
}

static void alert_refused(struct manager *m, struct watched *w, usec_t now) {
        char unit[256];
        struct alert a = {
                .event = ALERT_REFUSED,
                .priority = LOG_WARNING,
                .cgroup = w->path,
                .unit = unit,
                .tasks = w->counters.tasks,
                .pids_max = manager_effective_max(m, w),
                .refused = w->counters.refused - w->refused_alerted,
                .dry_run = m->config.dry_run,
        };

        cgroup_unit_from_path(w->path, unit, sizeof(unit));
        alert_set_message(&a, "Forks refused in cgroup '%s'%s%s%s", w->path, unit[0] ? " (" : "", unit,
                          unit[0] ? ")" : "");
        alert_append_message(&a, ": %" PRIu64 " refused at its limit of %" PRIu64 " tasks", a.refused,
                             a.pids_max);
        alert_append_message(&a, " since the last report");
        alert_append_message(&a, " (the kernel logs this as 'fork rejected by pids controller')");
        alert_emit(&a);
        w->refused_alerted = w->counters.refused;
        w->refused_alert_at = now;
}

uint64_t manager_effective_max(const struct manager *m, const struct watched *w) {
        uint64_t max = w->counters.pids_max;

        for (unsigned depth = 0; w->parent >= 0 && depth < WALK_MAX_DEPTH; depth++) {
                w = m->cgroups[w->parent];
                max = MIN(max, w->counters.pids_max);
        }
        return max;
}

static void read_all(struct manager *m, usec_t now) {
        for (size_t i = 0; i < m->n_cgroups; i++) {
                struct watched *w = m->cgroups[i];
                uint64_t before = w->counters.tasks, refused_before = w->counters.refused;
                int r;

                /* The root cgroup has no pids files: counting its threads would cost O(all tasks
                 * of the host), and it is never judged. */
                if (strcmp(w->path, "/") == 0)
                        continue;
                retry_pids(m, w, now);
                r = cgroup_read_counters(&w->files, &w->counters);
                if (r < 0) {
                        if (errno_is_gone(r))
                                m->rescan_pending = true;
                        w->counters.tasks = 0;
                }
                if (w->counters.tasks != before || w->counters.refused != refused_before)
                        m->tasks_changed_at = now;
                w->own_tasks = w->counters.tasks;
        }
        for (size_t i = 0; i < m->n_cgroups; i++) {
                struct watched *w = m->cgroups[i];

                if (w->parent >= 0) {
                        struct watched *p = m->cgroups[w->parent];

                        p->own_tasks -= MIN(p->own_tasks, w->counters.tasks);
                }
        }
}

void manager_sample(struct manager *m, usec_t now) {
        read_all(m, now);

        for (size_t i = 0; i < m->n_cgroups; i++) {
                struct watched *w = m->cgroups[i];
                const struct policy *p;
                struct detect_params dp;
                struct detect_growth g;
                enum detect_signal s;

                if (w->protected_ || strcmp(w->path, "/") == 0)
                        continue;
                p = config_policy_for(&m->config, w->path);
                dp = params_of(p);
                s = detect_feed(&w->detect, &dp, now, w->own_tasks, w->counters.tasks,
                                w->counters.pids_max, w->counters.refused, &g);

                if (w->counters.refused > w->refused_alerted) {
                        if (!w->refused_seen) {
                                /* The counter's history before we looked is not news. */
                                w->refused_alerted = w->counters.refused;
                        } else if (w->refused_alert_at == 0 || now - w->refused_alert_at >=
                                   (usec_t) m->config.alert_interval_sec * USEC_PER_SEC)
                                alert_refused(m, w, now);
                }
                w->refused_seen = true;

                if (w->exempt || w->incident >= 0)
                        continue;
                if (s == DETECT_GROWING)
                        judge_growth(m, (int) i, p, &g, now);
                else if (s == DETECT_CAPPED)
                        judge_capped(m, (int) i, &g);
        }
}

static void update_status(struct manager *m, usec_t now) {
        struct lineage_stats ls = {};
        unsigned open_incidents = 0;
        double rate;

        if (now - m->status_at < USEC_PER_SEC)
                return;
        for (size_t i = 0; i < MAX_INCIDENTS; i++)
                open_incidents += m->incidents[i].state != INCIDENT_FREE;
        if (m->lineage)
                lineage_get_stats(m->lineage, &ls);
        rate = m->status_at ? (double) (m->events_total - m->status_events) * USEC_PER_SEC /
                                      (double) (now - m->status_at)
                            : 0.0;
        (void) sd_notifyf(0,
                          "STATUS=Following %zu cgroups; %s; %u open incidents%s",
                          m->n_cgroups,
                          m->netlink_fd >= 0 ? "fork events on" : "fork events off",
                          open_incidents, m->config.dry_run ? "; dry run" : "");
        if (m->netlink_fd >= 0)
                log_debug("Fork events: %.0f/s, %" PRIu64 " dropped, lineage table %zu/%zu", rate,
                          m->events_dropped, ls.used, ls.capacity);
        m->status_at = now;
        m->status_events = m->events_total;
}

/* Fast sampling while a followed cgroup's count or refused forks move, or always without fork
 * events. With them, the lineage table sees a bomb as it forks, so quiet cgroups can wait for
 * the idle interval: the events are machine-wide, and a host whose other cgroups fork all day
 * would otherwise keep us sampling fast for nothing. */
static bool sample_fast(const struct manager *m, usec_t now) {
        return m->netlink_fd < 0 || now - m->tasks_changed_at < USEC_PER_SEC;
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata) {
        struct manager *m = userdata;
        usec_t now = now_usec(), interval;

        if (m->rescan_pending || now >= m->rescan_at)
                (void) manager_rescan(m);
        if (m->resync_pending)
                (void) events_resync(m);
        manager_sample(m, now);
        incidents_tick(m, now);
        events_tick(m, now);
        update_status(m, now);

        interval = sample_fast(m, now) ? m->config.sample_interval_msec : m->config.idle_interval_msec;
        (void) sd_event_source_set_time_relative(s, interval * USEC_PER_MSEC);
        (void) sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
        return 0;
}

static int on_inotify(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        struct manager *m = userdata;
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

        /* Any create or delete under a followed cgroup: rescan at the next tick, which is at
         * most sample_interval away. Drain the queue so the descriptor stops being readable. */
        while (read(fd, buf, sizeof(buf)) > 0)
                ;
        m->rescan_pending = true;
        (void) sd_event_source_set_time_relative(m->tick, 0);
        (void) sd_event_source_set_enabled(m->tick, SD_EVENT_ONESHOT);
        return 0;
}

static int read_self_cgroup(struct manager *m) {
        return proc_read_cgroup_v2(m->proc_fd, getpid(), m->self_cgroup, sizeof(m->self_cgroup));
}

int manager_new(const struct config *c, const char *config_path, struct manager **ret) {
        _cleanup_free_ struct manager *m = NULL;
        size_t index_size = 16;
        int r;

        m = calloc(1, sizeof(*m));
        if (!m)
                return -ENOMEM;
        m->config = *c;
        (void) snprintf(m->config_path, sizeof(m->config_path), "%s", config_path);
        m->inotify_fd = -1;
        m->proc_fd = -1;
        m->netlink_fd = -1;
        for (size_t i = 0; i < MAX_INCIDENTS; i++) {
                m->incidents[i].dir_fd = -1;
                m->incidents[i].pids_fd = -1;
        }

        while (index_size < 2 * (size_t) c->max_cgroups)
                index_size *= 2;
        m->index_size = index_size;
        m->index = malloc(index_size * sizeof(*m->index));
        m->cgroups = calloc(c->max_cgroups, sizeof(struct watched *));
        /* One snapshot looks at the first SNAPSHOT_MAX processes of a cgroup: a bomb is judged
         * long before it has more, and lineage moves go round by round beyond that. */
        m->scratch_size = MIN((size_t) c->max_processes, (size_t) SNAPSHOT_MAX);
        m->pids = calloc(m->scratch_size, sizeof(*m->pids));
        m->stats = calloc(m->scratch_size, sizeof(*m->stats));
        m->scratch = calloc(m->scratch_size, sizeof(*m->scratch));
        if (!m->index || !m->cgroups || !m->pids || !m->stats || !m->scratch) {
                manager_free(TAKE_PTR(m));
                return -ENOMEM;
        }
        index_rebuild(m);

        r = sd_event_default(&m->event);
        if (r < 0) {
                manager_free(TAKE_PTR(m));
                return r;
        }

        *ret = TAKE_PTR(m);
        return 0;
}

void manager_free(struct manager *m) {
        if (!m)
                return;
        incidents_close_all(m);
        events_close(m);
        for (size_t i = 0; i < m->n_cgroups; i++)
                watched_free(m, m->cgroups[i]);
        sd_event_source_unref(m->tick);
        sd_event_source_unref(m->inotify_source);
        sd_event_unref(m->event);
        if (m->inotify_fd >= 0)
                (void) close(m->inotify_fd);
        if (m->proc_fd >= 0)
                (void) close(m->proc_fd);
        free(m->cgroups);
        free(m->index);
        free(m->pids);
        free(m->stats);
        free(m->scratch);
        free(m->seeds);
        lineage_free(m->lineage);
        free(m);
}

int manager_start(struct manager *m) {
        char desc[1024];
        int r;

        r = layout_discover("/proc/self/mountinfo", &m->layout);
        if (r < 0)
                return log_error_errno(r, "Failed to find a cgroup v2 mount in '/proc/self/mountinfo': %s",
                                       strerror(-r));
        layout_describe(&m->layout, desc, sizeof(desc));
        log_info("Cgroup layout %s", desc);

        m->proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (m->proc_fd < 0)
                return log_error_errno(errno, "Failed to open '/proc': %s", strerror(errno));
        r = read_self_cgroup(m);
        if (r < 0)
                return log_error_errno(r, "Failed to read our own cgroup from '/proc/self/cgroup': %s",
                                       strerror(-r));

        m->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (m->inotify_fd < 0)
                return log_error_errno(errno, "Failed to create an inotify instance: %s", strerror(errno));
        r = sd_event_add_io(m->event, &m->inotify_source, m->inotify_fd, EPOLLIN, on_inotify, m);
        if (r < 0)
                return log_error_errno(r, "Failed to watch inotify events: %s", strerror(-r));

        if (m->config.lineage) {
                r = events_open(m);
                if (r < 0)
                        log_warning("Fork events unavailable (%s): following cgroup counters and /proc "
                                    "only, bombs are seen later",
                                    strerror(-r));
        }

        r = manager_rescan(m);
        if (r < 0)
                return r;
        manager_sample(m, now_usec());

        r = sd_event_add_time_relative(m->event, &m->tick, CLOCK_MONOTONIC,
                                       m->config.sample_interval_msec * USEC_PER_MSEC, 1000, on_tick, m);
        if (r < 0)
                return log_error_errno(r, "Failed to add the sampling timer: %s", strerror(-r));
        (void) sd_event_source_set_priority(m->tick, SD_EVENT_PRIORITY_NORMAL);

        log_info("Ready: following %zu cgroups under %zu watched subtrees, fork events %s%s",
                 m->n_cgroups, m->config.n_watch, m->netlink_fd >= 0 ? "on" : "off",
                 m->config.dry_run ? ", dry run: no action will be taken" : "");
        (void) sd_notify(0, "READY=1");
        update_status(m, now_usec());
        return 0;
}

int manager_reload(struct manager *m) {
        struct config c;
        char err[1024];
        int r;

        (void) sd_notify(0, "RELOADING=1");
        r = config_load(m->config_path, &c, err, sizeof(err));
        if (r < 0) {
                log_error("Reload failed: %s; keeping the previous configuration", err);
                (void) sd_notify(0, "READY=1\n"
                                    "STATUS=Reload failed, running with the previous configuration");
                return r;
        }
        if (c.max_cgroups != m->config.max_cgroups || c.max_processes != m->config.max_processes)
                log_warning("max_cgroups and max_processes take effect only at restart, ignoring their "
                            "new values");
        c.max_cgroups = m->config.max_cgroups;
        c.max_processes = m->config.max_processes;

        if (c.lineage && m->netlink_fd < 0) {
                r = events_open(m);
                if (r < 0)
                        log_warning("Fork events unavailable (%s), ignoring", strerror(-r));
        } else if (!c.lineage && m->netlink_fd >= 0)
                events_close(m);

        m->config = c;
        events_set_window(m);
        (void) manager_rescan(m);
        log_info("Reloaded configuration from '%s'", m->config_path);
        m->status_at = 0;
        (void) sd_notify(0, "READY=1");
        return 0;
}
