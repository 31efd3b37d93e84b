# SPDX-License-Identifier: MIT
"""Imported by the Python bombs: exit 3 unless a pids.max <= 4096 holds this process."""

import os
import sys


def pids_limit():
    rel, v1 = None, False
    with open("/proc/self/cgroup") as f:
        for line in f:
            hid, ctrls, path = line.rstrip("\n").split(":", 2)
            if "pids" in ctrls.split(","):
                rel, v1 = path, True
                break
            if hid == "0" and ctrls == "":
                rel = path
    root = None
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, right = line.split(" - ", 1)
            mnt = left.split()[4]
            fstype, _, opts = right.split()[:3]
            if v1 and fstype == "cgroup" and "pids" in opts.split(","):
                root = mnt
                break
            if not v1 and fstype == "cgroup2":
                root = mnt
                break
    if root is None or rel is None:
        return None
    best = None
    d = root + ("" if rel == "/" else rel)
    while True:
        try:
            with open(os.path.join(d, "pids.max")) as f:
                v = f.read().strip()
            if v.isdigit() and (best is None or int(v) < best):
                best = int(v)
        except OSError:
            pass
        if len(d) <= len(root):
            break
        d = os.path.dirname(d)
    return best


def require_limit():
    best = pids_limit()
    if best is None or best > 4096:
        sys.stderr.write("%s: refusing to run: no pids.max <= 4096 holds this process\n"
                         % os.path.basename(sys.argv[0]))
        sys.exit(3)
