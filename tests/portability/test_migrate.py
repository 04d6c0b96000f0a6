"""`interop migrate`: export from one product, import into another, and a rehearsal report that
counts, names every refusal and every loss, and exits 0 only when nothing was lost or refused."""

from __future__ import annotations

import io
import json
import uuid
from contextlib import redirect_stderr
from pathlib import Path
from typing import Any

import pytest

import harness.cli as cli
from harness.auth import TargetTokens
from harness.portability.client import BulkClient, Export, sha256
from tests.portability.harness_support import quirks, records_product

SCRIPT = "<script>document.title='pwned'</script>"
RW = "records:read records:write"
LEGACY_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "interop-range/tests/legacy-nominal"))


def legacy_nominal(template: dict[str, Any]) -> dict[str, Any]:
    """A nominal as a legacy system holds it: an alias with characters no form would accept today."""
    return {
        **template,
        "nominal_id": LEGACY_ID,
        "pnc_id": None,
        "cro_number": None,
        "surname": "Legacy",
        "aliases": [{"surname": SCRIPT, "forenames": ["Old"], "date_of_birth": None}],
        "merged_ids": [],
        "merged_into": None,
    }


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A small records product holding, besides its seeded world, one legacy nominal (bulk-imported)."""
    with records_product(tmp_path_factory.mktemp("migrate") / "home", population=10) as sim:
        client = BulkClient(sim.url, TargetTokens(sim.url), "records")
        template = json.loads(client.export(types=["nominal"]).lines("nominal")[0])
        data = (json.dumps(legacy_nominal(template)) + "\n").encode()
        one = Export({}, {"nominal": data}, {"nominal": [{"count": 1, "sha256": sha256(data), "entry": {}}]})
        outcome = client.import_export(one)
        assert [r["outcome"] for r in outcome.results] == ["imported"], outcome.results
        person = {
            "forenames": ["Ruth"],
            "sex": "female",
            "date_of_birth": "1979-05-06",
            "address": {"line1": "3 Kirk Gate", "town": "Leeds", "postcode": "LS2 7DJ"},
        }
        ids = [
            sim.post("/nominals", RW, json={**person, "surname": n}).json()["nominal_id"]
            for n in ("Abbott", "Abott")
        ]
        merged = sim.post(
            f"/nominals/{ids[0]}/merges", RW, json={"duplicate_id": ids[1], "reason": "keying error"}
        )
        assert merged.status_code == 200, merged.text
        yield sim


def migrate(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stderr(err), pytest.raises(SystemExit) as exit_:
        cli.main(["migrate", *args])
    return int(exit_.value.code or 0), err.getvalue()


def report_of(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / "report.json").read_text(encoding="utf-8")))


def test_a_faithful_migration_exits_0_with_every_record_imported(source: Any, tmp_path: Path) -> None:
    code, err = migrate("--from", source.url, "--to", "reference", "--out", str(tmp_path / "out"))
    report = report_of(tmp_path / "out")
    assert code == 0, (err, report["changes"][:5], report["refusals"][:5], report["error"])
    assert report["outcome"] == "clean"
    rows = {t["type"]: t for t in report["types"]}
    assert (
        rows["nominal"]["exported"] == rows["nominal"]["imported"] == 13
    )  # 10 seeded, a legacy, a merged pair
    assert rows["merge"]["exported"] == rows["merge"]["imported"] >= 1
    assert rows["occurrence"]["exported"] == rows["occurrence"]["imported"] > 0
    assert report["totals"]["refused"] == 0 and not report["lost"]
    assert f"{report['totals']['exported']} exported" in err and (tmp_path / "out" / "report.html").is_file()


def test_an_export_that_drops_aliases_is_a_loss_named_per_record(source: Any, tmp_path: Path) -> None:
    with quirks(source, "export-drops-aliases"):
        code, err = migrate("--from", source.url, "--to", "reference", "--out", str(tmp_path / "out"))
    report = report_of(tmp_path / "out")
    assert code == 1 and "values lost" in err
    assert report["outcome"] == "losses"
    dropped = [c for c in report["changes"] if c["field"] == "aliases"]
    assert dropped and {c["kind"] for c in dropped} == {"dropped"}
    assert {c["where"] for c in dropped} == {"export from the source"}
    legacy = next(c for c in dropped if c["key"] == LEGACY_ID)
    assert SCRIPT in legacy["before"] and legacy["after"] == "[]"
    rows = {t["type"]: t for t in report["types"]}
    assert rows["nominal"]["fields_lost"] == len(dropped)


def test_rewritten_identifiers_are_normalised_not_lost(source: Any, tmp_path: Path) -> None:
    with quirks(source, "export-rewrites-ids"):
        code, _ = migrate("--from", source.url, "--to", "reference", "--out", str(tmp_path / "out"))
    report = report_of(tmp_path / "out")
    pnc = [c for c in report["changes"] if c["field"] == "pnc_id"]
    assert pnc and {c["kind"] for c in pnc} == {"normalised"}
    at_export = [c for c in pnc if c["where"] == "export from the source"]
    assert at_export and all(len(c["after"]) < len(c["before"]) for c in at_export)  # short form
    assert code == 0 and report["outcome"] == "clean"  # the same identifiers, written another way


def test_records_the_target_already_holds_are_refused_with_their_rule(source: Any, tmp_path: Path) -> None:
    """Migrating into the product itself: every record is already there (BULK-IMP-006)."""
    with records_product(tmp_path / "target", population=0) as target:
        first, _ = migrate("--from", source.url, "--to", target.url, "--out", str(tmp_path / "once"))
        again, err = migrate("--from", source.url, "--to", target.url, "--out", str(tmp_path / "twice"))
    assert first == 0
    report = report_of(tmp_path / "twice")
    assert again == 1 and report["totals"]["imported"] == 0
    assert report["totals"]["refused"] == report["totals"]["exported"] > 0
    assert {r["rule"] for r in report["refusals"]} == {"BULK-IMP-006"}
    assert all(r["detail"] for r in report["refusals"])


def test_an_unreachable_product_is_one_line_and_exit_2(tmp_path: Path) -> None:
    code, err = migrate("--from", "http://127.0.0.1:9", "--to", "reference", "--out", str(tmp_path / "out"))
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2 and len(lines) == 1 and lines[0].startswith("interop: error: ")
    assert not (tmp_path / "out").exists()
