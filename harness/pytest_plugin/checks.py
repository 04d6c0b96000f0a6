"""`pytest --interop-role ROLE --interop-target URL`: a verification run as test items.

The items must be known at collection time, and every pytest-xdist worker must collect the same
ones, so the verification runs exactly once, before collection, in the process pytest was started
in (the xdist controller, or the only process): `pytest_sessionstart` calls
`harness.commands.verify.run_verification`, which writes report.json, junit.xml and report.html
to the report folder. Each xdist worker is handed the path of that report.json
(`pytest_configure_node`) and collects its items from it; it never runs the harness. A process
that was given no report (a worker started some other way) runs the verification itself. Every
item then only replays its recorded result (harness/pytest_plugin/items.py).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from harness.pytest_plugin import options_of

WORKER_KEY = "interop_report_json"


class InteropChecks:
    """Registered by harness.pytest_plugin only when --interop-role is given."""

    NAME = "interop-checks"

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.role: str = config.getoption("interop_role")
        self.summary: dict[str, Any] | None = None
        self.report_dir: Path | None = None
        workerinput = getattr(config, "workerinput", None)
        self.given_report = workerinput.get(WORKER_KEY) if isinstance(workerinput, dict) else None

    # ------------------------------------------------------------------ running the verification

    @pytest.hookimpl(tryfirst=True)  # before xdist starts its workers (its sessionstart is trylast)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if self.given_report:
            self.report_dir = Path(self.given_report).parent
            self.summary = _read(Path(self.given_report))
            return
        self.summary = self._verify()

    def _verify(self) -> dict[str, Any]:
        from harness.auth import AuthConfig
        from harness.errors import InteropError
        from harness.verification import parse_peers, run_verification

        config = self.config
        target = config.getoption("interop_target")
        if not target:
            raise pytest.UsageError("--interop-role needs --interop-target URL (docs/pytest.md)")
        try:  # every option is checked before anything starts
            auth_file = config.getoption("interop_auth")
            auth = AuthConfig.load(Path(auth_file)) if auth_file else None
            peers = parse_peers(config.getoption("interop_peer"))
        except InteropError as exc:
            raise pytest.UsageError(_said(exc)) from None
        given_dir = config.getoption("interop_report_dir")
        self.report_dir = Path(given_dir) if given_dir else Path(tempfile.mkdtemp(prefix="interop-pytest-"))
        suites = list(config.getoption("interop_suite") or [])
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"interop: verifying {self.role} at {target} "
                f"({', '.join(suites) or 'all suites'}); report in {self.report_dir}"
            )
        try:
            run_verification(
                self.role,
                target,
                suites,
                self.report_dir,
                auth=auth,
                options=options_of(config),
                peers=peers,
                console=False,
            )
        except InteropError as exc:  # bad usage, unreachable target, refused credentials: one line
            raise pytest.UsageError(_said(exc)) from None
        return _read(self.report_dir / "report.json")

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """xdist: every worker collects from the controller's one run."""
        if self.report_dir is not None:
            node.workerinput[WORKER_KEY] = str(self.report_dir / "report.json")

    # ------------------------------------------------------------------ items

    @pytest.hookimpl(tryfirst=True)  # before -k / -m deselect
    def pytest_collection_modifyitems(self, session: pytest.Session, items: list[pytest.Item]) -> None:
        from harness.pytest_plugin.items import InteropCollector, recorded

        if self.summary is None:
            return
        collector = InteropCollector.from_parent(
            session, name="interop", nodeid="interop", records=recorded(self.summary)
        )
        items.extend(collector.collect())

    # ------------------------------------------------------------------ reporting

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        target = (self.summary or {}).get("target") or config.getoption("interop_target")
        return [f"interop: {self.role} at {target}; report {self.report_dir}"]

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.summary is None:
            return
        from harness.pytest_plugin.items import LABELS

        verdict = str(self.summary.get("verdict", ""))
        terminalreporter.write_line(
            f"interop verdict: {LABELS.get(verdict, verdict)}; report: {self.report_dir}/report.html"
        )

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """An inconclusive run never ends green, even with its verdict item deselected (-k)."""
        if self.given_report or self.summary is None:
            return
        if self.summary.get("verdict") == "inconclusive" and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _said(exc: Exception) -> str:
    """The harness's one-line error, with this plugin's names for the options it mentions."""
    text = str(exc)
    for option in ("--auth", "--peer", "--suite", "--target", "--report-dir"):
        text = text.replace(option, "--interop-" + option[2:])
    return f"interop: {text}"


def _read(path: Path) -> dict[str, Any]:
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise pytest.UsageError(f"interop: cannot read the run's report {path}: {exc}") from None
    if not isinstance(summary, dict):
        raise pytest.UsageError(f"interop: {path} is not a report.json document")
    return summary
