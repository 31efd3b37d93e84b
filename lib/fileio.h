/* SPDX-License-Identifier: MIT */
/* Reading and writing small kernel files through descriptors, without stdio. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Reads up to size-1 bytes of the file at offset 0 of fd into buf and NUL-terminates it.
 * Returns the number of bytes read (>= 0) or a negative errno. Never allocates. */
ssize_t fileio_pread_str(int fd, char *buf, size_t size);

/* Opens name relative to dirfd (O_RDONLY|O_CLOEXEC) and reads it as fileio_pread_str() does.
 * Returns bytes read or a negative errno (-ENOENT when the file or its directory vanished). */
ssize_t fileio_read_at(int dirfd, const char *name, char *buf, size_t size);

/* Reads a whole file of unknown size (e.g. cgroup.procs) into a newly allocated, NUL-terminated
 * buffer. Returns 0 and sets *ret_buf, *ret_len, or a negative errno. Refuses files larger than
 * max_bytes with -EFBIG. */
int fileio_read_full_at(int dirfd, const char *name, size_t max_bytes, char **ret_buf,
                        size_t *ret_len);

/* Writes the string s to name relative to dirfd (O_WRONLY|O_CLOEXEC), in one write.
 * Returns 0 or a negative errno. */
int fileio_write_at(int dirfd, const char *name, const char *s);

/* Parses a decimal unsigned 64-bit number, allowing one trailing newline; "max" gives
 * UINT64_MAX when allow_max is set. Returns 0 or -EINVAL / -ERANGE. */
int fileio_parse_u64(const char *s, int allow_max, uint64_t *ret);
