"""`interop standard diff`: every change classified breaking or not; the release line kept."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.standard.diff import diff, load_corrections, uncorrected, version_problem
from simulators.core.config import SYSTEMS
from simulators.core.spec import bundled_path

REPO = Path(__file__).resolve().parents[2]
RELEASED = REPO / "contracts" / "released"
CORRECTIONS = load_corrections(yaml.safe_load((RELEASED / "corrections.yaml").read_text()))

BASE: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1.0.0"},
    "paths": {
        "/things": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewThing"}}},
                },
                "responses": {
                    "201": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "NewThing": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "pattern": "^[a-z]+$"},
                    "kind": {"type": "string", "enum": ["a", "b"]},
                },
            },
            "Thing": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "kind": {"type": "string"},
                },
            },
        }
    },
}


def changed(edit) -> list:  # type: ignore[no-untyped-def]
    new = copy.deepcopy(BASE)
    edit(new)
    return diff(BASE, new)


def only(changes: list) -> Any:  # type: ignore[no-untyped-def]
    assert len(changes) == 1, changes
    return changes[0]


def test_identical_documents_have_no_changes() -> None:
    assert diff(BASE, copy.deepcopy(BASE)) == []


def test_removed_response_field_is_breaking() -> None:
    c = only(changed(lambda d: d["components"]["schemas"]["Thing"]["properties"].pop("kind")))
    assert c.breaking and c.what == "field removed" and c.where.endswith(".kind")


def test_added_optional_request_field_is_not_breaking() -> None:
    c = only(
        changed(
            lambda d: d["components"]["schemas"]["NewThing"]["properties"].update(note={"type": "string"})
        )
    )
    assert not c.breaking and c.what == "optional field added"


def test_new_required_request_field_is_breaking() -> None:
    def edit(d: dict) -> None:
        d["components"]["schemas"]["NewThing"]["properties"]["note"] = {"type": "string"}
        d["components"]["schemas"]["NewThing"]["required"].append("note")

    assert only(changed(edit)).breaking


def test_narrowed_request_enum_is_breaking_and_widened_is_not() -> None:
    narrowed = only(
        changed(lambda d: d["components"]["schemas"]["NewThing"]["properties"]["kind"].update(enum=["a"]))
    )
    widened = only(
        changed(
            lambda d: d["components"]["schemas"]["NewThing"]["properties"]["kind"].update(
                enum=["a", "b", "c"]
            )
        )
    )
    assert narrowed.breaking and not widened.breaking


def test_changed_type_and_tightened_pattern_are_breaking() -> None:
    typed = only(
        changed(lambda d: d["components"]["schemas"]["Thing"]["properties"]["id"].update(type="integer"))
    )
    pattern = only(
        changed(
            lambda d: d["components"]["schemas"]["NewThing"]["properties"]["name"].update(
                pattern="^[a-z]{2}$"
            )
        )
    )
    assert typed.breaking and pattern.breaking


def test_operations_removed_are_breaking_and_added_are_not() -> None:
    removed = only(changed(lambda d: d["paths"].pop("/things")))
    added = only(changed(lambda d: d["paths"].update({"/other": {"get": {"responses": {"200": {}}}}})))
    assert removed.breaking and removed.what == "operation removed"
    assert not added.breaking and added.what == "operation added"


def test_descriptions_are_not_contract_changes() -> None:
    assert changed(lambda d: d["components"]["schemas"]["Thing"].update(description="words")) == []


def test_breaking_change_needs_a_new_major_version() -> None:
    new = copy.deepcopy(BASE)
    new["components"]["schemas"]["Thing"]["properties"].pop("kind")
    new["info"]["version"] = "1.1.0"
    assert "major" in (version_problem(BASE, new, diff(BASE, new)) or "")
    new["info"]["version"] = "2.0.0"
    assert version_problem(BASE, new, diff(BASE, new)) is None


def _released() -> Path:
    versions = sorted(
        (p for p in RELEASED.iterdir() if p.is_dir()), key=lambda p: tuple(map(int, p.name.split(".")))
    )
    assert versions, "contracts/released/ holds no release"
    return versions[-1]


@pytest.mark.parametrize("system", SYSTEMS)
def test_current_standard_keeps_to_the_last_release(system: str) -> None:
    """CI: every change since the last release is versioned by semver; a breaking one needs a new
    major unless contracts/released/corrections.yaml records it as the correction of a defect."""
    before = json.loads((_released() / f"{system}.json").read_text())
    after = json.loads(bundled_path(system).read_text())
    changes = diff(before, after)
    counted = uncorrected(system, after, changes, CORRECTIONS)
    assert version_problem(before, after, changes, counted) is None, [c.line() for c in counted or changes]


def test_a_correction_covers_only_its_release_and_its_changes() -> None:
    new = copy.deepcopy(BASE)
    new["components"]["schemas"]["NewThing"]["properties"]["name"]["pattern"] = "^[a-z]{2}$"
    new["info"]["version"] = "1.0.1"
    changes = diff(BASE, new)
    fix = load_corrections(
        [{"version": "1.0.1", "system": "t", "where": "*.name", "what": "pattern changed *", "reason": "r"}]
    )
    assert uncorrected("t", new, changes, fix) == []
    assert version_problem(BASE, new, changes, uncorrected("t", new, changes, fix)) is None
    assert uncorrected("other", new, changes, fix) == changes  # another system
    new["info"]["version"] = "1.0.2"
    assert uncorrected("t", new, changes, fix) == changes  # another release
    with pytest.raises(ValueError, match="correction 1"):
        load_corrections([{"version": "1.0.1"}])


def test_cli_exit_codes(tmp_path: Path) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(BASE))
    broken = copy.deepcopy(BASE)
    broken["components"]["schemas"]["Thing"]["properties"].pop("kind")
    new.write_text(json.dumps(broken))
    run = [sys.executable, "-m", "harness.cli", "standard", "diff"]
    same = subprocess.run([*run, str(old), str(old)], capture_output=True, text=True, cwd=REPO, timeout=60)
    worse = subprocess.run([*run, str(old), str(new)], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert same.returncode == 0, same.stderr
    assert worse.returncode == 1 and "BREAKING" in worse.stdout and "field removed" in worse.stdout
