/* SPDX-License-Identifier: MIT */
/* Small-file I/O on descriptors: the hot path reads counters with one pread each. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"

ssize_t fileio_pread_str(int fd, char *buf, size_t size) {
        ssize_t n;

        if (size == 0)
                return -EINVAL;

        n = pread(fd, buf, size - 1, 0);
        if (n < 0)
                return negative_errno();

        buf[n] = '\0';
        return n;
}

ssize_t fileio_read_at(int dirfd, const char *name, char *buf, size_t size) {
        _cleanup_close_ int fd = -1;

        fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();

        return fileio_pread_str(fd, buf, size);
}

int fileio_read_full_at(int dirfd, const char *name, size_t max_bytes, char **ret_buf,
                        size_t *ret_len) {
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, allocated = 4096;

        fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();

        buf = malloc(allocated);
        if (!buf)
                return -ENOMEM;

        for (;;) {
                ssize_t n;

                if (allocated - len < 2) {
                        char *grown;

                        if (allocated >= max_bytes)
                                return -EFBIG;
                        allocated = MIN(allocated * 2, max_bytes);
                        grown = realloc(buf, allocated);
                        if (!grown)
                                return -ENOMEM;
                        buf = grown;
                }

                n = read(fd, buf + len, allocated - len - 1);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (n == 0)
                        break;
                len += (size_t) n;
        }

        buf[len] = '\0';
        *ret_buf = TAKE_PTR(buf);
        if (ret_len)
                *ret_len = len;
        return 0;
}

int fileio_write_at(int dirfd, const char *name, const char *s) {
        _cleanup_close_ int fd = -1;
        size_t len = strlen(s);
        ssize_t n;

        fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();

        n = write(fd, s, len);
        if (n < 0)
                return negative_errno();
        if ((size_t) n != len)
                return -EIO;

        return 0;
}

int fileio_parse_u64(const char *s, int allow_max, uint64_t *ret) {
        unsigned long long v;
        char *end;

        if (allow_max && (strcmp(s, "max") == 0 || strcmp(s, "max\n") == 0)) {
                *ret = UINT64_MAX;
                return 0;
        }

        if (*s < '0' || *s > '9')
                return -EINVAL;

        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        if (*end == '\n')
                end++;
        if (*end != '\0')
                return -EINVAL;

        *ret = (uint64_t) v;
        return 0;
}
