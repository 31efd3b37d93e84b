#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Legitimate burst: multiprocessing.Pool(48) mapping a short job over 2000 items."""

import multiprocessing


def job(x):
    return sum(i * i for i in range(200)) + x


if __name__ == "__main__":
    with multiprocessing.Pool(48) as pool:
        out = pool.map(job, range(2000))
    assert len(out) == 2000
