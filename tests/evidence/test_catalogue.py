"""The requirements catalogue against what the harness can emit.

The ids are collected from the code and the standard, never from a hand list: every string
literal in the harness shaped like a requirement id (the suites, the oracle, the probes, the
engine), the fuzz check table, the oracle's rule titles, every interaction of every pact (through
the contracts suite's own id function), every scenario and the rule ids it declares, and a real
run of the rules suite against each reference simulator. A test fails when an id has no entry,
and when an entry has no check and is not marked "not testable".
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from harness.errors import InteropError
from harness.evidence.catalogue import load_catalogue, parse_catalogue

REPO = Path(__file__).resolve().parents[2]
ONE_GROUP = "groups: [{id: a, title: A}]\n"
ID_SHAPE = re.compile(r"^[A-Z][A-Z0-9]{1,7}-[A-Za-z0-9][A-Za-z0-9-]*$")


def literal_ids() -> set[str]:
    """Every string constant in harness/ shaped like a requirement id."""
    out = set()
    for path in (REPO / "harness").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and ID_SHAPE.match(node.value):
                out.add(node.value)
    return out


def table_ids() -> set[str]:
    from harness.fuzz.findings import CHECKS
    from harness.oracle.oracle import TITLES

    return {c.requirement for c in CHECKS.values()} | set(TITLES)


def pact_ids() -> set[str]:
    from harness.contracts.pactfile import standard_pacts
    from harness.contracts.translate import requirement_of

    return {
        requirement_of(pact, interaction)
        for role in ("records", "custody", "intelligence")
        for pact in standard_pacts(role)
        for interaction in pact.interactions
    }


def scenarios() -> list:
    from harness.scenarios.catalogue import scenario_files
    from harness.scenarios.checks import validate_file

    out = []
    for path in scenario_files():
        scenario, _problems = validate_file(path)
        assert scenario is not None, path
        out.append(scenario)
    return out


def scenario_ids() -> set[str]:
    from harness.scenarios.runner import reachable_steps

    ids = set()
    for s in scenarios():
        steps = [st for st in reachable_steps(s, s.main) if "workflowId" not in st]
        ids |= {f"SCN-{s.name}-{n:02d}" for n in range(1, len(steps) + 1)}
        ids |= {r for rs in s.requirements.values() for r in rs}
    return ids


def test_the_catalogue_loads_and_every_group_is_used():
    cat = load_catalogue()
    assert cat.requirements and cat.standard.get("version")
    used = {r.group for r in cat.requirements}
    assert used == {g.id for g in cat.groups}
    assert all(r.level in ("MUST", "SHOULD") and r.statement and r.source for r in cat.requirements)


@pytest.mark.parametrize("source", ["literals", "tables", "pacts", "scenarios"])
def test_every_id_the_code_can_emit_is_in_the_catalogue(source):
    ids = {"literals": literal_ids, "tables": table_ids, "pacts": pact_ids, "scenarios": scenario_ids}[
        source
    ]()
    assert ids, f"no ids collected from {source}: the collector is broken"
    cat = load_catalogue()
    missing = sorted(i for i in ids if cat.owner(i) is None)
    assert not missing, f"ids the harness can emit with no entry in contracts/requirements.yaml: {missing}"


def test_every_testable_entry_has_a_check():
    cat = load_catalogue()
    emitted = literal_ids() | table_ids() | pact_ids() | scenario_ids()
    orphans = []
    for r in cat.requirements:
        if not r.testable:
            continue
        judges = [r.id, *r.judged_by]
        if not any(any((cat.get(j) or r).covers(e) or e == j for e in emitted) for j in judges):
            orphans.append(r.id)
    assert not orphans, f"entries no check judges (mark them testable: false with why): {orphans}"


def test_families_name_the_roles_that_keep_them():
    """A pact binds its provider; a scenario binds every system its steps call."""
    from harness.contracts.pactfile import standard_pacts
    from harness.scenarios.runner import systems_of

    cat = load_catalogue()
    for role in ("records", "custody", "intelligence"):
        for pact in standard_pacts(role):
            entry = cat.get(f"PACT-{pact.consumer}-{pact.provider}")
            assert entry is not None and entry.family and entry.systems == (pact.provider,), pact.path
    for s in scenarios():
        entry = cat.get(f"SCN-{s.name}")
        assert entry is not None and entry.family, s.name
        assert set(entry.systems) == systems_of(s), s.name


def test_a_family_does_not_swallow_a_longer_rule_id():
    cat = load_catalogue()
    assert cat.owner("PACE-s40-review-rank").id == "PACE-s40-review-rank"
    assert cat.owner("PACT-custody-records-get-nominal").id == "PACT-custody-records"
    assert cat.owner("PACE-s40-review-anything") is None  # PACE-s40-review is not a family
    assert cat.owner("SCN-arrest-to-charge-03").id == "SCN-arrest-to-charge"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            "groups: [{id: a, title: A}]\n"
            "requirements: [{id: X-1, statement: s, source: s, systems: [records], "
            "level: MAY, group: a}]",
            "level must be MUST or SHOULD",
        ),
        (
            "groups: [{id: a, title: A}]\n"
            "requirements: [{id: X-1, statement: s, source: s, systems: [records], "
            "level: MUST, group: a, testable: false}]",
            "says why",
        ),
        (
            "groups: []\nrequirements: [{id: X-1, statement: s, source: s, systems: [records], "
            "level: MUST, group: b}]",
            "unknown group",
        ),
        ("requirements: [{id: X-1}]", "lacks"),
    ],
)
def test_a_broken_catalogue_is_one_clear_error(text, says):
    with pytest.raises(InteropError, match=says):
        parse_catalogue(text)


def test_a_real_rules_run_on_each_reference_role_emits_only_catalogued_ids(tmp_path):
    from harness.commands.verify import run_verification
    from harness.embedded import embedded_ecosystem

    cat = load_catalogue()
    seen: set[str] = set()
    with embedded_ecosystem(population=40, seed=3, home=tmp_path / "home") as eco:
        for role in ("records", "custody", "intelligence"):
            run = run_verification(
                role,
                eco.urls[role],
                ["rules"],
                tmp_path / role,
                console=False,
                peers={r: u for r, u in eco.urls.items() if r != role},
            )
            assert run.verdict == "pass", run.summary()["findings"][:3]
            for item in [*run.checks, *run.findings]:
                seen |= set((item.requirement or "").split())
    assert len(seen) > 30
    assert not sorted(i for i in seen if cat.owner(i) is None)
