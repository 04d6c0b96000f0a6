#!/usr/bin/env python3
"""HEALTHCHECK of the simulator image: every port the entry point serves must answer /health with 200.

A container running another command (`interop verify ...`) serves nothing and counts as healthy.
"""

import sys
import urllib.request
from pathlib import Path

PORTS_FILE = Path("/tmp/interop-health-ports")


def main() -> int:
    if not PORTS_FILE.exists():
        return 0
    for port in PORTS_FILE.read_text().split():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as resp:
                if resp.status != 200:
                    return 1
        except OSError as exc:
            print(f"port {port}: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
