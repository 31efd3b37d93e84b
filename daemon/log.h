/* SPDX-License-Identifier: MIT */
/* Operator log lines: to the journal through stderr with <N> priority prefixes when systemd
 * connected stderr to it, else plain lines prefixed "forkstopd: " on stderr. */
#pragma once

#include <stdbool.h>
#include <syslog.h>

#include "macro.h"

/* Decides once whether stderr is the journal (JOURNAL_STREAM names stderr's device:inode). */
void log_setup(void);

/* True when stderr is connected to the journal, so alerts go there as structured records. */
bool log_to_journal(void);

void log_set_max_level(int level);

/* Logs a line at a syslog level. Returns -abs(error) when error is non-zero, else 0, so
 * "return log_error_errno(r, ...)" reads naturally. %m in fmt is not supported: pass error
 * and use strerror in the message. */
int log_full(int level, int error, const char *fmt, ...) _printf_(3, 4);

#define log_debug(...) log_full(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...) log_full(LOG_INFO, 0, __VA_ARGS__)
#define log_notice(...) log_full(LOG_NOTICE, 0, __VA_ARGS__)
#define log_warning(...) log_full(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...) log_full(LOG_ERR, 0, __VA_ARGS__)
#define log_warning_errno(e, ...) log_full(LOG_WARNING, (e), __VA_ARGS__)
#define log_error_errno(e, ...) log_full(LOG_ERR, (e), __VA_ARGS__)
