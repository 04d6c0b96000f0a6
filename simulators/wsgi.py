"""A WSGI factory for servers that import their application (granian, gunicorn, waitress-serve).

    INTEROP_SERVE_SYSTEM=records granian --interface wsgi --factory simulators.wsgi:create ...

Each worker process calls `create()` and builds its own app from the `INTEROP_*` variables, as
`python -m simulators.serve` does; the population is loaded once beforehand (serve.py does that
in the parent), so a worker only finds it in place. Its traffic log is flushed at exit.
"""

from __future__ import annotations

import atexit
import os
import sys
from typing import Any

from simulators.serve import BASE_URL_VAR, GIL_SWITCH_SECONDS, SYSTEM_VAR, build_app


def create() -> Any:
    """The simulator named by INTEROP_SERVE_SYSTEM, configured from the environment."""
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    system = os.environ[SYSTEM_VAR]
    overrides = {"base_url": os.environ[BASE_URL_VAR]} if os.environ.get(BASE_URL_VAR) else {}
    app = build_app(system, **overrides)
    atexit.register(app.extensions["interop"].close)
    return app
