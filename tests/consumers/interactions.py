"""Interaction builders the consumer pacts share: requests for a resource the provider state names,
the standard refusals (404 for a missing resource, 401 without a token), and the two tests every
consumer -> provider pair runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pact.interaction import HttpInteraction

from simulators.clients.base import UpstreamError
from tests.consumers.conftest import PactRecorder
from tests.consumers.support import (
    UUID_RE,
    Case,
    Pair,
    accepts_json,
    authorised,
    path_from_state,
    problem_response,
)


def state_path(collection: str, example: str, variable: str, suffix: str = "") -> Any:
    """`/<collection>/<id><suffix>`, the id being the provider state's `${variable}`."""
    return path_from_state(
        f"/{collection}/{example}{suffix}",
        f"/{collection}/${{{variable}}}{suffix}",
        rf"^/{collection}/{UUID_RE[1:-1]}{suffix}$",
    )


def request_from_state(
    i: HttpInteraction, collection: str, example: str, variable: str, suffix: str = "", method: str = "GET"
) -> HttpInteraction:
    """An authorised request for `/<collection>/<id><suffix>`, the id supplied by the provider state."""
    return authorised(accepts_json(i.with_request(method, state_path(collection, example, variable, suffix))))


def _get(i: HttpInteraction, path: str, query: dict[str, str]) -> HttpInteraction:
    request = i.with_request("GET", path)
    for name, value in query.items():
        request = request.with_query_parameter(name, value)
    return accepts_json(request)


def not_found(
    noun: str, collection: str, id_field: str, unknown_id: str
) -> Callable[[HttpInteraction], None]:
    """Declares an authorised GET of `/<collection>/<unknown_id>` that the provider answers 404."""

    def define(i: HttpInteraction) -> None:
        i.given(f"no {noun} with id {unknown_id} exists", {id_field: unknown_id})
        authorised(_get(i, f"/{collection}/{unknown_id}", {}))
        problem_response(i, 404)

    return define


def bad_request(path: str, **query: str) -> Callable[[HttpInteraction], None]:
    """Declares an authorised GET of `path` (with `query`) that the provider refuses 400."""

    def define(i: HttpInteraction) -> None:
        authorised(_get(i, path, query))
        problem_response(i, 400)

    return define


def no_token(path: str, **query: str) -> Callable[[HttpInteraction], None]:
    """Declares a GET of `path` (with `query`) without an Authorization header, answered 401."""

    def define(i: HttpInteraction) -> None:
        _get(i, path, query)
        problem_response(i, 401)

    return define


def refused(status: int, call: Callable[[], object]) -> UpstreamError:
    """Run the consumer call, which must fail with an UpstreamError of `status`; return the error."""
    with pytest.raises(UpstreamError) as err:
        call()
    assert err.value.status == status
    return err.value


def pact_tests(pair: Pair, cases: list[Case]) -> tuple[Callable[..., None], Callable[..., None]]:
    """The two tests of a pair: each case against the committed pact, then the pact file as a whole.

    Bind them to `test_interaction, test_pact_file_is_complete` in the test module."""

    @pytest.mark.parametrize("case", cases, ids=lambda c: c.key)
    def test_interaction(case: Case, pact_recorder: PactRecorder) -> None:
        pact_recorder.check(pair, case)

    def test_pact_file_is_complete(pact_recorder: PactRecorder) -> None:
        pact_recorder.complete(pair, cases)

    return test_interaction, test_pact_file_is_complete
