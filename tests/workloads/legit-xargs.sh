#!/bin/bash
# SPDX-License-Identifier: MIT
# Legitimate burst: xargs -P 48 over 2000 short jobs, alternately `true` and `sleep 0.01`.
set -e
seq 1 2000 | sed 's/.*[02468]$/sleep 0.01/; s/^[0-9]*$/true/' |
        xargs -P 48 -L 1 env
