"""The pact recorder: each consumer test declares one interaction, drives it, and compares it.

Each Case gets its own Pact with one interaction and its own mock server, so cases are independent
(any order, any xdist worker). The interaction the Pact FFI writes is compared with the one in the
committed `contracts/pacts/<consumer>-<provider>.json` (parsed JSON, volatile metadata ignored), so
a test fails when the committed pact is not what the consumer code produces.

With INTEROP_WRITE_PACTS=1 (`make contracts`, run without xdist) the interactions are collected
instead, and each pair's `test_pact_file_is_complete` writes the whole file once every one of its
cases has passed: interactions sorted by description, as the FFI orders a merged file.
"""

from __future__ import annotations

import difflib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from pact import Pact

from simulators.core.spec import contracts_dir
from tests.consumers.support import Case, Pair

WRITE = os.environ.get("INTEROP_WRITE_PACTS", "").strip().lower() in ("1", "true", "yes")
PACTS_DIR = contracts_dir() / "pacts"


def canonical(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


class PactRecorder:
    def __init__(self, root: Path, pacts_dir: Path = PACTS_DIR, write: bool = WRITE) -> None:
        self.root = root
        self.pacts_dir = pacts_dir
        self.write = write
        self.generated: dict[Pair, dict[str, dict[str, Any]]] = {}
        self.metadata: dict[Pair, dict[str, Any]] = {}

    def generate(self, pair: Pair, case: Case) -> dict[str, Any]:
        """Declare the case's interaction, drive the consumer against the mock server, return it."""
        pact = Pact(pair.consumer, pair.provider)
        interaction = pact.upon_receiving(case.description).set_key(case.key)
        case.define(interaction)
        with pact.serve(addr="127.0.0.1") as server:
            case.drive(str(server.url))
        out = Path(tempfile.mkdtemp(prefix=f"{case.key}-", dir=self.root))
        pact.write_file(out, overwrite=True)
        document = json.loads((out / pair.filename).read_text(encoding="utf-8"))
        (written,) = document["interactions"]
        self.metadata[pair] = document.get("metadata", {})
        return written

    def check(self, pair: Pair, case: Case) -> None:
        written = self.generate(pair, case)
        if self.write:
            self.generated.setdefault(pair, {})[case.description] = written
            return
        committed = self.committed(pair)
        assert case.description in committed, (
            f"{pair.filename} has no interaction {case.description!r}: run `make contracts`"
        )
        want, got = canonical(written), canonical(committed[case.description])
        if want != got:
            diff = "\n".join(
                difflib.unified_diff(
                    got.splitlines(), want.splitlines(), "committed", "generated", lineterm=""
                )
            )
            pytest.fail(
                f"{pair.filename}: {case.description!r} differs from the committed pact "
                f"(run `make contracts`):\n{diff}"
            )

    def complete(self, pair: Pair, cases: list[Case]) -> None:
        declared = {c.description for c in cases}
        assert len(declared) == len(cases), "two cases share a description"
        assert len({c.key for c in cases}) == len(cases), "two cases share a key"
        if not self.write:
            committed = self.committed(pair)
            assert set(committed) == declared, (
                f"{pair.filename} is stale (run `make contracts`): only committed "
                f"{sorted(set(committed) - declared)}, only declared {sorted(declared - set(committed))}"
            )
            return
        generated = self.generated.get(pair, {})
        missing = declared - set(generated)
        assert not missing, f"not written: these cases did not pass: {sorted(missing)}"
        document = {
            "consumer": {"name": pair.consumer},
            "interactions": [generated[d] for d in sorted(generated)],
            "metadata": self.metadata[pair],
            "provider": {"name": pair.provider},
        }
        self.pacts_dir.mkdir(parents=True, exist_ok=True)
        (self.pacts_dir / pair.filename).write_text(canonical(document) + "\n", encoding="utf-8")

    def committed(self, pair: Pair) -> dict[str, dict[str, Any]]:
        """The committed pact's interactions by description (its metadata is not compared: the
        Pact FFI's version numbers in it change with the library, not with the contract)."""
        path = self.pacts_dir / pair.filename
        assert path.is_file(), f"{path} is missing: run `make contracts`"
        document = json.loads(path.read_text(encoding="utf-8"))
        assert document["consumer"]["name"] == pair.consumer and document["provider"]["name"] == pair.provider
        return {i["description"]: i for i in document["interactions"]}


@pytest.fixture(scope="session")
def pact_recorder(tmp_path_factory: pytest.TempPathFactory) -> PactRecorder:
    return PactRecorder(tmp_path_factory.mktemp("pacts"))
