/* SPDX-License-Identifier: MIT */
/* Structured alerts: one journal record per detection, action and refused-forks episode, with
 * our own MESSAGE_IDs (explained in systemd/forkstop.catalog). Without a journal (stderr is not
 * connected to it, JOURNAL_STREAM unset), the same record is one line on stderr:
 *   forkstopd: <MESSAGE> | FORKSTOP_EVENT=detected FORKSTOP_CGROUP=/a/b ... MESSAGE_ID=...
 * values that contain spaces, quotes or backslashes are double-quoted with C escapes. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define FORKSTOP_MID_DETECTED "6ccc5f0401fb462a8b2784d96ef4d072"
#define FORKSTOP_MID_ACTION "81b313cfc65f48f686ae0e56c1d62b9b"
#define FORKSTOP_MID_REFUSED "608f0be3035842a8b0919a99e8a7ebfc"
#define FORKSTOP_MID_HEALTH "a5b3e7c6b58546dfbe7a66450980aaff"
