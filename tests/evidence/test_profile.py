"""Acceptance profiles: the example is valid, and every bad profile is one clear line with exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.evidence.catalogue import load_catalogue
from harness.evidence.profile import load_profile
from tests.evidence.packkit import cli

REPO = Path(__file__).resolve().parents[2]
GOOD = "product: {name: Acme}\nseed: 1\nroles: {custody: {target: 'http://127.0.0.1:9'}}\n"


def test_the_example_profile_is_valid_and_says_what_is_must():
    cat = load_catalogue()
    profile = load_profile(REPO / "docs" / "examples" / "force.yaml", cat)
    assert profile.product == {"name": "Acme Custody", "version": "2.1"}
    assert [r.role for r in profile.roles] == ["custody"]
    must = profile.must_ids(cat)
    assert "STD-LATENCY" in must  # SHOULD in the catalogue, MUST for this force
    assert {r.id for r in cat.in_group("resilience")} <= must
    assert {r.id for r in cat.requirements if r.level == "MUST"} <= must
    assert profile.options()["seed"] == 1 and profile.thresholds.must_not_met == 0


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("roles: [", "not valid YAML"),
        ("", "is empty"),
        (GOOD + "colour: red\n", "unknown key 'colour'"),
        (GOOD.replace("seed: 1\n", ""), "give a seed"),
        (GOOD.replace("custody:", "payroll:"), "unknown role 'payroll'"),
        (GOOD.replace("{target: 'http://127.0.0.1:9'}", "{peers: {}}"), "needs a target"),
        (GOOD.replace("product: {name: Acme}", "product: {version: 2}"), "product needs a name"),
        (GOOD + "suites: [speed]\n", "unknown suite 'speed'"),
        (GOOD + "requirements: {must: [NO-SUCH-RULE]}\n", "'NO-SUCH-RULE' is neither a requirement id"),
        (GOOD + "thresholds: {must_not_met: -1}\n", "thresholds.must_not_met must be a whole number"),
        (GOOD + "fuzz: {max_examples: many}\n", "fuzz.max_examples must be a whole number"),
        (GOOD.replace("}}\n", ", peers: {records: 'ftp://x'}}}\n"), "must be an http(s)://host:port URL"),
        (GOOD.replace("}}\n", ", peers: {custody: 'http://x:1'}}}\n"), "is not another role"),
        (GOOD.replace("}}\n", ", auth: missing.yaml}}\n"), "roles.custody.auth: no file"),
        (GOOD + 'buyer: "a\\nb"\n', "buyer must be one line"),
    ],
)
def test_a_bad_profile_is_one_line_and_exit_2(tmp_path, text, says):
    profile = tmp_path / "force.yaml"
    profile.write_text(text, encoding="utf-8")
    code, out = cli("accept", "--profile", str(profile), "--out", str(tmp_path / "pack"))
    assert code == 2, out
    lines = out.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], out
    assert "Traceback" not in out and not (tmp_path / "pack").exists()


def test_out_that_is_a_folder_of_other_things_is_refused(tmp_path):
    profile = tmp_path / "force.yaml"
    profile.write_text(GOOD, encoding="utf-8")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "thesis.docx").write_text("keep me")
    code, out = cli("accept", "--profile", str(profile), "--out", str(tmp_path / "busy"))
    assert code == 2 and "not empty and not an evidence pack" in out
    assert (tmp_path / "busy" / "thesis.docx").read_text() == "keep me"


def test_an_unreachable_target_is_one_line_and_exit_2(tmp_path, monkeypatch):
    monkeypatch.setenv("INTEROP_HOME", str(tmp_path / "home"))
    profile = tmp_path / "force.yaml"
    profile.write_text(GOOD, encoding="utf-8")  # port 9 (discard): nothing answers
    code, out = cli("accept", "--profile", str(profile), "--out", str(tmp_path / "pack"))
    assert code == 2, out
    assert len(out.strip().splitlines()) == 1 and "127.0.0.1:9" in out
