/* SPDX-License-Identifier: MIT */
/* Test launcher: starts one workload inside capped test cgroups and reaps its whole tree. */

/* Usage: fst-launch [-c CGROUP_DIR]... [-d DEADLINE_MSEC] [-s START_FILE] [-p PID_FILE]
 *                   -- PROGRAM [ARG]...
 *
 * The launcher itself stays where it was started, outside the test cgroups, so that a daemon
 * killing a whole bomb cgroup cannot take the reaper down with it (on this machine PID 1 does not
 * reap orphans, and a killed bomb's tasks stay charged to pids.current until they are reaped).
 * Its forked child joins every CGROUP_DIR (writes its PID to CGROUP_DIR/cgroup.procs), checks
 * that a pids.max <= 4096 holds it (else exit 3: no bomb starts without a limit), records
 * CLOCK_MONOTONIC in microseconds to START_FILE and its PID to PID_FILE, and execs PROGRAM.
 * The launcher is a child subreaper: every orphan of the tree becomes its child and is reaped.
 * It exits when the tree is gone, with the workload's exit status (128+N for signal N); at the
 * deadline it SIGKILLs the tree (process group, cgroup.kill, cgroup.procs sweep), reaps it and
 * exits 124. Exit 2: bad usage or a cgroup could not be joined; 3: no pids limit; 127: exec.
 * After the fork the launcher runs SCHED_FIFO (priority 5, below the daemon under test) when it
 * may: FACTS.md measured that a normal-priority process gets no CPU for over a second while a C
 * bomb runs, and the deadline must hold even when nothing else contains the bomb. */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fst-limit.h"

#define MAX_CGROUPS 8
#define GIVE_UP_SEC 15

static volatile sig_atomic_t alarmed;
static volatile sig_atomic_t alarm_pid, alarm_code;

static void on_alarm(int sig, siginfo_t *si, void *uc) {
        (void) sig;
        (void) uc;
        alarm_pid = si->si_pid;
        alarm_code = si->si_code;
        alarmed = 1;
}

static int write_file(const char *path, const char *text) {
        int fd = open(path, O_WRONLY | O_CLOEXEC | O_CREAT | O_TRUNC, 0644);
        ssize_t n;

        if (fd < 0)
                return -errno;
        n = write(fd, text, strlen(text));
        if (n < 0) {
                int r = -errno;

                close(fd);
                return r;
        }
        close(fd);
        return 0;
}

static void arm(unsigned long msec) {
        struct itimerval it = { .it_value = { .tv_sec = msec / 1000, .tv_usec = (msec % 1000) * 1000 } };

        alarmed = 0;
        setitimer(ITIMER_REAL, &it, NULL);
}

/* One SIGKILL pass over a cgroup's members. Returns how many were signalled. */
static int sweep_once(const char *dir) {
        char path[4200];
        FILE *f;
        int pid, n = 0;

        snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
        f = fopen(path, "re");
        if (!f)
                return 0;
        while (fscanf(f, "%d", &pid) == 1)
                if (pid > 1 && pid != getpid() && kill(pid, SIGKILL) == 0)
                        n++;
        fclose(f);
        return n;
}

static void kill_tree(pid_t child, char **cgroups, int n_cgroups) {
        char path[4200];
        int i, round;

        kill(-child, SIGKILL);
        for (i = 0; i < n_cgroups; i++) {
                snprintf(path, sizeof(path), "%s/cgroup.kill", cgroups[i]);
                if (access(path, W_OK) == 0)
                        (void) write_file(path, "1");
        }
        for (round = 0; round < 1000; round++) {
                int left = 0;

                for (i = 0; i < n_cgroups; i++)
                        left += sweep_once(cgroups[i]);
                while (waitpid(-1, NULL, __WALL | WNOHANG) > 0)
                        ;
                if (left == 0)
                        break;
                usleep(1000);
        }
}

static void child_main(char **cgroups, int n_cgroups, const char *start_file, const char *pid_file,
                       char **argv) {
        char buf[64], path[4200];
        struct timespec ts;
        int i;

        setpgid(0, 0);
        signal(SIGALRM, SIG_DFL);
        {
                /* Never hand a real-time priority on to a workload. */
                struct sched_param sp = { .sched_priority = 0 };

                (void) sched_setscheduler(0, SCHED_OTHER, &sp);
        }
        for (i = 0; i < n_cgroups; i++) {
                snprintf(path, sizeof(path), "%s/cgroup.procs", cgroups[i]);
                snprintf(buf, sizeof(buf), "%d\n", (int) getpid());
                if (write_file(path, buf) < 0) {
                        fprintf(stderr, "fst-launch: cannot join '%s': %m\n", cgroups[i]);
                        _exit(2);
                }
        }
        fst_require_limit("fst-launch");
        if (pid_file) {
                snprintf(buf, sizeof(buf), "%d\n", (int) getpid());
                (void) write_file(pid_file, buf);
        }
        if (start_file) {
                clock_gettime(CLOCK_MONOTONIC, &ts);
                snprintf(buf, sizeof(buf), "%llu\n",
                         (unsigned long long) ts.tv_sec * 1000000ULL +
                                 (unsigned long long) ts.tv_nsec / 1000);
                (void) write_file(start_file, buf);
        }
        execvp(argv[0], argv);
        fprintf(stderr, "fst-launch: cannot run '%s': %m\n", argv[0]);
        _exit(127);
}

int main(int argc, char **argv) {
        char *cgroups[MAX_CGROUPS];
        const char *start_file = NULL, *pid_file = NULL;
        unsigned long deadline_msec = 0;
        int n_cgroups = 0, opt, status = 0, child_status = -1, deadline_hit = 0, giving_up = 0;
        struct sigaction sa = { .sa_sigaction = on_alarm, .sa_flags = SA_SIGINFO };
        pid_t child;

        while ((opt = getopt(argc, argv, "+c:d:s:p:")) != -1) {
                switch (opt) {
                case 'c':
                        if (n_cgroups == MAX_CGROUPS)
                                return 2;
                        cgroups[n_cgroups++] = optarg;
                        break;
                case 'd':
                        deadline_msec = strtoul(optarg, NULL, 10);
                        break;
                case 's':
                        start_file = optarg;
                        break;
                case 'p':
                        pid_file = optarg;
                        break;
                default:
                        return 2;
                }
        }
        if (optind >= argc || n_cgroups == 0) {
                fputs("usage: fst-launch -c CGROUP_DIR [-d MSEC] [-s FILE] [-p FILE] -- PROG [ARG]...\n",
                      stderr);
                return 2;
        }
        if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
                perror("fst-launch: PR_SET_CHILD_SUBREAPER");
                return 2;
        }
        sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: waitpid() returns EINTR at the deadline */

        child = fork();
        if (child < 0) {
                perror("fst-launch: fork");
                return 2;
        }
        if (child == 0)
                child_main(cgroups, n_cgroups, start_file, pid_file, argv + optind);
        setpgid(child, child);
        {
                struct sched_param sp = { .sched_priority = 5 };

                (void) sched_setscheduler(0, SCHED_FIFO, &sp);
        }
        if (deadline_msec > 0)
                arm(deadline_msec);

        for (;;) {
                pid_t r = waitpid(-1, &status, __WALL);

                if (r == child)
                        child_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                if (r >= 0)
                        continue;
                if (errno == ECHILD)
                        break;
                if (errno != EINTR || !alarmed)
                        continue;
                if (giving_up) {
                        fprintf(stderr, "fst-launch: tree not gone %d s after the deadline, giving up\n",
                                GIVE_UP_SEC);
                        return 125;
                }
                deadline_hit = 1;
                if (getenv("FST_LAUNCH_DEBUG"))
                        fprintf(stderr, "fst-launch: deadline (SIGALRM from pid %d, code %d)\n",
                                (int) alarm_pid, (int) alarm_code);
                giving_up = 1;
                kill_tree(child, cgroups, n_cgroups);
                arm(GIVE_UP_SEC * 1000UL);
        }
        if (deadline_hit)
                return 124;
        return child_status < 0 ? 125 : child_status;
}
