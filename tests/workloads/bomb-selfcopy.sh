#!/bin/bash
# SPDX-License-Identifier: MIT
# Test bomb: a script that starts two copies of itself and waits for them.
. "${0%/*}/fst-limit.sh"
fst_require_limit
"$0" & "$0" & wait
