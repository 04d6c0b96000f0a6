"""Peak resident memory of a running process, from the kernel's high-water mark (VmHWM).

The kernel keeps each process's peak RSS, so reading it after the load runs gives the peak over
the whole life of the simulator (population load, load runs) without sampling.
"""

from __future__ import annotations

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
