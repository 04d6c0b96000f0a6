"""A mock that only looks like a product: Prism serving our own document answers in the right
shapes, but keeps no data and takes any token. `interop verify` must judge it "fail" (exit 1) and
say why, without a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.foreign import prism
from tests.foreign.conftest import FAST, verify

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("role", ["custody", "records"])
def test_prism_mocking_our_document_does_not_conform(role: str, tmp_path: Path) -> None:
    binary = prism.require()
    with prism.PrismMock(binary, role, tmp_path / "prism.log") as mock:
        result = verify("--role", role, "--target", mock.url, *FAST, report_dir=tmp_path / "report")

    assert result.code == 1, result.explain()
    assert result.report is not None and result.report["verdict"] == "fail", result.explain()
    errors = result.errors()
    # Auth is only pretended: the bundled document makes Prism ask for a token, but any token will
    # do (a forged one, or one with the wrong scopes, is answered as if it were valid).
    assert any(f["check"] == "ignored_auth" for f in errors), result.explain()
    assert any(f["check"] == "ignored_scope" for f in errors), result.explain()
    # Nothing persists: a record the consumer knows does not exist is found all the same.
    assert any(f["suite"] == "contracts" and "expected 404, got 200" in f["detail"] for f in errors), (
        result.explain()
    )
