/* SPDX-License-Identifier: MIT */
/* The netlink proc connector: subscription and allocation-free decoding of its datagrams. */
#include <assert.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "macro.h"
#include "procev.h"

/* The header of every proc event, before its union: what, cpu, timestamp_ns. */
#define EVENT_HEADER_SIZE offsetof(struct proc_event, event_data)

static int send_op(int fd, enum proc_cn_mcast_op op) {
        struct {
                struct nlmsghdr nl;
                struct cn_msg cn;
                uint32_t op;
        } __attribute__((packed)) msg = {
                .nl.nlmsg_len = sizeof(msg),
                .nl.nlmsg_type = NLMSG_DONE,
                .nl.nlmsg_pid = 0, /* the kernel fills in our port */
                .cn.id.idx = CN_IDX_PROC,
                .cn.id.val = CN_VAL_PROC,
                .cn.len = sizeof(uint32_t),
                .op = (uint32_t) op,
        };
        struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
        ssize_t n;

        n = sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *) &kernel, sizeof(kernel));
        if (n < 0)
                return negative_errno();
        if ((size_t) n != sizeof(msg))
                return -EIO;
        return 0;
}

int procev_open(size_t rcvbuf_bytes) {
        _cleanup_close_ int fd = -1;
        struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC };
        int size = (int) MIN(rcvbuf_bytes, (size_t) INT32_MAX);
        int r;

        fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR);
        if (fd < 0)
                return negative_errno();

        /* The kernel doubles the value and caps SO_RCVBUF at net.core.rmem_max; only
         * SO_RCVBUFFORCE (CAP_NET_ADMIN) gets a buffer large enough to ride out a bomb. */
        if (size > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0 &&
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0)
                return negative_errno();

        /* Some kernels reserve CN_IDX_PROC to CAP_NET_ADMIN (-EPERM); 6.18 lets anyone bind. */
        if (bind(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0)
                return negative_errno();

        r = send_op(fd, PROC_CN_MCAST_LISTEN);
        if (r < 0)
                return r;

        return TAKE_FD(fd);
}

void procev_close(int fd) {
        if (fd < 0)
                return;
        (void) send_op(fd, PROC_CN_MCAST_IGNORE);
        (void) close(fd);
}

/* Decodes one connector payload. Returns 1 when out was filled with a used event, 0 for a
 * message to skip, -EINVAL when the payload is too short for what it claims to be. */
static int parse_event(const struct cn_msg *cn, const uint8_t *data, struct procev *out) {
        struct proc_event ev;
        size_t need;

        if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC)
                return 0;
        if (cn->len < EVENT_HEADER_SIZE)
                return -EINVAL;

        /* The payload may be unaligned and, on older kernels, shorter than today's struct:
         * copy what is there and check each type against the part of the union it uses. */
        memset(&ev, 0, sizeof(ev));
        memcpy(&ev, data, MIN((size_t) cn->len, sizeof(ev)));

        switch (ev.what) {
        case PROC_EVENT_FORK:
                need = sizeof(ev.event_data.fork);
                break;
        case PROC_EVENT_EXEC:
                need = sizeof(ev.event_data.exec);
                break;
        case PROC_EVENT_EXIT:
        case PROC_EVENT_COMM:
                /* process_pid and process_tgid lead both; exit codes, the parent and the new
                 * name are not used */
                need = 2 * sizeof(__kernel_pid_t);
                break;
        default:
                return 0;
        }
        if (cn->len < EVENT_HEADER_SIZE + need)
                return -EINVAL;

        *out = (struct procev) {
                .cpu = (int) ev.cpu,
                .timestamp_ns = ev.timestamp_ns,
        };
        switch (ev.what) {
        case PROC_EVENT_FORK:
                out->type = PROCEV_FORK;
                out->pid = ev.event_data.fork.child_pid;
                out->tgid = ev.event_data.fork.child_tgid;
                out->parent_pid = ev.event_data.fork.parent_pid;
                out->parent_tgid = ev.event_data.fork.parent_tgid;
                break;
        case PROC_EVENT_EXEC:
                out->type = PROCEV_EXEC;
                out->pid = ev.event_data.exec.process_pid;
                out->tgid = ev.event_data.exec.process_tgid;
                break;
        case PROC_EVENT_EXIT:
                out->type = PROCEV_EXIT;
                out->pid = ev.event_data.exit.process_pid;
                out->tgid = ev.event_data.exit.process_tgid;
                break;
        default:
                out->type = PROCEV_COMM;
                out->pid = ev.event_data.comm.process_pid;
                out->tgid = ev.event_data.comm.process_tgid;
                break;
        }
        return 1;
}

/* The kernel sends one event per datagram, but a datagram may carry several netlink messages;
 * the walk handles any number. Connector messages carry the type NLMSG_DONE: here it marks a
 * payload, not the end of a multipart reply. NLMSG_NOOP, NLMSG_ERROR and other types are
 * skipped. Once out is full the remaining messages are still validated but not decoded: callers
 * pass room for every event a datagram can hold. buf must be 4-byte aligned, as recv() fills it;
 * the connector payload inside is copied out, so its own alignment does not matter. */
int procev_parse(const void *buf, size_t len, struct procev *out, size_t max) {
        const struct nlmsghdr *nl = buf;
        int left;
        size_t n = 0;

        assert(buf || len == 0);
        assert(out || max == 0);

        if (len > INT32_MAX)
                return -EINVAL;

        /* A signed length: NLMSG_NEXT may step past the end of an unpadded last message. */
        for (left = (int) len; NLMSG_OK(nl, left); nl = NLMSG_NEXT(nl, left)) {
                const uint8_t *payload = NLMSG_DATA(nl);
                size_t payload_len = nl->nlmsg_len - NLMSG_HDRLEN;
                struct cn_msg cn;
                struct procev ev;
                int r;

                if (nl->nlmsg_type != NLMSG_DONE)
                        continue;

                if (payload_len < sizeof(cn))
                        return -EINVAL;
                memcpy(&cn, payload, sizeof(cn));
                if (cn.len > payload_len - sizeof(cn))
                        return -EINVAL;

                r = parse_event(&cn, payload + sizeof(cn), &ev);
                if (r < 0)
                        return r;
                if (r > 0 && n < max)
                        out[n++] = ev;
        }

        /* Bytes left that do not form a whole message: a truncated datagram. */
        if (left > 0)
                return -EINVAL;
        return (int) MIN(n, (size_t) INT32_MAX);
}
