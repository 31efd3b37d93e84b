/* SPDX-License-Identifier: MIT */
/* The kernel's process events over the netlink proc connector (NETLINK_CONNECTOR,
 * CN_IDX_PROC): fork, exec, exit and comm, decoded without allocation. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum procev_type {
        PROCEV_NONE,  /* an event we do not use, or the subscription acknowledgement */
        PROCEV_FORK,  /* a new task: a process when child_pid == child_tgid, else a thread */
        PROCEV_EXEC,
        PROCEV_EXIT,  /* a task exited: the process when pid == tgid, else one thread */
        PROCEV_COMM,
};

struct procev {
        enum procev_type type;
        int cpu;
        uint64_t timestamp_ns; /* kernel monotonic time of the event */
        pid_t pid;             /* FORK: the child task; others: the task */
        pid_t tgid;            /* FORK: the child's tgid */
        pid_t parent_pid;      /* FORK only: the forking task */
        pid_t parent_tgid;     /* FORK only */
};

/* Opens a non-blocking, close-on-exec NETLINK_CONNECTOR socket bound to CN_IDX_PROC with a
 * receive buffer of rcvbuf_bytes (SO_RCVBUFFORCE, falling back to SO_RCVBUF), and sends
 * PROC_CN_MCAST_LISTEN. Returns the fd, or a negative errno (-EPERM without CAP_NET_ADMIN on
 * kernels that require it; 6.18 lets any user listen, but without CAP_NET_ADMIN the buffer is
 * capped at net.core.rmem_max; -EPROTONOSUPPORT on kernels without the connector). */
int procev_open(size_t rcvbuf_bytes);

/* Sends PROC_CN_MCAST_IGNORE and closes fd. */
void procev_close(int fd);

/* Decodes the proc events in one received datagram (one or more netlink messages) into
 * out[0..max-1]. Returns the number decoded (events of other types decode as PROCEV_NONE and
 * are skipped, not counted), or -EINVAL for a malformed datagram. Never allocates. */
int procev_parse(const void *buf, size_t len, struct procev *out, size_t max);
