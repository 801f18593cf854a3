#!/usr/bin/env python3
"""Holds COUNT idle TCP connections to HOST:PORT for SECONDS: connects, sends nothing, and
reconnects whenever the server closes one, so that COUNT stay open throughout. Prints how many
the server closed. Used by scripts/load-run.sh.
    scripts/idle-sockets.py 127.0.0.1 8080 300 20
"""
import selectors
import socket
import sys
import time

host, port, count, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
selector = selectors.DefaultSelector()
closed_by_server = 0
failed = 0


def open_one():
    global failed
    try:
        s = socket.create_connection((host, port), timeout=5)
        s.setblocking(False)
        selector.register(s, selectors.EVENT_READ)
        return True
    except OSError:
        failed += 1
        return False


opened = sum(open_one() for _ in range(count))
print(f"idle-sockets: {opened} of {count} open", flush=True)
deadline = time.monotonic() + seconds
while time.monotonic() < deadline:
    for key, _ in selector.select(timeout=0.2):
        s = key.fileobj
        try:
            data = s.recv(4096)
        except OSError:
            data = b""
        if not data:
            closed_by_server += 1
            selector.unregister(s)
            s.close()
            open_one()
open_now = len(selector.get_map())
print(f"idle-sockets: held {open_now} at the end; the server closed {closed_by_server}; {failed} connects failed", flush=True)
