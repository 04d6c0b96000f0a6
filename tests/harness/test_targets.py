"""cmd: targets start on a free port and must answer /health in time (harness/targets.py, through
simulators.core.server.wait_for_health); each failure is one line naming what happened."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from harness.errors import InteropError
from harness.targets import open_target

PY = sys.executable


def test_a_command_that_exits_at_once_says_so_with_its_last_output(tmp_path: Path) -> None:
    raw = f"cmd:{PY} -c \"print('no licence file'); raise SystemExit(3)\" {{port}}"
    with pytest.raises(InteropError) as info, open_target(raw, report_dir=tmp_path, startup_timeout=30):
        pass
    said = str(info.value)
    assert said.startswith("the target process exited before it answered HTTP")
    assert "no licence file" in said
    assert info.value.exit_code == 2


def test_a_command_that_never_listens_times_out_naming_the_wait(tmp_path: Path) -> None:
    raw = f'cmd:{PY} -c "import time; time.sleep(30)" {{port}}'
    with pytest.raises(InteropError) as info, open_target(raw, report_dir=tmp_path, startup_timeout=1):
        pass
    assert "did not answer HTTP within 1s (ConnectionError)" in str(info.value)


def test_a_command_that_answers_is_the_target_until_the_block_ends(tmp_path: Path) -> None:
    server = (
        "import http.server as h, sys; "
        "h.test(h.BaseHTTPRequestHandler, port=int(sys.argv[1]), bind='127.0.0.1')"
    )
    with open_target(f'cmd:{PY} -c "{server}" {{port}}', report_dir=tmp_path, startup_timeout=30) as target:
        assert target.kind == "cmd" and target.base_url.startswith("http://127.0.0.1:")
        pid = target.info["pid"]
    with pytest.raises(ProcessLookupError):  # stopped and reaped when the block ended
        os.kill(pid, 0)
