"""The plugin is installed with the package (a pytest11 entry point) but changes nothing in a run
that does not ask for it: same collected items, same fixtures, no hooks of its own beyond the
`--interop-*` options; and a wrong use of those options is one clear line, not a traceback."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

import harness.pytest_plugin as entry_point
from harness.pytest_plugin.checks import InteropChecks
from tests.plugin.runner import run_pytest

PROJECT = {
    "pytest.ini": "[pytest]\naddopts = --strict-markers\n",
    "conftest.py": (
        "import pytest\n\n@pytest.fixture\ndef interop_ecosystem():\n    return 'the vendor own fixture'\n"
    ),
    "test_vendor.py": (
        "import pytest\n\n"
        "def test_uses_its_own_fixture(interop_ecosystem):\n"
        "    assert interop_ecosystem == 'the vendor own fixture'\n\n"
        "@pytest.mark.parametrize('n', [1, 2])\ndef test_other(n):\n    assert n\n"
    ),
}


@pytest.fixture
def vendor_project(tmp_path: Path) -> Path:
    for name, text in PROJECT.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def _stable(output: str) -> str:
    """Output without the lines that name plugins or timings."""
    lines = [line for line in output.splitlines() if not line.startswith(("plugins:", "rootdir:"))]
    return re.sub(r"in \d+\.\d+s", "in Ns", "\n".join(lines))


def test_the_entry_point_is_installed_and_only_adds_options(pytestconfig):
    assert pytestconfig.pluginmanager.get_plugin("interop") is entry_point
    assert pytestconfig.pluginmanager.get_plugin("interop-checks") is None
    hooks = sorted(name for name in vars(entry_point) if name.startswith("pytest_"))
    assert hooks == ["pytest_addoption", "pytest_configure"]


@pytest.mark.parametrize("listing", ["-v", "--fixtures"], ids=["run", "fixtures"])
def test_a_run_without_interop_options_is_unchanged(vendor_project, listing):
    with_plugin = run_pytest(vendor_project, listing)
    without = run_pytest(vendor_project, listing, "-p", "no:interop")
    assert with_plugin.returncode == without.returncode == 0, with_plugin.stdout + with_plugin.stderr
    assert _stable(with_plugin.stdout) == _stable(without.stdout)
    if listing == "-v":
        assert "3 passed" in with_plugin.stdout  # the vendor's own interop_ecosystem fixture was used
    assert "interop" not in _stable(with_plugin.stdout).replace("interop_ecosystem", "")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--interop-target", "http://127.0.0.1:9"], "--interop-target needs --interop-role ROLE"),
        (["--interop-role", "custody", "--interop-target", "http://127.0.0.1:9"], "is unreachable"),
    ],
    ids=["target-without-role", "unreachable"],
)
def test_a_wrong_use_is_one_clear_line(vendor_project, args, message):
    result = run_pytest(vendor_project, "-q", "--interop-report-dir", str(vendor_project / "report"), *args)
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("ERROR: ") and message in errors[0], result.stderr
    assert "Traceback" not in result.stdout + result.stderr


class _Options:
    """The parsed command line of a run, as InteropChecks reads it."""

    def __init__(self, **given):  # type: ignore[no-untyped-def]
        self.given = {"interop_role": "custody", "interop_target": "http://127.0.0.1:9", **given}
        self.pluginmanager = SimpleNamespace(get_plugin=lambda name: None)

    def getoption(self, name, default=None):  # type: ignore[no-untyped-def]
        return self.given.get(name, default)


@pytest.mark.parametrize(
    "given, message",
    [
        ({"interop_target": None}, "--interop-role needs --interop-target URL"),
        ({"interop_auth": "/nonexistent/auth.yaml"}, "interop: --interop-auth file /nonexistent/auth.yaml"),
        ({"interop_peer": ["records"]}, "interop: --interop-peer must look like ROLE=URL"),
        (
            {"interop_peer": ["custody=http://x:1"]},
            "interop: --interop-peer custody: that is the role under test",
        ),
    ],
    ids=["no-target", "no-auth-file", "bad-peer", "peer-is-the-target"],
)
def test_bad_options_are_refused_before_anything_starts(given, message, tmp_path):
    checks = InteropChecks(_Options(interop_report_dir=str(tmp_path / "report"), **given))  # type: ignore[arg-type]
    with pytest.raises(pytest.UsageError) as refused:
        checks._verify()
    assert message in str(refused.value)
    assert not (tmp_path / "report").exists()
