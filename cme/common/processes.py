"""Which process is doing a long job, so that the next one can tell a job whose process was killed part-way.

A job records `process_label()` (host and process id) when it starts; a later job that finds it still marked as
running asks `process_gone(label)`: true only when the label names this host and no such process exists. A job on
another host is never judged (the stale-progress rule covers it).
"""

import os
import socket


def process_label() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def process_gone(label: str) -> bool:
    host, _, pid = (label or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, as another user
        return False
    return False
