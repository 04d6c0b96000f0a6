"""Custody history follows records' merges: the custody records of a nominal later merged away are
found by the survivor's id (and by any id of the same person). The merges come from records'
change feed, caught up before each query by nominal (simulators/core/merge_aliases.py)."""

from __future__ import annotations

import contextlib

from simulators.clients.base import UpstreamError
from simulators.core import merge_aliases
from simulators.core.context import sim
from simulators.custody.identify import records_client
from simulators.custody.store import tables


def same_person_ids(nominal_id: str) -> list[str]:
    """Every nominal id records has used for this person (survivor first)."""
    ctx = sim()
    merges = tables().merges
    client = records_client(ctx)
    events = getattr(client, "events", None)
    if events is not None:  # a test's in-process fake may have no feed
        # records unreachable: answer with the merges already followed
        with contextlib.suppress(UpstreamError):
            merge_aliases.catch_up(ctx.db, merges, lambda after: events(after, 200, merge_aliases.MERGED))
    with ctx.db.session() as s:
        return merge_aliases.same_person(s, merges, nominal_id)
