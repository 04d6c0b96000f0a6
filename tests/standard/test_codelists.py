"""The published code lists (contracts/codelists/): well formed, named by the documents, and accepted
exactly by the simulators.

Generated from the files themselves: every entry of every list the records simulator checks is
sent through its API and accepted with the list's title, and a made-up neighbour of each entry
("4/99" for "4/1", "33Z" for "33A", "W8" for "W1") is refused with the documented answer. Lists
enforced by the documents' own enums are checked enum against file (the simulators validate every
request against those documents). One records simulator serves the whole module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from simulators.domain import codelists
from tests.simkit import RunningSim, start_system

ROOT = Path(__file__).resolve().parents[2]
LIST_DIR = ROOT / "contracts" / "codelists"
FILES = sorted(LIST_DIR.glob("*.yaml"))
DOCS = {
    s: json.loads((ROOT / "contracts" / "bundled" / f"{s}.json").read_text())
    for s in ("records", "custody", "intelligence")
}


def published(list_id: str) -> list[dict[str, Any]]:
    return yaml.safe_load((LIST_DIR / f"{list_id}.yaml").read_text())["entries"]


def codes(*list_ids: str) -> set[str]:
    return {str(e["code"]) for lid in list_ids for e in published(lid)}


def neighbour(code: str, taken: set[str]) -> str:
    """A made-up code next to `code`: same shape, on no list (compared case-insensitively)."""
    m = re.fullmatch(r"(\d+)/(\d+)", code)
    if m:
        candidates = [f"{m[1]}/99", f"{m[1]}/98"]
    elif re.fullmatch(r"\d+[A-Z]", code):
        candidates = [code[:-1] + "Z", code[:-1] + "Y"]
    elif code.isdigit():
        candidates = [code + "Z", code + "Y"]
    elif re.fullmatch(r"[A-Z]+\d", code):
        candidates = [code[:-1] + "8", code[:-1] + "7"]
    elif re.fullmatch(r"[A-Z]{2}", code):
        candidates = [code[0] + c for c in "ZQXJ"]
    else:
        candidates = [code + "-X", code + "-Y"]
    folded = {t.upper() for t in taken}
    return next(c for c in candidates if c.upper() not in folded)


# ------------------------------------------------------------------------------- the files themselves


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_each_list_file_names_its_source_version_and_entries(path: Path) -> None:
    doc = yaml.safe_load(path.read_text())
    assert doc["id"] == path.stem
    assert {"title", "url", "date"} <= set(doc["source"]) and all(
        doc["source"][k] for k in ("title", "url", "date")
    )
    assert doc["version"] and doc["status"] and doc["description"] and doc["used_by"]
    entries = doc["entries"]
    assert entries and all(str(e["code"]) and str(e["title"]) for e in entries)
    assert len({str(e["code"]) for e in entries}) == len(entries), "a code appears twice"
    # the reference implementation holds exactly the file (unconfirmed CJS codes are kept apart)
    loaded = getattr(codelists, doc["python_name"])
    expected = {
        str(e["code"]): e["title"] for e in entries if e.get("confirmed", True) or doc["id"] != "cjs-offences"
    }
    assert loaded == expected and list(loaded) == list(expected)


def test_the_classification_list_holds_every_class_of_the_counting_rules_the_range_relies_on() -> None:
    hocr = {e["code"]: e for e in published("hocr-classifications")}
    wanted = ["4/1", "4/2", "4/10", "15/00", "24/17", "24/18", "24/19", "106"]
    wanted += [
        "26",
        "27",
        "33",
        "33A",
        "38",
        "54",
        "59",
        "60",
        "61",
        "61A",
        "67",
        "69",
        "76",
        "79",
        "80",
        "83",
        "86",
        "95",
        "96",
        "99",
        "802",
        "814",
    ]
    assert set(wanted) <= set(hocr)
    assert hocr["24/18"]["class"] == "24" and hocr["4/10"]["class"] == "4" and hocr["33A"]["class"] == "33A"
    assert hocr["96"]["group"] == "Miscellaneous crimes against society"


def _codelist_nodes(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if "x-codelist" in node:
            yield where, node
        for key, value in node.items():
            yield from _codelist_nodes(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _codelist_nodes(value, f"{where}/{i}")


NODES = [(f"{system}{where}", node) for system, doc in DOCS.items() for where, node in _codelist_nodes(doc)]


def _ids(node: dict[str, Any]) -> list[str]:
    value = node["x-codelist"]
    return [value] if isinstance(value, str) else list(value)


def test_every_published_list_is_named_by_a_document_and_every_name_is_a_list() -> None:
    named = {lid for _, node in NODES for lid in _ids(node)}
    assert named == {p.stem for p in FILES}


@pytest.mark.parametrize(
    ("where", "node"), [n for n in NODES if "enum" in n[1]], ids=[w for w, n in NODES if "enum" in n]
)
def test_a_document_enum_holds_exactly_the_codes_of_its_lists(where: str, node: dict[str, Any]) -> None:
    enum = {str(v) for v in node["enum"]}
    listed = codes(*_ids(node))
    if node.get("x-codelist-subset"):
        assert enum <= listed, enum - listed
    else:
        assert enum == listed, (sorted(enum - listed), sorted(listed - enum))


def test_link_roles_of_the_records_simulator_are_the_published_ones() -> None:
    from simulators.records import links

    assert codes("link-roles") == links.PERSON_ROLES
    assert codes("object-link-roles") == links.OBJECT_ROLES
    assert codes("location-link-roles") == links.LOCATION_ROLES


# ------------------------------------------------------------------------------- through the API

RW = "records:read records:write"
WHEN = "2025-03-04T22:10:00Z"


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSim]:
    home = tmp_path_factory.mktemp("codelists") / "records"
    nowhere = "http://127.0.0.1:9"  # occurrences and nominal changes never call a peer
    sim = start_system("records", home, population=20, peers={"intelligence": nowhere, "custody": nowhere})
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def session(records: RunningSim) -> Iterator[requests.Session]:
    with requests.Session() as s:
        s.headers["Authorization"] = f"Bearer {records.token(RW)}"
        yield s


@pytest.fixture(scope="module")
def nominal_id(records: RunningSim, session: requests.Session) -> str:
    return session.get(records.url + "/nominals", params={"limit": 1}, timeout=10).json()["items"][0][
        "nominal_id"
    ]


def _occurrence(records: RunningSim, session: requests.Session, **body: Any) -> requests.Response:
    return session.post(records.url + "/occurrences", json={"occurred_from": WHEN, **body}, timeout=10)


def _refused(resp: requests.Response, field: str, rule: str | None) -> None:
    assert resp.status_code == 400, resp.text
    problem = resp.json()
    assert any(e["field"].endswith(field) for e in problem["errors"]), problem
    if rule:
        assert problem.get("rule") == rule, problem


CLASSIFIED = [("crime", "hocr-classifications"), ("incident", "incident-categories")]
ALL_CLASSIFICATIONS = codes("hocr-classifications", "incident-categories")


@pytest.mark.parametrize(("kind", "list_id"), CLASSIFIED)
def test_every_classification_is_accepted_with_its_published_title(
    records: RunningSim, session: requests.Session, kind: str, list_id: str
) -> None:
    for entry in published(list_id):
        resp = _occurrence(records, session, type=kind, classification={"code": str(entry["code"]).lower()})
        assert resp.status_code == 201, (entry["code"], resp.text)
        assert resp.json()["classification"] == {"code": str(entry["code"]), "title": entry["title"]}


@pytest.mark.parametrize(("kind", "list_id"), CLASSIFIED)
def test_a_made_up_neighbour_of_every_classification_is_refused(
    records: RunningSim, session: requests.Session, kind: str, list_id: str
) -> None:
    for entry in published(list_id):
        fake = neighbour(str(entry["code"]), ALL_CLASSIFICATIONS)
        resp = _occurrence(records, session, type=kind, classification={"code": fake})
        _refused(resp, "classification.code", "RMS-OCC-001")


def test_every_crime_outcome_is_accepted_and_a_neighbour_of_each_refused(
    records: RunningSim, session: requests.Session
) -> None:
    taken = codes("crime-outcomes")
    for entry in published("crime-outcomes"):
        crime = {"type": "crime", "classification": {"code": "46"}, "status": "closed"}
        resp = _occurrence(records, session, **crime, outcome={"code": str(entry["code"])})
        assert resp.status_code == 201, (entry["code"], resp.text)
        assert resp.json()["outcome"] == {"code": str(entry["code"]), "title": entry["title"]}
        fake = neighbour(str(entry["code"]), taken)
        _refused(
            _occurrence(records, session, **crime, outcome={"code": fake}), "outcome.code", "RMS-OCC-005"
        )


ETHNICITY_LISTS = [
    "ethnicity-self-defined-16-plus-1",
    "ethnicity-self-defined-18-plus-1",
    "ethnicity-officer-observed",
]
#: The nominal fields each list is accepted in: the combined legacy field and the field of its own kind.
ETHNICITY_FIELDS = {
    "ethnicity-self-defined-16-plus-1": ("ethnicity", "self_defined_ethnicity"),
    "ethnicity-self-defined-18-plus-1": ("ethnicity", "self_defined_ethnicity"),
    "ethnicity-officer-observed": ("ethnicity", "officer_observed_ethnicity"),
}


def _patch(
    records: RunningSim, session: requests.Session, nominal: str, body: dict[str, Any]
) -> requests.Response:
    return session.patch(
        records.url + f"/nominals/{nominal}", json=body, headers={"If-Match": "*"}, timeout=10
    )


@pytest.mark.parametrize(
    ("list_id", "field"), [(k, f) for k, fields in ETHNICITY_FIELDS.items() for f in fields]
)
def test_every_ethnicity_code_is_accepted_and_a_neighbour_of_each_refused(
    records: RunningSim, session: requests.Session, nominal_id: str, list_id: str, field: str
) -> None:
    taken = codes(*ETHNICITY_LISTS)
    for entry in published(list_id):
        resp = _patch(records, session, nominal_id, {field: entry["code"]})
        assert resp.status_code == 200 and resp.json()[field] == entry["code"], resp.text
        fake = neighbour(entry["code"], taken)
        _refused(_patch(records, session, nominal_id, {field: fake}), field, None)


@pytest.mark.parametrize(
    ("field", "other_kind"),
    [
        ("self_defined_ethnicity", "ethnicity-officer-observed"),
        ("officer_observed_ethnicity", "ethnicity-self-defined-16-plus-1"),
    ],
)
def test_the_two_ethnicity_fields_refuse_each_others_codes(
    records: RunningSim, session: requests.Session, nominal_id: str, field: str, other_kind: str
) -> None:
    for entry in published(other_kind):
        _refused(_patch(records, session, nominal_id, {field: entry["code"]}), field, None)


def test_every_warning_marker_is_accepted_with_its_title_and_a_neighbour_of_each_refused(
    records: RunningSim, session: requests.Session, nominal_id: str
) -> None:
    taken = codes("warning-markers")
    for entry in published("warning-markers"):
        resp = _patch(records, session, nominal_id, {"warning_markers": [{"code": entry["code"]}]})
        assert resp.status_code == 200, resp.text
        assert [(m["code"], m["description"]) for m in resp.json()["warning_markers"]] == [
            (entry["code"], entry["title"])
        ]
        fake = neighbour(entry["code"], taken)
        resp = _patch(records, session, nominal_id, {"warning_markers": [{"code": fake}]})
        _refused(resp, "code", None)


@pytest.mark.parametrize(("given", "stored"), [("GIR 0AA", "GIR 0AA"), ("gir0aa", "GIR 0AA")])
def test_the_special_postcode_is_accepted_through_the_api(
    records: RunningSim, session: requests.Session, given: str, stored: str
) -> None:
    location = {"line1": "1 Test Street", "town": "Leeds", "postcode": given}
    resp = _occurrence(
        records, session, type="incident", classification={"code": "PSW-CONCERN"}, location=location
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["location"]["postcode"] == stored


def test_a_neighbour_of_the_special_postcode_is_refused_with_its_rule(
    records: RunningSim, session: requests.Session
) -> None:
    location = {"line1": "1 Test Street", "town": "Leeds", "postcode": "GIR 0AB"}
    resp = _occurrence(
        records, session, type="incident", classification={"code": "PSW-CONCERN"}, location=location
    )
    _refused(resp, "location.postcode", "RMS-ID-003")


def test_naming_a_code_list_is_not_a_change_of_the_contract() -> None:
    from harness.standard.diff import diff

    def doc(extra: dict[str, Any]) -> dict[str, Any]:
        kind = {"type": "string", "enum": ["a", "b"], **extra}
        body = {"content": {"application/json": {"schema": {"type": "object", "properties": {"kind": kind}}}}}
        op = {"requestBody": body, "responses": {"204": {"description": "done"}}}
        return {"openapi": "3.1.0", "info": {"title": "t", "version": "1.0.0"}, "paths": {"/x": {"post": op}}}

    annotated = {"x-codelist": ["kinds"], "x-codelist-subset": True, "x-codelist-open": True}
    assert not [c for c in diff(doc({}), doc(annotated)) if c.breaking]
    # the values themselves are still compared: a narrowed enum stays breaking
    narrowed = doc(annotated)
    narrowed["paths"]["/x"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"][
        "kind"
    ]["enum"] = ["a"]
    assert [c for c in diff(doc({}), narrowed) if c.breaking]
