#!/bin/bash
# SPDX-License-Identifier: MIT
# Test bomb: one worker starting `sleep 600` children without bound (linear, not exponential).
. "${0%/*}/fst-limit.sh"
fst_require_limit
while :; do
        sleep 600 &
done
