#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Test bomb: multiprocessing workers that each start two more workers, recursively.

Usage: bomb-mp.py fork|forkserver|spawn [pool]. Workers are ctx.Process objects, which are not
daemonic and so may have children of their own. With "pool", every worker instead runs a
ProcessPoolExecutor (whose workers are not daemonic since Python 3.9) that submits the same job
twice, so pools create pools. A worker that cannot start a child (pids.max reached) sleeps.
"""

import concurrent.futures
import multiprocessing
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fstlimit  # noqa: E402


def grow_process(method):
    ctx = multiprocessing.get_context(method)
    children = []
    for _ in range(2):
        try:
            p = ctx.Process(target=grow_process, args=(method,))
            p.start()
            children.append(p)
        except Exception:
            time.sleep(1)
    for p in children:
        p.join()
    time.sleep(600)


def grow_pool(method):
    ctx = multiprocessing.get_context(method)
    try:
        with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=ctx) as ex:
            futures = [ex.submit(grow_pool, method) for _ in range(2)]
            for f in futures:
                f.result()
    except Exception:
        pass
    time.sleep(600)


def main():
    method = sys.argv[1] if len(sys.argv) > 1 else "fork"
    fstlimit.require_limit()
    if len(sys.argv) > 2 and sys.argv[2] == "pool":
        grow_pool(method)
    else:
        grow_process(method)


if __name__ == "__main__":
    main()
