#!/bin/bash
# SPDX-License-Identifier: MIT
# Lineage test workload: starts two innocent `sleep 600` children, then the bomb given as
# arguments. Writes the innocents' PIDs (one a line) to $FST_INNOCENTS and the bomb's root PID
# to $FST_BOMB_ROOT. Waits for everything.
. "${0%/*}/fst-limit.sh"
fst_require_limit
: > "$FST_INNOCENTS"
sleep 600 &
echo $! >> "$FST_INNOCENTS"
sleep 600 &
echo $! >> "$FST_INNOCENTS"
sleep 0.3
"$@" &
echo $! > "$FST_BOMB_ROOT"
wait
