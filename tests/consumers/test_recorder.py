"""The recorder itself: a committed pact that is not what the consumer code produces fails the test."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.consumers import test_records_intelligence as pair_module
from tests.consumers.conftest import PACTS_DIR, WRITE, PactRecorder

pytestmark = pytest.mark.skipif(WRITE, reason="compares with the committed pacts, which are being rewritten")


@pytest.fixture
def pacts(tmp_path: Path) -> Path:
    folder = tmp_path / "pacts"
    shutil.copytree(PACTS_DIR, folder)
    return folder


def _edit(folder: Path, change: Callable[[dict], None]) -> None:
    path = folder / pair_module.PAIR.filename
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document), encoding="utf-8")


def test_an_edited_interaction_fails_with_a_diff(pacts: Path, tmp_path: Path) -> None:
    case = pair_module.CASES[0]

    def loosen(document: dict) -> None:
        for interaction in document["interactions"]:
            if interaction["description"] == case.description:
                interaction["response"]["status"] = 201

    _edit(pacts, loosen)
    recorder = PactRecorder(tmp_path / "work", pacts_dir=pacts, write=False)
    (tmp_path / "work").mkdir()
    with pytest.raises(pytest.fail.Exception, match=r"differs from the committed pact[\s\S]*\"status\": 201"):
        recorder.check(pair_module.PAIR, case)


def test_volatile_metadata_is_not_compared(pacts: Path, tmp_path: Path) -> None:
    _edit(pacts, lambda d: d["metadata"].update({"pactRust": {"ffi": "9.9.9", "models": "9.9.9"}}))
    (tmp_path / "work").mkdir()
    PactRecorder(tmp_path / "work", pacts_dir=pacts, write=False).check(
        pair_module.PAIR, pair_module.CASES[0]
    )


def test_a_stale_interaction_fails_the_completeness_check(pacts: Path, tmp_path: Path) -> None:
    def add_stale(document: dict) -> None:
        stale = dict(document["interactions"][0], description="an interaction nobody makes any more")
        document["interactions"].append(stale)

    _edit(pacts, add_stale)
    recorder = PactRecorder(tmp_path, pacts_dir=pacts, write=False)
    with pytest.raises(AssertionError, match="stale"):
        recorder.complete(pair_module.PAIR, pair_module.CASES)
