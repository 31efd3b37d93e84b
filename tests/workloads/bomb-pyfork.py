#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Test bomb: a Python os.fork() bomb; refuses to start without a pids limit."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fstlimit  # noqa: E402

fstlimit.require_limit()
while True:
    try:
        os.fork()
    except OSError:
        pass
