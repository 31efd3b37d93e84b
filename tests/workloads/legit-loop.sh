#!/bin/bash
# SPDX-License-Identifier: MIT
# Legitimate burst: a shell loop running 3000 short commands one after another.
set -e
for ((i = 0; i < 3000; i++)); do
        /bin/true
done
