"""Peak resident memory of a running process, from the kernel's high-water mark (VmHWM).

The kernel keeps each process's peak RSS, so reading it after the load runs gives the peak over
the whole life of the simulator (population load, load runs) without sampling.
"""

from __future__ import annotations

import contextlib
from pathlib import Path


def peak_rss_mb(pid: int) -> float | None:
    """Peak RSS of `pid` in MB (10^6 bytes), None where /proc is not available (not Linux)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            kib = int(line.split()[1])
            return kib * 1024 / 1e6
    return None


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants: a simulator under granian is a parent and its worker processes."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = list(Path(f"/proc/{current}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            with contextlib.suppress(OSError):  # the task ended meanwhile
                todo.extend(int(c) for c in (task / "children").read_text().split())
    return found


def peak_rss_tree_mb(pid: int) -> float | None:
    """The largest peak RSS among `pid` and its workers (each process's own: they do not add up,
    since a worker forked from its parent shares the parent's pages until it writes them)."""
    peaks = [p for p in (peak_rss_mb(q) for q in process_tree(pid)) if p is not None]
    return max(peaks) if peaks else None


def serving_pid(pid: int) -> int:
    """The process that answers requests: the one worker of a granian parent, else `pid` itself."""
    children = process_tree(pid)[1:]
    return children[0] if len(children) == 1 else pid
