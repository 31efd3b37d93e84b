/* SPDX-License-Identifier: MIT */
/* Containment: freezing or killing a cgroup, or moving one lineage into an incident cgroup of
 * its own and acting there; incidents that wait for a grace period or an operator. */
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#include "alert.h"
#include "fileio.h"
#include "log.h"
#include "manager.h"

#define MOVE_ROUNDS 64

/* The user name from /etc/passwd, read directly: NSS could reach a network service, and this
 * runs while the machine is starved. Unknown uids are written as numbers. */
static void user_name(uid_t uid, char *buf, size_t size) {
        _cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
        char line[1024];

        (void) snprintf(buf, size, "%u", (unsigned) uid);
        if (!f)
                return;
        while (fgets(line, sizeof(line), f)) {
                char *name = strtok(line, ":"), *pw = strtok(NULL, ":"), *id = strtok(NULL, ":");

                if (name && pw && id && strtoul(id, NULL, 10) == uid) {
                        (void) snprintf(buf, size, "%s", name);
                        return;
                }
        }
}

/* Copies of root that can speak for it once root has exited (a shell bomb's first processes
 * exit at once): copies share root's command line and user. Returns how many were found. */
static size_t stand_ins(struct manager *m, const struct finding *f, pid_t *buf, size_t max) {
        size_t n = 0;

        if (f->from_lineage && m->lineage) {
                pid_t got[16];
                size_t k = lineage_members(m->lineage, f->root_pid, got, ELEMENTSOF(got));

                k = MIN(k, ELEMENTSOF(got));

                for (size_t i = 0; i < k && n < max; i++)
                        if (got[i] != f->root_pid)
                                buf[n++] = got[i];
        }
        for (size_t i = 0; i < f->snapshot_n; i++)
                if (f->snapshot[i].pid == f->root_pid)
                        for (size_t k = 0; k < f->snapshot_n && n < max; k++)
                                if (k != i && f->snapshot[k].state != 'Z' &&
                                    strcmp(f->snapshot[k].comm, f->snapshot[i].comm) == 0)
                                        buf[n++] = f->snapshot[k].pid;
        return n;
}

/* Reads a command line that names something: a zombie's is empty and reads as "[comm]". */
static bool read_command(struct manager *m, pid_t pid, char *buf, size_t size) {
        return pid > 0 && proc_read_cmdline(m->proc_fd, pid, buf, size) > 0 && buf[0] != '[';
}

/* Whether f->root_pid still names the process the finding is about: alive, not a zombie, and
 * started when the snapshot or the lineage table says. PIDs wrap within seconds during a bomb
 * on hosts with pid_max 32768, so a bare PID is not enough. */
static bool root_is_current(struct manager *m, const struct finding *f) {
        long hz = sysconf(_SC_CLK_TCK);
        struct proc_stat st;

        if (proc_read_stat(m->proc_fd, f->root_pid, &st) < 0 || st.state == 'Z')
                return false;
        for (size_t i = 0; i < f->snapshot_n; i++)
                if (f->snapshot[i].pid == f->root_pid)
                        return f->snapshot[i].start_time == st.start_time;
        if (f->from_lineage && f->root_start > 0 && hz > 0) {
                usec_t started = st.start_time * USEC_PER_SEC / (usec_t) hz;
                usec_t diff = started > f->root_start ? started - f->root_start : f->root_start - started;

                /* Clock ticks are 10 ms; the table stamps births from kernel event times. */
                return diff <= 100 * USEC_PER_MSEC;
        }
        return true;
}

static void gather_facts(struct manager *m, const struct finding *f, const char *cgroup, struct facts *ret) {
        pid_t who = f->root_pid;

        memset(ret, 0, sizeof(*ret));
        cgroup_unit_from_path(cgroup, ret->unit, sizeof(ret->unit));
        if (who <= 0)
                return;
        /* A root that exited (a shell bomb's first processes do at once) is described by a live
         * copy of it: same command line, same user. */
        if (!root_is_current(m, f) || !read_command(m, who, ret->command, sizeof(ret->command))) {
                pid_t others[8];
                size_t n = stand_ins(m, f, others, ELEMENTSOF(others));

                who = 0;
                for (size_t i = 0; i < n && who == 0; i++)
                        if (read_command(m, others[i], ret->command, sizeof(ret->command)))
                                who = others[i];
                if (who == 0) {
                        (void) snprintf(ret->command, sizeof(ret->command), "(exited)");
                        return;
                }
        }
        if (proc_read_uid(m->proc_fd, who, &ret->uid) >= 0) {
                ret->have_uid = true;
                user_name(ret->uid, ret->user, sizeof(ret->user));
        }
}

static struct alert alert_base(const struct manager *m, enum alert_event e, const struct finding *f,
                               const char *cgroup, const struct facts *x) {
        const struct watched *w = m->cgroups[f->source];

        return (struct alert) {
                .event = e,
                .kind = f->kind,
                .cgroup = cgroup,
                .unit = x->unit,
                .user = x->user,
                .uid = x->uid,
                .have_uid = x->have_uid,
                .root_pid = f->root_pid,
                .root_command = x->command,
                .tasks = f->tasks,
                .pids_max = manager_effective_max(m, w),
                .refused = f->refused,
                .growth_per_sec = f->growth_per_sec,
                .generations = f->generations,
                .dry_run = m->config.dry_run,
        };
}

static int incident_alloc(struct manager *m) {
        for (int i = 0; i < MAX_INCIDENTS; i++)
                if (m->incidents[i].state == INCIDENT_FREE) {
                        struct incident *in = &m->incidents[i];

                        memset(in, 0, sizeof(*in));
                        in->dir_fd = -1;
                        in->pids_fd = -1;
                        in->id = ++m->next_incident_id;
                        in->kill_at = USEC_INFINITY;
                        in->started_at = now_usec();
                        return i;
                }
        return -ENOSPC;
}

static void incident_release(struct manager *m, struct incident *in) {
        int w = manager_find(m, in->source);

        if (w >= 0 && m->cgroups[w]->incident == (int) (in - m->incidents))
                m->cgroups[w]->incident = -1;
        if (in->owned && in->state == INCIDENT_KILLED) {
                char full[CGROUP_PATH_MAX];

                if (cgroup_join(m->layout.v2_root, in->path, full, sizeof(full)) >= 0 && rmdir(full) < 0 &&
                    errno != ENOENT)
                        log_warning("Failed to remove incident cgroup '%s': %s, ignoring", in->path,
                                    strerror(errno));
                if (in->pids_fd >= 0 &&
                    cgroup_join(m->layout.pids_v1_root, in->path, full, sizeof(full)) >= 0)
                        (void) rmdir(full);
        }
        if (in->dir_fd >= 0)
                (void) close(in->dir_fd);
        if (in->pids_fd >= 0)
                (void) close(in->pids_fd);
        in->dir_fd = -1;
        in->pids_fd = -1;
        in->state = INCIDENT_FREE;
}

bool incident_covers(const struct manager *m, int watched, pid_t root, usec_t root_start) {
        const char *path = m->cgroups[watched]->path;

        if (m->cgroups[watched]->incident >= 0)
                return true;
        for (size_t i = 0; i < MAX_INCIDENTS; i++) {
                const struct incident *in = &m->incidents[i];

                /* A killed lineage covers nothing: if its root shows up again, some of its
                 * processes escaped the move, and they need an incident of their own. */
                if (in->state != INCIDENT_FREE && in->state != INCIDENT_KILLED && root > 0 &&
                    in->root_pid == root && in->root_start == root_start && strcmp(in->source, path) == 0)
                        return true;
        }
        return false;
}

static void sleep_msec(unsigned msec) {
        struct timespec ts = { .tv_sec = 0, .tv_nsec = (long) msec * 1000000L };

        (void) nanosleep(&ts, NULL);
}

/* Waits until cgroup.events says frozen, at most timeout_msec. FACTS.md: about 2 ms for a
 * 64-task bomb; tasks forked meanwhile are frozen too. */
static bool wait_frozen(int dir_fd, unsigned timeout_msec) {
        for (unsigned waited = 0; waited <= timeout_msec; waited++) {
                bool frozen = false;

                if (cgroup_read_events(dir_fd, &frozen, NULL) < 0)
                        return false;
                if (frozen)
                        return true;
                sleep_msec(1);
        }
        return false;
}

static int pidfd_signal(pid_t pid, int sig) {
        _cleanup_close_ int fd = -1;

        /* A pidfd pins the process: the signal cannot reach a recycled PID. */
        fd = (int) syscall(SYS_pidfd_open, pid, 0);
        if (fd < 0)
                return negative_errno();
        if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0)
                return negative_errno();
        return 0;
}

/* Without cgroup.kill: freeze by signal and SIGKILL every process listed, until empty. */
static int kill_by_signals(struct manager *m, const struct watched *w) {
        for (unsigned round = 0; round < MOVE_ROUNDS; round++) {
                ssize_t n = cgroup_read_procs(&w->files, m->pids, m->scratch_size);

                if (n <= 0)
                        return (int) n;
                for (ssize_t i = 0; i < MIN(n, (ssize_t) m->scratch_size); i++)
                        if (m->pids[i] != getpid() && m->pids[i] != 1)
                                (void) pidfd_signal(m->pids[i], SIGKILL);
        }
        return -EBUSY;
}

/* What an operator types to release or end a frozen cgroup, at the end of an action record. */
static void append_thaw_hint(struct alert *a, const char *dir) {
        alert_append_message(a, "; thaw: 'echo 0 > %s/cgroup.freeze'", dir);
        alert_append_message(a, ", kill: 'echo 1 > %s/cgroup.kill'", dir);
}

static const char *result_of(int r) {
        return r < 0 ? "failed" : "done";
}

static void contain_cgroup(struct manager *m, const struct finding *f, const struct policy *p,
                           const struct facts *x, int slot) {
        struct watched *w = m->cgroups[f->source];
        struct incident *in = &m->incidents[slot];
        char full[CGROUP_PATH_MAX];
        struct alert a;
        int r = 0;

        in->scope = SCOPE_CGROUP;
        in->dir_fd = fcntl(w->files.dir_fd, F_DUPFD_CLOEXEC, 3);
        (void) snprintf(in->path, sizeof(in->path), "%s", w->path);
        (void) cgroup_join(m->layout.v2_root, w->path, full, sizeof(full));

        a = alert_base(m, ALERT_ACTION, f, w->path, x);
        a.priority = LOG_NOTICE;
        a.scope = "cgroup";

        if (p->action == ACTION_KILL) {
                r = cgroup_kill(w->files.dir_fd);
                if (r == -ENOENT) {
                        (void) cgroup_set_frozen(w->files.dir_fd, true);
                        r = kill_by_signals(m, w);
                }
                in->state = INCIDENT_KILLED;
                a.action = "kill";
                alert_set_message(&a, "Killed cgroup '%s' (%s)", w->path, x->unit[0] ? x->unit : "no unit");
        } else {
                r = cgroup_set_frozen(w->files.dir_fd, true);
                in->state = INCIDENT_FROZEN;
                if (p->action == ACTION_FREEZE_KILL)
                        in->kill_at = now_usec() + (usec_t) p->grace_sec * USEC_PER_SEC;
                a.action = "freeze";
                alert_set_message(&a, "Froze cgroup '%s' (%s)", w->path, x->unit[0] ? x->unit : "no unit");
        }
        alert_append_message(&a, ": %s bomb of %" PRIu64 " tasks, root %d '%s'", f->kind, f->tasks,
                             (int) f->root_pid, x->command);
        if (r < 0)
                alert_append_message(&a, ": %s failed", a.action);
        else if (p->action == ACTION_FREEZE_KILL)
                alert_append_message(&a, "; it will be killed after the grace period");
        else if (p->action == ACTION_FREEZE)
                alert_append_message(&a, "; it stays frozen until an operator acts");
        if (p->action != ACTION_KILL)
                append_thaw_hint(&a, full);
        a.result = result_of(r);
        if (r < 0)
                log_error_errno(r, "Failed to contain cgroup '%s': %s", w->path, strerror(-r));
        alert_emit(&a);
        w->incident = slot;
}

static int ensure_incident_parent(struct manager *m) {
        char full[CGROUP_PATH_MAX];

        if (m->incidents_parent_ready)
                return 0;
        if (cgroup_join(m->layout.v2_root, m->config.incident_parent, full, sizeof(full)) < 0)
                return -ENAMETOOLONG;
        if (mkdir(full, 0755) < 0 && errno != EEXIST)
                return negative_errno();
        /* On pure v2 the pids charge moves with the tasks: let incident cgroups have pids.max
         * so a thawed lineage cannot grow past the limit it came from. Best effort. */
        if (m->layout.pids_on_v2) {
                _cleanup_close_ int fd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

                if (fd >= 0)
                        (void) fileio_write_at(fd, "cgroup.subtree_control", "+pids");
        }
        m->incidents_parent_ready = true;
        return 0;
}

static bool in_cgroup(struct manager *m, pid_t pid, const char *path) {
        char cg[CGROUP_PATH_MAX];
        size_t len = strlen(path);

        if (proc_read_cgroup_v2(m->proc_fd, pid, cg, sizeof(cg)) < 0)
                return false;
        return strncmp(cg, path, len) == 0 && (cg[len] == '\0' || cg[len] == '/');
}

/* A runaway spawner and its crowd of children, of whatever image they exec'd, into m->pids:
 * the crowd is the harm, and it is not made of copies. */
static size_t runaway_now(struct manager *m, const struct finding *f, const struct watched *w) {
        ssize_t n = cgroup_read_procs(&w->files, m->pids, m->scratch_size);
        size_t k = 0;

        n = MIN(n, (ssize_t) m->scratch_size);
        for (ssize_t i = 0; i < n; i++) {
                pid_t pid = m->pids[i];
                struct proc_stat st;

                if (pid == f->root_pid ||
                    (m->lineage && lineage_parent_of(m->lineage, pid) == f->root_pid) ||
                    (proc_read_stat(m->proc_fd, pid, &st) >= 0 && st.ppid == f->root_pid))
                        m->pids[k++] = pid;
        }
        return k;
}

/* The lineage's current members into m->pids. */
static size_t lineage_now(struct manager *m, const struct finding *f, const struct watched *w,
                          bool *ret_fresh) {
        struct tree_shape shape;
        size_t n;

        if (strcmp(f->kind, "threads") == 0) {
                m->pids[0] = f->root_pid;
                return 1;
        }
        if (strcmp(f->kind, "runaway") == 0)
                return runaway_now(m, f, w);
        if (f->from_lineage && m->lineage) {
                (void) events_drain(m);
                n = lineage_members(m->lineage, f->root_pid, m->pids, m->scratch_size);
                return MIN(n, m->scratch_size);
        }
        /* From /proc: the cgroup is frozen now, so one fresh snapshot is complete. */
        if (*ret_fresh)
                return 0;
        *ret_fresh = true;
        n = manager_snapshot(m, w);
        tree_analyze(m->stats, n, m->scratch, &shape);
        return MIN(tree_members(m->stats, n, f->root_pid, m->pids, m->scratch_size), m->scratch_size);
}

/* Moves the members listed in m->pids[0..n-1] that are still inside the source cgroup into the
 * incident cgroup (and its v1 pids twin). Returns how many moved. */
static size_t move_members(struct manager *m, size_t n, const char *source, const struct incident *in) {
        size_t moved = 0;

        for (size_t i = 0; i < n; i++) {
                pid_t pid = m->pids[i];

                if (pid == getpid() || pid <= 1 || !in_cgroup(m, pid, source))
                        continue;
                if (cgroup_attach(in->dir_fd, pid) < 0)
                        continue;
                moved++;
                if (in->pids_fd >= 0)
                        (void) cgroup_attach(in->pids_fd, pid);
        }
        return moved;
}

/* Without a v2 freezer: stop (or kill) each member through a pidfd, round after round, until
 * a round finds no member it has not signalled yet. */
static size_t signal_lineage(struct manager *m, const struct finding *f, const struct watched *w,
                             int sig) {
        size_t total = 0;
        bool fresh = false;

        for (unsigned round = 0; round < MOVE_ROUNDS; round++) {
                size_t n = lineage_now(m, f, w, &fresh), hit = 0;

                for (size_t i = 0; i < n; i++) {
                        pid_t pid = m->pids[i];

                        if (pid == getpid() || pid <= 1 || !in_cgroup(m, pid, w->path))
                                continue;
                        if (pidfd_signal(pid, sig) >= 0)
                                hit++;
                }
                total += hit;
                if (hit == 0 || sig == SIGSTOP)
                        break;
        }
        return total;
}

/* A bomb can start as several lineages at once: a shell runs both halves of ':|:' itself,
 * so each half is a lineage of its own. The shared cgroup is frozen now: judge what is left in
 * it and take every other exponential lineage into the same incident. */
static size_t move_other_lineages(struct manager *m, const struct policy *p, const struct watched *w,
                                  const struct incident *in, pid_t root) {
        struct lineage_params lp = events_params_for(p);
        size_t moved = 0;
        pid_t parent;

        if (!m->lineage)
                return 0;
        parent = lineage_parent_of(m->lineage, root);
        if (parent <= 0)
                return 0;
        for (unsigned round = 0; round < 8; round++) {
                ssize_t n = cgroup_read_procs(&w->files, m->pids, m->scratch_size);
                pid_t roots[16];
                size_t n_roots = 0, got = 0;

                n = MIN(n, (ssize_t) m->scratch_size);
                for (ssize_t i = 0; i < n && n_roots < ELEMENTSOF(roots); i++) {
                        struct lineage_verdict v;
                        bool known = false;

                        /* Another half of the same bomb: a sibling of its root (forked by the same
                         * process, as recorded at fork time), holding a share of the growth itself.
                         * Never the shell the bomb was started from, nor one of its other jobs. */
                        if (!lineage_check(m->lineage, m->pids[i], &lp, now_usec(), &v) ||
                            v.kind != LINEAGE_EXPONENTIAL || v.members < MAX(2u, p->min_tasks / 4) ||
                            v.births == 0 || v.root_pid == root ||
                            lineage_parent_of(m->lineage, v.root_pid) != parent)
                                continue;
                        for (size_t k = 0; k < n_roots; k++)
                                known = known || roots[k] == v.root_pid;
                        if (!known)
                                roots[n_roots++] = v.root_pid;
                }
                for (size_t k = 0; k < n_roots; k++) {
                        size_t members = lineage_members(m->lineage, roots[k], m->pids, m->scratch_size);

                        got += move_members(m, MIN(members, m->scratch_size), w->path, in);
                }
                log_debug("Sweep of '%s': %zd processes, %zu other bomb lineages, %zu moved", w->path, n,
                          n_roots, got);
                moved += got;
                if (got == 0)
                        break;
        }
        return moved;
}

/* On a hybrid host the pids controller is a v1 hierarchy: the incident gets a twin there, as
 * systemd gives every cgroup, so the moved lineage stops counting against the cgroup it left
 * (which would otherwise look capped by a bomb that is frozen elsewhere) and keeps the limit it
 * had. Best effort: without it the move still freezes the lineage. */
static void make_pids_twin(struct manager *m, struct incident *in, uint64_t limit) {
        char full[CGROUP_PATH_MAX], num[32];

        if (m->layout.pids_on_v2 || !m->layout.pids_v1_root[0])
                return;
        if (cgroup_join(m->layout.pids_v1_root, m->config.incident_parent, full, sizeof(full)) < 0 ||
            (mkdir(full, 0755) < 0 && errno != EEXIST))
                return;
        if (cgroup_join(m->layout.pids_v1_root, in->path, full, sizeof(full)) < 0 ||
            (mkdir(full, 0755) < 0 && errno != EEXIST))
                return;
        in->pids_fd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (in->pids_fd >= 0 && limit != PIDS_MAX_UNLIMITED) {
                (void) snprintf(num, sizeof(num), "%" PRIu64, limit);
                (void) fileio_write_at(in->pids_fd, "pids.max", num);
        }
}

/* Processes still in the frozen source cgroup whose fork events were not read yet when the
 * members were listed: a child of a member, or of a process already moved, is one too. */
static size_t move_stragglers(struct manager *m, const struct finding *f, const struct watched *w,
                              const struct incident *in) {
        size_t moved = 0;

        if (!m->lineage || f->root_pid <= 0)
                return 0;
        for (unsigned round = 0; round < 8; round++) {
                ssize_t n = cgroup_read_procs(&w->files, m->pids, m->scratch_size);
                size_t k = 0, got;

                if (n <= 0)
                        break;
                for (ssize_t i = 0; i < MIN(n, (ssize_t) m->scratch_size); i++) {
                        struct proc_stat st;
                        pid_t pid = m->pids[i];

                        if (proc_read_stat(m->proc_fd, pid, &st) < 0)
                                continue;
                        if (lineage_is_member(m->lineage, f->root_pid, pid) ||
                            lineage_is_member(m->lineage, f->root_pid, st.ppid) ||
                            in_cgroup(m, st.ppid, in->path))
                                m->pids[k++] = pid;
                }
                got = move_members(m, k, w->path, in);
                moved += got;
                if (got == 0)
                        break;
        }
        return moved;
}

static int make_incident_cgroup(struct manager *m, struct incident *in, uint64_t limit) {
        char full[CGROUP_PATH_MAX];
        int r;

        r = ensure_incident_parent(m);
        if (r < 0)
                return r;
        (void) snprintf(in->path, sizeof(in->path), "%s/incident-%u-%d", m->config.incident_parent,
                        in->id, (int) in->root_pid);
        if (cgroup_join(m->layout.v2_root, in->path, full, sizeof(full)) < 0)
                return -ENAMETOOLONG;
        if (mkdir(full, 0755) < 0 && errno != EEXIST)
                return negative_errno();
        in->owned = true;
        in->dir_fd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (in->dir_fd < 0)
                return negative_errno();
        make_pids_twin(m, in, limit);
        return 0;
}

/* froze: contain() froze the source cgroup for this move; it is thawed here when done. */
static void contain_lineage(struct manager *m, const struct finding *f, const struct policy *p,
                            const struct facts *x, int slot, bool froze) {
        struct watched *w = m->cgroups[f->source];
        struct incident *in = &m->incidents[slot];
        bool fresh = false, signals = false;
        size_t moved = 0, rounds = 0;
        char full[CGROUP_PATH_MAX];
        usec_t t0 = now_usec();
        struct alert a;
        int r;

        in->scope = SCOPE_LINEAGE;
        a = alert_base(m, ALERT_ACTION, f, w->path, x);
        a.priority = LOG_NOTICE;
        a.scope = "lineage";

        r = make_incident_cgroup(m, in, manager_effective_max(m, w));
        if (r >= 0)
                r = cgroup_set_frozen(in->dir_fd, true);
        if (r < 0) {
                /* No cgroup to move into, or no v2 freezer there: signals through pidfds. */
                log_warning("Cannot use an incident cgroup for '%s' (%s): stopping the lineage with "
                            "signals instead",
                            w->path, strerror(-r));
                signals = true;
        }

        if (!signals) {
                /* A running bomb outruns any move (FACTS.md): freeze the shared cgroup, move the
                 * frozen lineage into the frozen incident cgroup, then thaw the shared cgroup. The
                 * innocents sharing it are paused for that moment only. */
                if (froze) {
                        bool done = wait_frozen(w->files.dir_fd, 100);

                        log_debug("Froze '%s' for the move: %s after %" PRIu64 " ms", w->path,
                                  done ? "frozen" : "not yet frozen", (now_usec() - t0) / USEC_PER_MSEC);
                }
                for (; rounds < MOVE_ROUNDS; rounds++) {
                        size_t n = lineage_now(m, f, w, &fresh), got;

                        got = move_members(m, n, w->path, in);
                        log_debug("Lineage move round %zu: %zu members listed, %zu moved, %" PRIu64 " ms",
                                  rounds, n, got, (now_usec() - t0) / USEC_PER_MSEC);
                        moved += got;
                        if (got == 0)
                                break;
                }
                if (f->from_lineage) {
                        moved += move_other_lineages(m, p, w, in, f->root_pid);
                        moved += move_stragglers(m, f, w, in);
                }
                if (froze)
                        (void) cgroup_set_frozen(w->files.dir_fd, false);

                if (p->action == ACTION_KILL) {
                        r = cgroup_kill(in->dir_fd);
                        in->state = INCIDENT_KILLED;
                } else {
                        in->state = INCIDENT_FROZEN;
                        if (p->action == ACTION_FREEZE_KILL)
                                in->kill_at = now_usec() + (usec_t) p->grace_sec * USEC_PER_SEC;
                }
        } else {
                moved = signal_lineage(m, f, w, p->action == ACTION_KILL ? SIGKILL : SIGSTOP);
                if (froze)
                        (void) cgroup_set_frozen(w->files.dir_fd, false);
                in->state = p->action == ACTION_KILL ? INCIDENT_KILLED : INCIDENT_FROZEN;
                if (p->action == ACTION_FREEZE_KILL)
                        in->kill_at = now_usec() + (usec_t) p->grace_sec * USEC_PER_SEC;
                in->path[0] = '\0';
                r = moved > 0 ? 0 : -ESRCH;
        }

        a.action = p->action == ACTION_KILL ? "kill" : "freeze";
        a.result = result_of(r);
        a.incident_cgroup = in->path;
        (void) cgroup_join(m->layout.v2_root, in->path, full, sizeof(full));
        alert_set_message(&a, "%s the lineage of %d '%s' in cgroup '%s' (%s)",
                          p->action == ACTION_KILL ? "Killed" : signals ? "Stopped" : "Froze",
                          (int) f->root_pid, x->command, w->path, x->unit[0] ? x->unit : "no unit");
        if (signals)
                alert_append_message(&a, " by signals: %s bomb, %zu processes", f->kind, moved);
        else
                alert_append_message(&a, ": %s bomb, %zu processes moved to '%s' in %" PRIu64 " ms", f->kind,
                                     moved, in->path, (now_usec() - t0) / USEC_PER_MSEC);
        if (p->action == ACTION_FREEZE_KILL)
                alert_append_message(&a, "; it will be killed after the grace period");
        else if (p->action == ACTION_FREEZE)
                alert_append_message(&a, "; it stays frozen until an operator acts");
        if (!signals && p->action != ACTION_KILL)
                append_thaw_hint(&a, full);
        alert_emit(&a);
        log_debug("Lineage move of %zu processes took %zu rounds", moved, rounds + 1);
}

static void alert_detected(struct manager *m, const struct finding *f, const struct facts *x,
                           const struct policy *p, enum scope scope) {
        const struct watched *w = m->cgroups[f->source];
        struct alert a = alert_base(m, ALERT_DETECTED, f, w->path, x);

        a.priority = LOG_WARNING;
        a.action = action_to_string(p->action);
        a.scope = scope_to_string(scope);
        alert_set_message(&a, "Fork bomb (%s) in cgroup '%s' (%s), user %s", f->kind, w->path,
                          x->unit[0] ? x->unit : "no unit", x->user[0] ? x->user : "unknown");
        alert_append_message(&a, ": %" PRIu64 " tasks, %.0f new tasks/s, %u generations, root %d '%s'",
                             f->tasks, f->growth_per_sec, f->generations, (int) f->root_pid, x->command);
        alert_append_message(&a, "; policy: %s, scope %s", action_to_string(p->action),
                             scope_to_string(scope));
        if (m->config.dry_run)
                alert_append_message(&a, " (dry run: nothing will be done)");
        alert_emit(&a);
}

void contain(struct manager *m, const struct finding *f) {
        struct watched *w = m->cgroups[f->source];
        bool acting, was_frozen = false, froze = false;
        const struct policy *p;
        struct facts x;
        enum scope scope;
        int slot;

        if (w->protected_ || w->exempt || incident_covers(m, f->source, f->root_pid, f->root_start))
                return;

        p = config_policy_for(&m->config, w->path);
        scope = policy_scope_for(p, w->path);
        /* Lineage scope needs a root; a capped cgroup without a visible tree is contained whole. */
        if (scope == SCOPE_LINEAGE && f->root_pid <= 0)
                scope = SCOPE_CGROUP;

        /* Freeze first, describe afterwards: a C bomb grows from 25 to 600 tasks in the few
         * milliseconds that reading /proc, writing the alert and making the incident cgroup take.
         * Either scope starts from a frozen cgroup; a lineage move thaws it when done. */
        slot = incident_alloc(m);
        acting = slot >= 0 && !m->config.dry_run && p->action != ACTION_LOG;
        if (acting && cgroup_read_freeze(w->files.dir_fd, &was_frozen) >= 0 && !was_frozen)
                froze = cgroup_set_frozen(w->files.dir_fd, true) >= 0;

        gather_facts(m, f, w->path, &x);
        alert_detected(m, f, &x, p, scope);
        if (slot < 0) {
                log_error("%d incidents are open already: cannot act on cgroup '%s', ignoring",
                          MAX_INCIDENTS, w->path);
                return;
        }
        m->incidents[slot].root_pid = f->root_pid;
        m->incidents[slot].root_start = f->root_start;
        m->incidents[slot].kind = f->kind;
        m->incidents[slot].facts = x;
        m->incidents[slot].tasks = f->tasks;
        m->incidents[slot].pids_max = manager_effective_max(m, w);
        m->incidents[slot].refused = f->refused;
        m->incidents[slot].growth_per_sec = f->growth_per_sec;
        m->incidents[slot].generations = f->generations;
        (void) snprintf(m->incidents[slot].source, sizeof(m->incidents[slot].source), "%s", w->path);

        if (m->config.dry_run || p->action == ACTION_LOG) {
                struct alert a = alert_base(m, ALERT_ACTION, f, w->path, &x);

                a.priority = LOG_NOTICE;
                a.action = m->config.dry_run ? action_to_string(p->action) : "log";
                a.scope = scope_to_string(scope);
                a.result = m->config.dry_run ? "dry-run" : "done";
                alert_set_message(&a, "%s cgroup '%s' (%s bomb, root %d '%s')",
                                m->config.dry_run ? "Dry run: would act on" : "Policy 'log': left alone",
                                w->path, f->kind, (int) f->root_pid, x.command);
                alert_emit(&a);
                /* Nothing was done, so the bomb goes on: hold the whole cgroup as seen, whatever
                 * the scope, or every sample would report it again. */
                m->incidents[slot].state = INCIDENT_WATCHED;
                w->incident = slot;
                return;
        }

        if (scope == SCOPE_LINEAGE)
                contain_lineage(m, f, p, &x, slot, froze);
        else
                contain_cgroup(m, f, p, &x, slot);
}

static void incident_kill_now(struct manager *m, struct incident *in) {
        struct alert a = {
                .event = ALERT_ACTION,
                .priority = LOG_NOTICE,
                .kind = in->kind,
                .cgroup = in->source,
                .unit = in->facts.unit,
                .user = in->facts.user,
                .uid = in->facts.uid,
                .have_uid = in->facts.have_uid,
                .action = "kill",
                .scope = scope_to_string(in->scope),
                .incident_cgroup = in->owned ? in->path : NULL,
                .root_pid = in->root_pid,
                .root_command = in->facts.command,
                .tasks = in->tasks,
                .pids_max = in->pids_max,
                .refused = in->refused,
                .growth_per_sec = in->growth_per_sec,
                .generations = in->generations,
                .dry_run = m->config.dry_run,
        };
        int r = in->dir_fd >= 0 ? cgroup_kill(in->dir_fd) : -EBADF;

        a.result = result_of(r);
        alert_set_message(&a, "Grace period over: killed '%s' (%s bomb, root %d '%s')%s",
                          in->path[0] ? in->path : in->source, in->kind, (int) in->root_pid,
                          in->facts.command, r < 0 ? ": kill failed" : "");
        alert_emit(&a);
        in->state = INCIDENT_KILLED;
        in->started_at = now_usec();
}

void incidents_tick(struct manager *m, usec_t now) {
        for (size_t i = 0; i < MAX_INCIDENTS; i++) {
                struct incident *in = &m->incidents[i];
                bool frozen = true, populated = true;

                switch (in->state) {
                case INCIDENT_FREE:
                        break;
                case INCIDENT_WATCHED:
                        if (now - in->started_at >= (usec_t) m->config.alert_interval_sec * USEC_PER_SEC)
                                incident_release(m, in);
                        break;
                case INCIDENT_FROZEN:
                        if (in->dir_fd < 0)
                                break;
                        if (cgroup_read_freeze(in->dir_fd, &frozen) < 0) {
                                incident_release(m, in); /* the cgroup is gone */
                                break;
                        }
                        if (!frozen) {
                                log_notice("Cgroup '%s' was thawed by an operator%s", in->path,
                                           in->kill_at != USEC_INFINITY ? ": its kill is cancelled" : "");
                                incident_release(m, in);
                        } else if (now >= in->kill_at)
                                incident_kill_now(m, in);
                        break;
                case INCIDENT_KILLED:
                        if (in->dir_fd < 0 || cgroup_read_events(in->dir_fd, NULL, &populated) < 0 ||
                            !populated)
                                incident_release(m, in);
                        else if (now - in->started_at > 10 * USEC_PER_SEC) {
                                /* Tasks that survived a kill: try again, once per 10 s. */
                                (void) cgroup_kill(in->dir_fd);
                                in->started_at = now;
                        }
                        break;
                }
        }
}

void incidents_close_all(struct manager *m) {
        for (size_t i = 0; i < MAX_INCIDENTS; i++) {
                if (m->incidents[i].dir_fd >= 0)
                        (void) close(m->incidents[i].dir_fd);
                if (m->incidents[i].pids_fd >= 0)
                        (void) close(m->incidents[i].pids_fd);
                m->incidents[i].dir_fd = -1;
                m->incidents[i].pids_fd = -1;
        }
}
