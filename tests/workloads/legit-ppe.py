#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Legitimate burst: concurrent.futures.ProcessPoolExecutor(max_workers=48) over 2000 jobs."""

import concurrent.futures


def job(x):
    return sum(i * i for i in range(200)) + x


if __name__ == "__main__":
    with concurrent.futures.ProcessPoolExecutor(max_workers=48) as ex:
        out = list(ex.map(job, range(2000)))
    assert len(out) == 2000
