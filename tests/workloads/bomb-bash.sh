#!/bin/bash
# SPDX-License-Identifier: MIT
# Test bomb: the classic bash fork bomb, run by bash -c; refuses to start without a pids limit.
. "${0%/*}/fst-limit.sh"
fst_require_limit
exec bash -c ':(){ :|:& };:'
