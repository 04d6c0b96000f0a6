"""Spectral, the linter vendors run on OpenAPI and Arazzo documents, finds nothing in ours.

`spectral:oas` on contracts/bundled/*.json and `spectral:arazzo` on scenarios/*.arazzo.yaml with
zero errors and zero warnings (waivers, each with its reason, are in .spectral.yaml), plus our
own rules (.spectral/interop.yaml), which are shown to fire on a document that breaks them.
Spectral is installed by `.ci/run` into .ci/node (or named by $INTEROP_SPECTRAL): skipped
outside CI when missing, a failure in CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
LOCAL_SPECTRAL = REPO / ".ci" / "node" / "node_modules" / ".bin" / "spectral"
RULESET = REPO / ".spectral.yaml"
SEVERITY = {0: "error", 1: "warning", 2: "info", 3: "hint"}


def spectral() -> Path:
    named = os.environ.get("INTEROP_SPECTRAL")
    found = Path(shutil.which(named) or "") if named else LOCAL_SPECTRAL
    if not (found.is_file() and os.access(found, os.X_OK)):
        where = named or LOCAL_SPECTRAL
        message = f"Spectral is not installed at {where} (bash .ci/run installs @stoplight/spectral-cli)"
        if os.environ.get("CI"):
            pytest.fail("CI: " + message)
        pytest.skip(message)
    return found


def lint(*files: Path) -> list[dict[str, Any]]:
    """Spectral's findings (JSON) on `files` with the project's ruleset."""
    done = subprocess.run(
        [
            str(spectral()),
            "lint",
            "--ruleset",
            str(RULESET),
            "--format",
            "json",
            "--quiet",
            "--fail-severity",
            "error",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    out = done.stdout.strip()
    assert out.startswith("["), f"spectral failed (exit {done.returncode}): {done.stderr[-2000:]}"
    return json.loads(out)


def shown(findings: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{Path(f['source']).name}: {SEVERITY[f['severity']]} {f['code']}"
        f" at {'.'.join(map(str, f['path']))}: {f['message']}"
        for f in findings
    )


def test_bundled_documents_are_clean_under_spectral_oas_and_our_rules() -> None:
    findings = [
        f for f in lint(*sorted((REPO / "contracts" / "bundled").glob("*.json"))) if f["severity"] <= 1
    ]
    assert findings == [], shown(findings)


def test_scenarios_are_clean_under_spectral_arazzo() -> None:
    findings = [f for f in lint(*sorted((REPO / "scenarios").glob("*.arazzo.yaml"))) if f["severity"] <= 1]
    assert findings == [], shown(findings)


def test_our_rules_fire_on_a_document_that_breaks_the_conventions(tmp_path: Path) -> None:
    doc = json.loads((REPO / "contracts" / "bundled" / "records.json").read_text())
    schemas = doc["components"]["schemas"]
    schemas["Nominal"]["properties"]["dateOfBirth"] = {"type": "string"}
    doc["paths"]["/nominals/{nominal_id}"]["patch"]["parameters"] = []
    doc["paths"]["/nominals/{nominal_id}"]["get"]["responses"]["200"].pop("headers")
    doc["paths"]["/nominals/{nominal_id}"]["get"]["responses"]["404"] = {
        "description": "gone",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
    schemas["LinkPage"] = {"type": "object", "properties": {"things": {"type": "array", "items": {}}}}
    doc["paths"]["/things"] = {
        "get": {
            "operationId": "listThings",
            "summary": "s",
            "description": "d",
            "tags": ["nominals"],
            "responses": {
                "200": {
                    "description": "d",
                    "content": {
                        "application/json": {"schema": {"type": "array", "items": {"type": "string"}}}
                    },
                }
            },
        }
    }
    broken = tmp_path / "records.json"
    broken.write_text(json.dumps(doc))
    codes = {f["code"] for f in lint(broken)}
    for rule in (
        "interop-snake-case-properties",
        "interop-patch-if-match",
        "interop-versioned-etag",
        "interop-problem-details",
        "interop-paging-envelope",
        "interop-no-bare-arrays",
        "interop-operation-examples",
    ):
        assert rule in codes, f"{rule} did not fire; got {sorted(codes)}"
