"""One verification run: a product playing ROLE checked by the chosen suites, the reports written.

What `interop verify`, the web console, acceptance runs and the pytest plugin all call; below the
commands (harness/commands/) so that none of those has to import a command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from harness.auth import AuthConfig, TargetTokens
from harness.engine import RunContext, VerificationRun
from harness.errors import InteropError
from harness.reports import default_writers
from harness.suites import available_suites, load_suite
from harness.tap import TargetTap
from harness.targets import open_target
from simulators.core.config import SYSTEMS


def run_verification(
    role: str,
    target: str,
    suites: list[str],
    report_dir: Path,
    *,
    token: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    auth: AuthConfig | None = None,
    options: dict[str, Any] | None = None,
    console: bool = True,
    startup_timeout: float = 60.0,
    container_port: int = 8080,
    env: dict[str, str] | None = None,
    peers: dict[str, str] | None = None,
    product: dict[str, str] | None = None,
    writers: list[Any] | None = None,
) -> VerificationRun:
    """Verify one target; returns the finished run (reports written).

    `writers` are fed every event besides the report writers (the web console's live run page).

    Every suite reaches the product through the tap (harness/tap.py), so what is read from it is
    bounded and every answer is seen by the domain oracle and the reach tally behind the verdict.
    """
    if role not in SYSTEMS:
        raise InteropError(f"unknown role {role!r}; choose from {', '.join(SYSTEMS)}")
    chosen = suites or available_suites()
    loaded = [load_suite(name) for name in chosen]  # fail on a bad suite name before starting anything
    _check_peers(role, peers or {})
    _prepare_report_dir(report_dir)
    with open_target(
        target,
        report_dir=report_dir,
        startup_timeout=startup_timeout,
        container_port=container_port,
        env={**_product_env(target, peers or {}), **(env or {})},
    ) as resolved:
        tokens = TargetTokens(
            resolved.base_url, auth=auth, token=token, client_id=client_id, client_secret=client_secret
        )
        tokens.require()  # a product that refuses the harness's credentials: one line, exit 2
        with TargetTap(resolved.base_url, extra_headers=tokens.headers) as tap:
            ctx = RunContext(
                role=role,
                target=target,
                base_url=tap.url,
                target_url=resolved.base_url,
                tokens=tokens,
                report_dir=report_dir,
                options=dict(options or {}),
                peers=dict(peers or {}),
                product=dict(product or {}),
            )
            run = VerificationRun(
                ctx,
                default_writers(report_dir, console=console) + list(writers or []),
                tap=tap,
                observers=_observers(role),
            )
            for suite in loaded:
                run.run_suite(suite)
            run.finish()
    return run


def _product_env(target: str, peers: dict[str, str]) -> dict[str, str]:
    """A cmd:/docker: product's own client and its given peers' URLs (docs/consumers.md)."""
    if not target.startswith(("cmd:", "docker:")):
        return {}
    from harness.consumer.client import product_client, product_env
    from simulators.core.config import default_home

    return product_env(product_client(default_home().resolve()), peers)


def _observers(role: str) -> list[Any]:
    """The domain oracle, judging every answer of every suite against the standard's rules."""
    try:
        from harness.oracle import DomainOracle
    except ImportError:  # pragma: no cover - the oracle ships with the harness
        return []
    return [DomainOracle(role)]


def _prepare_report_dir(report_dir: Path) -> None:
    if report_dir.exists() and not report_dir.is_dir():
        raise InteropError(f"--report-dir {report_dir} exists and is not a directory")
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InteropError(f"--report-dir {report_dir} cannot be created: {exc.strerror or exc}") from None


def _check_peers(role: str, peers: dict[str, str]) -> None:
    for peer_role, url in peers.items():
        if peer_role not in SYSTEMS:
            raise InteropError(f"--peer: unknown role {peer_role!r}; choose from {', '.join(SYSTEMS)}")
        if peer_role == role:
            raise InteropError(f"--peer {peer_role}: that is the role under test; give it with --target")
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise InteropError(f"--peer {peer_role}: expected an http(s)://host:port URL; got {url!r}")


def parse_peers(values: list[str] | None) -> dict[str, str]:
    """`--peer ROLE=URL` (repeatable) as a mapping; also used by `interop scenario run`."""
    out: dict[str, str] = {}
    for item in values or []:
        peer_role, sep, url = item.partition("=")
        if not sep or not peer_role or not url:
            raise InteropError(
                f"--peer must look like ROLE=URL (e.g. records=http://host:8101); got {item!r}"
            )
        if peer_role in out:
            raise InteropError(f"--peer {peer_role} given twice")
        out[peer_role] = url.rstrip("/")
    return out
