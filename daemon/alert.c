/* SPDX-License-Identifier: MIT */
/* Structured alert records for the journal, or one line each on stderr. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include "alert.h"
#include "log.h"
#include "macro.h"

#define ALERT_MAX_FIELDS 24
#define ALERT_FIELD_MAX 1200

struct fields {
        char text[ALERT_MAX_FIELDS][ALERT_FIELD_MAX];
        size_t n;
};

static void add(struct fields *f, const char *name, const char *fmt, ...) _printf_(3, 4);

static void add(struct fields *f, const char *name, const char *fmt, ...) {
        va_list ap;
        int n;

        if (f->n >= ALERT_MAX_FIELDS)
                return;
        n = snprintf(f->text[f->n], ALERT_FIELD_MAX, "%s=", name);
        if (n < 0)
                return;
        va_start(ap, fmt);
        (void) vsnprintf(f->text[f->n] + n, ALERT_FIELD_MAX - (size_t) n, fmt, ap);
        va_end(ap);
        f->n++;
}

static void add_str(struct fields *f, const char *name, const char *value) {
        if (value && value[0])
                add(f, name, "%s", value);
}

static const char *event_name(enum alert_event e) {
        static const char *const names[] = {
                [ALERT_DETECTED] = "detected",
                [ALERT_ACTION] = "action",
                [ALERT_REFUSED] = "refused",
                [ALERT_HEALTH] = "health",
        };

        return names[e];
}

static const char *message_id(enum alert_event e) {
        static const char *const ids[] = {
                [ALERT_DETECTED] = FORKSTOP_MID_DETECTED,
                [ALERT_ACTION] = FORKSTOP_MID_ACTION,
                [ALERT_REFUSED] = FORKSTOP_MID_REFUSED,
                [ALERT_HEALTH] = FORKSTOP_MID_HEALTH,
        };

        return ids[e];
}

static void build(const struct alert *a, uint64_t monotonic_usec, struct fields *f) {
        f->n = 0;
        add(f, "MESSAGE", "%s", a->message);
        add(f, "MESSAGE_ID", "%s", message_id(a->event));
        add(f, "PRIORITY", "%d", a->priority);
        add(f, "FORKSTOP_EVENT", "%s", event_name(a->event));
        add_str(f, "FORKSTOP_KIND", a->kind);
        add_str(f, "FORKSTOP_CGROUP", a->cgroup);
        add_str(f, "FORKSTOP_UNIT", a->unit);
        add_str(f, "FORKSTOP_USER", a->user);
        if (a->have_uid)
                add(f, "FORKSTOP_UID", "%u", (unsigned) a->uid);
        add_str(f, "FORKSTOP_ACTION", a->action);
        add_str(f, "FORKSTOP_SCOPE", a->scope);
        add_str(f, "FORKSTOP_RESULT", a->result);
        add_str(f, "FORKSTOP_INCIDENT_CGROUP", a->incident_cgroup);
        if (a->event != ALERT_HEALTH) {
                add(f, "FORKSTOP_TASKS", "%" PRIu64, a->tasks);
                if (a->pids_max == PIDS_MAX_UNLIMITED)
                        add(f, "FORKSTOP_PIDS_MAX", "max");
                else
                        add(f, "FORKSTOP_PIDS_MAX", "%" PRIu64, a->pids_max);
                add(f, "FORKSTOP_FORKS_REFUSED", "%" PRIu64, a->refused);
                add(f, "FORKSTOP_GROWTH_PER_SEC", "%.0f", a->growth_per_sec);
                add(f, "FORKSTOP_GENERATIONS", "%u", a->generations);
        }
        if (a->root_pid > 0)
                add(f, "FORKSTOP_ROOT_PID", "%d", (int) a->root_pid);
        add_str(f, "FORKSTOP_ROOT_COMMAND", a->root_command);
        add(f, "FORKSTOP_DRY_RUN", "%s", a->dry_run ? "yes" : "no");
        add(f, "FORKSTOP_MONOTONIC_USEC", "%" PRIu64, monotonic_usec);
}

static bool needs_quotes(const char *v) {
        return v[0] == '\0' || strpbrk(v, " \t\n\"\\") != NULL;
}

static size_t append_quoted(char *buf, size_t size, size_t at, const char *v) {
        if (at + 1 < size)
                buf[at++] = '"';
        for (; *v && at + 3 < size; v++) {
                if (*v == '"' || *v == '\\') {
                        buf[at++] = '\\';
                        buf[at++] = *v;
                } else if (*v == '\n') {
                        buf[at++] = '\\';
                        buf[at++] = 'n';
                } else
                        buf[at++] = *v;
        }
        if (at + 1 < size)
                buf[at++] = '"';
        return at;
}

void alert_format_line(const struct alert *a, uint64_t monotonic_usec, char *buf, size_t size) {
        struct fields f;
        size_t at;
        int n;

        build(a, monotonic_usec, &f);
        n = snprintf(buf, size, "%s |", a->message);
        at = n < 0 ? 0 : MIN((size_t) n, size - 1);

        /* Field 0 is MESSAGE, already written in front. */
        for (size_t i = 1; i < f.n && at + 2 < size; i++) {
                const char *eq = strchr(f.text[i], '=');
                size_t name_len = (size_t) (eq - f.text[i]) + 1;

                buf[at++] = ' ';
                if (at + name_len >= size)
                        break;
                memcpy(buf + at, f.text[i], name_len);
                at += name_len;
                if (needs_quotes(eq + 1))
                        at = append_quoted(buf, size, at, eq + 1);
                else {
                        n = snprintf(buf + at, size - at, "%s", eq + 1);
                        at = n < 0 ? at : MIN(at + (size_t) n, size - 1);
                }
        }
        buf[MIN(at, size - 1)] = '\0';
}

void alert_emit(const struct alert *a) {
        static struct fields f; /* 28 KiB: static, the daemon is single-threaded */
        uint64_t mono = now_usec();

        if (log_to_journal()) {
                struct iovec iov[ALERT_MAX_FIELDS];
                int r;

                build(a, mono, &f);
                for (size_t i = 0; i < f.n; i++)
                        iov[i] = (struct iovec) { .iov_base = f.text[i], .iov_len = strlen(f.text[i]) };
                r = sd_journal_sendv(iov, (int) f.n);
                if (r >= 0)
                        return;
                log_warning_errno(r, "Failed to send alert to the journal: %s", strerror(-r));
        }

        {
                static char line[8192];

                alert_format_line(a, mono, line, sizeof(line));
                (void) fprintf(stderr, "forkstopd: %s\n", line);
        }
}

void alert_append_message(struct alert *a, const char *fmt, ...) {
        size_t at = strnlen(a->message, sizeof(a->message));
        va_list ap;

        if (at + 1 >= sizeof(a->message))
                return;
        va_start(ap, fmt);
        (void) vsnprintf(a->message + at, sizeof(a->message) - at, fmt, ap);
        va_end(ap);
}

void alert_set_message(struct alert *a, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        (void) vsnprintf(a->message, sizeof(a->message), fmt, ap);
        va_end(ap);
}
