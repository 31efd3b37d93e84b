#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Legitimate burst: a pre-forking server; the parent forks 64 workers that serve a shared
listening socket for a few seconds while the parent makes requests, then reaps them."""

import os
import socket
import sys
import time

WORKERS = 64
SERVE_SEC = float(os.environ.get("FST_PREFORK_SEC", "3"))


def serve(lsock, until):
    lsock.settimeout(0.2)
    while time.monotonic() < until:
        try:
            conn, _ = lsock.accept()
        except socket.timeout:
            continue
        with conn:
            conn.sendall(b"ok %d\n" % os.getpid())
    os._exit(0)


def main():
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(64)
    port = lsock.getsockname()[1]
    until = time.monotonic() + SERVE_SEC
    pids = []
    for _ in range(WORKERS):
        pid = os.fork()
        if pid == 0:
            serve(lsock, until)
        pids.append(pid)
    served = 0
    while time.monotonic() < until - 0.5:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as c:
            if c.recv(64).startswith(b"ok"):
                served += 1
        time.sleep(0.01)
    failed = 0
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        failed += status != 0
    print("prefork: %d workers, %d requests served" % (WORKERS, served))
    sys.exit(1 if failed or served == 0 else 0)


if __name__ == "__main__":
    main()
