"""How long a process waited for a CPU: the sign of a load generator short of CPU on shared cores.

Kept apart from the load process (which imports Locust, and with it gevent's monkey-patching) so
that the judge and the tests can read it too.
"""

from __future__ import annotations

from pathlib import Path


def runqueue_wait_s() -> float | None:
    """Seconds this process's main thread has spent runnable but waiting for a CPU (Linux
    /proc/self/schedstat, second field, in nanoseconds); None where the kernel does not say.

    The load process runs every Locust user as a greenlet of its main thread, so that thread's wait
    is the generator's. A generator sharing its cores with other work is short of CPU without ever
    reaching 100 % of a core: its users then seem to wait on the product while they wait for the
    scheduler."""
    try:
        return int(Path("/proc/self/schedstat").read_text().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return None
