"""The name-variant table published in docs/conventions.md is the one records search uses, in full."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulators.domain.names import FORENAME_GROUPS, SURNAME_GROUPS
from simulators.records import names

PAGE = Path(__file__).resolve().parents[2] / "docs" / "conventions.md"


def published(kind: str) -> list[list[str]]:
    text = PAGE.read_text(encoding="utf-8")
    block = re.search(rf"<!-- name-variants:{kind} -->(.*?)<!-- /name-variants -->", text, re.S)
    assert block, f"docs/conventions.md has no {kind} table"
    rows = [line for line in block.group(1).splitlines() if line.startswith("| ") and "---" not in line][1:]
    groups = []
    for row in rows:
        first, rest = (cell.strip() for cell in row.strip("| ").split("|"))
        groups.append([first, *(n.strip() for n in rest.split(","))])
    return groups


KINDS = {
    "forenames": (names.forename_variant, FORENAME_GROUPS),
    "surnames": (names.surname_variant, SURNAME_GROUPS),
}


@pytest.mark.parametrize("kind", KINDS)
def test_each_published_group_is_one_name_to_search_and_groups_differ(kind: str) -> None:
    variant, _ = KINDS[kind]
    groups = published(kind)
    assert groups and all(len(g) >= 2 and "..." not in g for g in groups)
    keys = []
    for group in groups:
        assert len({variant(name) for name in group}) == 1, group
        keys.append(variant(group[0]))
    assert len(set(keys)) == len(keys), "two published groups are one name to search"


@pytest.mark.parametrize("kind", KINDS)
def test_every_spelling_search_treats_as_one_name_is_published(kind: str) -> None:
    variant, domain_groups = KINDS[kind]
    extra = names._MORE_FORENAME_GROUPS if kind == "forenames" else names._MORE_SURNAME_GROUPS
    listed = {name for group in published(kind) for name in group}
    for group in [*domain_groups, *extra]:
        assert set(group) <= listed, set(group) - listed
    # and nothing else shares a key with a published name unless it is published too
    reps = {variant(name) for name in listed}
    table = names._FORENAMES if kind == "forenames" else names._SURNAMES
    assert {k for k, rep in table.items() if rep in reps} <= {
        (names._prefix(names.fold(n)) if kind == "surnames" else names.fold(n)) for n in listed
    }
