"""Performance conformance (`interop verify --suite load`): workloads per role run on Locust.

The harness process never imports Locust (it monkey-patches the standard library with gevent on
import, which would change the tap's and the oracle's threads): the load runs in a child process
(`process.py`, Locust's Environment and runners), optionally as a master with worker processes
(`worker.py`). This package's other modules are plain Python: the workload data (`workload.py`),
service levels (`levels.py`), per-second figures (`timeline.py`), judging (`judge.py`) and the
report's charts (`charts.py`).
"""
