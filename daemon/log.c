/* SPDX-License-Identifier: MIT */
/* Plain log lines for operators. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"

static bool to_journal;
static int max_level = LOG_INFO;

void log_setup(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        to_journal = e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) == 0 &&
                     st.st_dev == dev && st.st_ino == ino;
        if (getenv("FORKSTOP_DEBUG"))
                max_level = LOG_DEBUG;
}

bool log_to_journal(void) {
        return to_journal;
}

void log_set_max_level(int level) {
        max_level = level;
}

int log_full(int level, int error, const char *fmt, ...) {
        int saved = errno;
        char line[2048];
        va_list ap;

        if (level <= max_level) {
                va_start(ap, fmt);
                (void) vsnprintf(line, sizeof(line), fmt, ap);
                va_end(ap);
                if (to_journal)
                        (void) fprintf(stderr, "<%d>%s\n", level, line);
                else
                        (void) fprintf(stderr, "forkstopd: %s\n", line);
        }

        errno = saved;
        return error == 0 ? 0 : -abs(error);
}
