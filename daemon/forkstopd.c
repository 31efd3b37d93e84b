/* SPDX-License-Identifier: MIT */
/* forkstopd: command line, process set-up (memory lock, real-time priority), and the loop. */
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <systemd/sd-daemon.h>

#include "config.h"
#include "log.h"
#include "manager.h"

#define DEFAULT_CONFIG SYSCONFDIR "/forkstop/forkstop.conf"

struct options {
        const char *config_path;
        const char *check_path;
        bool dry_run;
        bool quiet;
};

static void help(void) {
        printf("Usage: forkstopd [OPTIONS]\n"
               "Detect fork bombs in cgroups and contain them by policy.\n\n"
               "  -c, --config FILE        configuration file (default %s)\n"
               "  -n, --check-config FILE  check FILE, print the effective configuration, exit\n"
               "  -q, --quiet              with --check-config: print only errors\n"
               "  -d, --dry-run            detect and log, never freeze or kill\n"
               "  -h, --help               show this help\n"
               "  -V, --version            show the version\n",
               DEFAULT_CONFIG);
}

/* Returns 1 to run, 0 to exit successfully, a negative errno on a usage error. */
static int parse_args(int argc, char **argv, struct options *o) {
        static const struct option longopts[] = {
                { "config", required_argument, NULL, 'c' },
                { "check-config", required_argument, NULL, 'n' },
                { "dry-run", no_argument, NULL, 'd' },
                { "quiet", no_argument, NULL, 'q' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                {},
        };
        int c;

        *o = (struct options) { .config_path = DEFAULT_CONFIG };
        while ((c = getopt_long(argc, argv, "c:n:dqhV", longopts, NULL)) >= 0) {
                switch (c) {
                case 'c':
                        o->config_path = optarg;
                        break;
                case 'n':
                        o->check_path = optarg;
                        break;
                case 'd':
                        o->dry_run = true;
                        break;
                case 'q':
                        o->quiet = true;
                        break;
                case 'h':
                        help();
                        return 0;
                case 'V':
                        printf("forkstopd %s\n", FORKSTOP_VERSION);
                        return 0;
                default:
                        return -EINVAL;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "forkstopd: unexpected argument '%s'\n", argv[optind]);
                return -EINVAL;
        }
        return 1;
}

static int check_config(const char *path, bool quiet) {
        struct config c;
        char err[1024];

        if (config_load(path, &c, err, sizeof(err)) < 0) {
                fprintf(stderr, "%s\n", err);
                return 1;
        }
        if (!quiet)
                config_print(&c, stdout);
        return 0;
}

/* A bomb starves a normal-priority process for a second or more (FACTS.md): ask for
 * SCHED_FIFO, and lock memory so a page-in never stalls us while the machine thrashes.
 * MCL_ONFAULT locks each page once touched rather than every page of every mapping: without
 * it the whole of libc, libsystemd and its compression libraries would be resident, about
 * 30 MiB, for code the daemon never runs. */
static void harden_process(const struct config *c) {
        if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) < 0)
                log_warning("Failed to lock memory: %s, ignoring", strerror(errno));
        if (c->realtime_priority > 0) {
                struct sched_param sp = { .sched_priority = (int) c->realtime_priority };

                if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) < 0)
                        log_warning("Failed to get real-time priority %u: %s; bombs may starve us",
                                    c->realtime_priority, strerror(errno));
        }
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        struct manager *m = userdata;

        if (si->ssi_signo == SIGHUP) {
                (void) manager_reload(m);
                return 0;
        }
        log_info("Stopping on signal %s", strsignal((int) si->ssi_signo));
        (void) sd_notify(0, "STOPPING=1");
        return sd_event_exit(sd_event_source_get_event(s), 0);
}

static int run(const struct options *o) {
        struct manager *m = NULL;
        struct config c;
        sigset_t mask;
        char err[1024];
        int r;

        log_setup();
        r = config_load(o->config_path, &c, err, sizeof(err));
        if (r < 0) {
                log_error("%s", err);
                return 1;
        }
        if (o->dry_run)
                c.dry_run = true;

        harden_process(&c);
        r = manager_new(&c, o->config_path, &m);
        if (r < 0) {
                log_error_errno(r, "Failed to set up: %s", strerror(-r));
                return 1;
        }

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        (void) sigprocmask(SIG_BLOCK, &mask, NULL);
        (void) sd_event_add_signal(m->event, NULL, SIGTERM, on_signal, m);
        (void) sd_event_add_signal(m->event, NULL, SIGINT, on_signal, m);
        (void) sd_event_add_signal(m->event, NULL, SIGHUP, on_signal, m);
        (void) sd_event_set_watchdog(m->event, true);

        r = manager_start(m);
        if (r >= 0)
                r = sd_event_loop(m->event);
        manager_free(m);
        if (r < 0) {
                log_error_errno(r, "Stopped on error: %s", strerror(-r));
                return 1;
        }
        log_info("Stopped");
        return 0;
}

int main(int argc, char **argv) {
        struct options o;
        int r;

        r = parse_args(argc, argv, &o);
        if (r <= 0)
                return r < 0 ? 2 : 0;
        if (o.check_path)
                return check_config(o.check_path, o.quiet);
        return run(&o);
}
