/* SPDX-License-Identifier: MIT */
/* Small helpers shared by every module: cleanup attributes, time units, sizes. */
#pragma once

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef uint64_t usec_t;

#define USEC_PER_MSEC ((usec_t) 1000ULL)
#define USEC_PER_SEC ((usec_t) 1000000ULL)
#define USEC_INFINITY ((usec_t) UINT64_MAX)

/* Value of pids.max "max": no limit. */
#define PIDS_MAX_UNLIMITED UINT64_MAX

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))

static inline void freep(void *p) {
        free(*(void **) p);
}

static inline void closep(int *fd) {
        if (*fd >= 0) {
                int saved = errno;

                (void) close(*fd);
                errno = saved;
        }
}

static inline void fclosep(FILE **f) {
        if (*f)
                (void) fclose(*f);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Returns the value of p and sets p to NULL: an explicit hand-over of ownership. */
#define TAKE_PTR(p)                                                                     \
        ({                                                                              \
                __typeof__(p) _took = (p);                                              \
                (p) = NULL;                                                             \
                _took;                                                                  \
        })

#define TAKE_FD(fd)                                                                     \
        ({                                                                              \
                int _took = (fd);                                                       \
                (fd) = -1;                                                              \
                _took;                                                                  \
        })

/* Converts the -1/errno convention of libc to a negative errno, on the spot. */
static inline int negative_errno(void) {
        return errno > 0 ? -errno : -EIO;
}

/* Errors a scan tolerates: the process or cgroup vanished between listing and reading. */
static inline int errno_is_gone(int r) {
        return r == -ENOENT || r == -ESRCH || r == -ENODEV;
}

usec_t now_usec(void);
