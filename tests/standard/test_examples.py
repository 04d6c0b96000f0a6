"""Every request example in the bundled documents is true: replayed against freshly seeded
simulators (the default world of `interop up`, which the examples name), each gets the documented
success answer (issue 18, item 4).

Examples are replayed in the order of a story (create, then change, then close), each operation's
path parameters and If-Match taken from what the earlier steps answered. Examples that cannot be
true as written are listed in NOT_YET with the reason: each is a defect of the documents to fix.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from harness.embedded import EmbeddedEcosystem, embedded_ecosystem
from simulators.core.config import DEFAULT_POPULATION, DEFAULT_SEED, SYSTEMS
from simulators.core.spec import load_spec
from tests.simkit import POPULATION_CACHE

SCOPES = {
    "records": "records:read records:write records:export records:import",
    "custody": "custody:read custody:write custody:export custody:import",
    "intelligence": "intelligence:read intelligence:write intelligence:export intelligence:import",
}

# (system, METHOD, path template, example name), in story order; `binds` names what a 2xx answer
# provides to later steps (its id, under the path parameter's name).
STORY: list[tuple[str, str, str, str]] = [
    ("records", "POST", "/nominals", "minimal"),
    ("records", "POST", "/nominals", "with_pnc"),
    ("records", "POST", "/nominals", "with_identity_details"),
    ("records", "PATCH", "/nominals/{nominal_id}", "add_marker"),
    ("records", "PATCH", "/nominals/{nominal_id}", "remove_pnc"),
    ("records", "POST", "/nominals/{nominal_id}/merges", "keying_error"),
    ("records", "POST", "/occurrences", "_"),
    ("records", "POST", "/occurrences/{occurrence_id}/links", "person"),
    ("records", "POST", "/occurrences/{occurrence_id}/links", "phone"),
    ("records", "POST", "/occurrences/{occurrence_id}/links", "place"),
    ("records", "POST", "/occurrences/{occurrence_id}/custody-outcomes", "_"),
    ("records", "PATCH", "/occurrences/{occurrence_id}", "_"),
    ("custody", "POST", "/custody-records", "known"),
    ("custody", "POST", "/custody-records/{custody_id}/authorisation", "authorise"),
    ("custody", "POST", "/custody-records/{custody_id}/rights", "rights"),
    ("custody", "POST", "/custody-records/{custody_id}/risk-assessment", "risk"),
    ("custody", "POST", "/custody-records/{custody_id}/property", "property"),
    ("custody", "POST", "/custody-records/{custody_id}/appropriate-adults", "vulnerable"),
    ("custody", "POST", "/custody-records/{custody_id}/reviews", "review"),
    ("custody", "POST", "/custody-records/{custody_id}/reviews", "second_review"),
    ("custody", "POST", "/custody-records/{custody_id}/extensions", "extension"),
    ("custody", "POST", "/custody-records/{custody_id}/warrants", "warrant"),
    ("custody", "POST", "/custody-records/{custody_id}/charge", "kept_for_court"),
    ("custody", "POST", "/custody-records/{custody_id}/outcome", "charged"),
    ("custody", "POST", "/custody-records/{custody_id}/bail-extensions", "inspector"),
    ("intelligence", "POST", "/reports", "conditional"),
    ("intelligence", "PATCH", "/reports/{report_id}", "regrade"),
    *(
        step
        for system in ("records", "custody", "intelligence")
        for step in (
            (system, "POST", "/bulk/exports", "incremental"),
            (system, "POST", "/bulk/imports", "per_record"),
            (system, "POST", "/bulk/imports/{import_id}/start", "unchecked"),
        )
    ),
]
ID_OF = {
    "/nominals": "nominal_id",
    "/occurrences": "occurrence_id",
    "/custody-records": "custody_id",
    "/reports": "report_id",
    "/bulk/imports": "import_id",
}

# A seeded nominal with a PNC ID and an address (Benjamin Russell), for the change that removes a PNC ID.
RUSSELL = "e85ae1ac-d35b-4bd6-ab97-d07763dc30b2"
BIND: dict[tuple[str, str, str, str], dict[str, str]] = {
    ("records", "PATCH", "/nominals/{nominal_id}", "remove_pnc"): {"nominal_id": RUSSELL},
    # The survivor of the seeded duplicate the merge example names (Abbott; the duplicate is Abott).
    ("records", "POST", "/nominals/{nominal_id}/merges", "keying_error"): {
        "nominal_id": "a726ac2a-324f-4cf3-9ade-2f43e78d97ac"
    },
    # A seeded record released on pre-charge bail (Poole, bailed 2018-10-09), for a bail extension.
    ("custody", "POST", "/custody-records/{custody_id}/bail-extensions", "inspector"): {
        "custody_id": "eeff7b86-323a-4821-b26e-f415a6cc85a2"
    },
}

NOT_YET: dict[tuple[str, str, str, str], str] = {}


def examples(system: str) -> Iterator[tuple[str, str, str, Any]]:
    """(METHOD, path, example name, value) of every request example of `system`'s document."""
    for path, item in load_spec(system)["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or "requestBody" not in op:
                continue
            for media in (op["requestBody"].get("content") or {}).values():
                found = dict(media.get("examples") or {})
                if "example" in media:
                    found["_"] = {"value": media["example"]}
                for name, example in found.items():
                    yield method.upper(), path, name, example.get("value")


def test_the_story_replays_every_request_example() -> None:
    """A new example needs a place in STORY, so that none goes unchecked."""
    every = {(s, m, p, n) for s in SYSTEMS for m, p, n, _ in examples(s)}
    assert every == set(STORY)


@pytest.fixture(scope="module")
def replayed(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[tuple[str, str, str, str], tuple[int, str, list[int]]]:
    """Each step's (status, body excerpt, the documented success statuses)."""
    with embedded_ecosystem(
        home=tmp_path_factory.mktemp("examples"),
        population=DEFAULT_POPULATION,
        seed=DEFAULT_SEED,
        config_overrides={"population_cache": POPULATION_CACHE},
    ) as eco:
        return _play(eco)


def _parameter_names(system: str, path: str, op: dict[str, Any]) -> set[str]:
    spec = load_spec(system)
    params = spec["paths"][path].get("parameters", []) + op.get("parameters", [])
    resolved = [
        spec["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p for p in params
    ]
    return {p["name"] for p in resolved}


def _play(eco: EmbeddedEcosystem) -> dict[tuple[str, str, str, str], tuple[int, str, list[int]]]:
    ids: dict[str, str] = {}
    values = {(s, m, p, n): v for s in SYSTEMS for m, p, n, v in examples(s)}
    out = {}
    for step in STORY:
        system, method, path, name = step
        op = load_spec(system)["paths"][path][method.lower()]
        media_type = next(iter(op["requestBody"]["content"]))
        success = sorted(int(s) for s in op["responses"] if str(s).startswith("2"))
        token = eco.app(system).extensions["interop"].issuer.issue("examples", SCOPES[system].split())
        auth = {"Authorization": f"Bearer {token}"}
        url = path
        for param, value in {**ids, **BIND.get(step, {})}.items():
            url = url.replace("{" + param + "}", value)
        if "{" in url:
            out[step] = (0, f"no {url} yet: an earlier step failed", success)
            continue
        headers = {**auth, "Content-Type": media_type}
        if "If-Match" in _parameter_names(system, path, op):
            # As a client does: read the resource, then change the version it read.
            resource = "/".join(url.split("/")[:3])
            headers["If-Match"] = requests.get(eco.urls[system] + resource, headers=auth, timeout=30).headers[
                "ETag"
            ]
        answer = requests.request(
            method, eco.urls[system] + url, json=copy.deepcopy(values[step]), headers=headers, timeout=30
        )
        out[step] = (answer.status_code, answer.text[:400], success)
        key = ID_OF.get(path)
        if answer.status_code < 300 and key and method == "POST":  # created: later steps act on it
            ids[key] = answer.json()[key]
    return out


@pytest.mark.parametrize("step", STORY, ids=[" ".join(s) for s in STORY])
def test_example_gets_its_documented_answer(replayed: dict, step: tuple[str, str, str, str]) -> None:
    status, body, success = replayed[step]
    if step in NOT_YET:
        assert status not in success, f"{' '.join(step)} is true now: take it out of NOT_YET"
        pytest.xfail(NOT_YET[step])
    assert status in success, f"{' '.join(step)}: answered {status}, documented {success}: {body}"
