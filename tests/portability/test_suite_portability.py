"""`interop verify --suite portability`: the reference passes; a product whose export drops aliases
or rewrites identifiers fails with findings naming what was lost; a product without the bulk API
does not conform."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.auth import AuthConfig
from harness.commands.verify import run_verification
from harness.engine.verdict import requirement_ids
from tests.portability.harness_support import quirks, records_product

IDS = {
    "PORT-EXPORT",
    "PORT-EXPORT-COMPLETE",
    "PORT-EXPORT-FIDELITY",
    "PORT-EXPORT-INCREMENTAL",
    "PORT-IMPORT",
    "PORT-ROUNDTRIP",
}


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with records_product(tmp_path_factory.mktemp("suite") / "home") as sim:
        yield sim


def verify(sim: Any, report: Path) -> Any:
    return run_verification("records", sim.url, ["portability"], report, console=False)


def portability_checks(run: Any) -> list[Any]:
    return [c for c in run.checks if c.suite == "portability"]


def test_the_reference_passes_every_portability_check(product: Any, tmp_path: Path) -> None:
    run = verify(product, tmp_path / "report")
    checks = portability_checks(run)
    assert run.verdict == "pass", [(f.title, f.detail[:200]) for f in run.findings]
    assert {c.status for c in checks} == {"passed"}, [(c.name, c.status, c.message) for c in checks]
    judged = set().union(*(requirement_ids(c.requirement) for c in checks))
    assert {r for r in judged if r.startswith("PORT-")} == IDS
    stats = next(s for s in run.suites if s.suite == "portability").stats
    assert stats["exported"]["nominal"] >= 20 + 3  # the seeded world and the three nominals put in
    assert stats["round_trip"] == stats["exported"]
    page = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert 'id="portability-counts"' in page
    assert f"<tr><td>nominal</td><td>{stats['exported']['nominal']}</td>" in page


def test_an_export_that_drops_aliases_fails_naming_them(product: Any, tmp_path: Path) -> None:
    with quirks(product, "export-drops-aliases"):
        run = verify(product, tmp_path / "report")
    assert run.verdict == "fail"
    lost = [f for f in run.findings if f.requirement == "PORT-EXPORT-FIDELITY"]
    assert lost, [f.title for f in run.findings]
    assert all(
        f.title.startswith("aliases of nominal ") and f.title.endswith(" dropped in export") for f in lost
    )
    assert any("Portable" in f.title for f in lost)  # the nominal the harness put in, by name
    assert any("Portabel" in f.detail for f in lost)  # and the alias it lost
    failed = {c.requirement for c in portability_checks(run) if c.status == "failed"}
    assert failed == {"PORT-EXPORT-FIDELITY"}


def test_an_export_that_rewrites_identifiers_fails_naming_them(product: Any, tmp_path: Path) -> None:
    with quirks(product, "export-rewrites-ids"):
        run = verify(product, tmp_path / "report")
    assert run.verdict == "fail"
    titles = [f.title for f in run.findings if f.severity == "error"]
    assert any(t.startswith("pnc_id of nominal ") and t.endswith("rewritten in export") for t in titles), (
        titles
    )
    rewritten = next(f for f in run.findings if f.title.startswith("pnc_id of nominal "))
    assert "Before: 2001/" in rewritten.detail and "After:  01/" in rewritten.detail
    assert rewritten.requirement == "PORT-EXPORT-FIDELITY"


def test_a_product_without_the_bulk_api_does_not_conform(product: Any, tmp_path: Path) -> None:
    """Everything under /nothing answers 404: no bulk export, no known data put in."""
    auth = AuthConfig(token_url=product.url + "/oauth/token")
    run = run_verification(
        "records", product.url + "/nothing", ["portability"], tmp_path / "r", console=False, auth=auth
    )
    assert run.verdict == "fail"
    export = next(c for c in portability_checks(run) if c.requirement == "PORT-EXPORT")
    assert export.status == "failed"
    assert any("could not export" in f.title and "no bulk export" in f.detail for f in run.findings)
    others = [c for c in portability_checks(run) if c.requirement != "PORT-EXPORT"]
    assert others and {c.status for c in others} == {"skipped"}


def test_the_suite_runs_only_when_named() -> None:
    from harness.suites import ALL_SUITES, SUITE_CLASSES, available_suites

    assert "portability" in SUITE_CLASSES
    assert "portability" not in ALL_SUITES and "portability" not in available_suites()
