"""Reports follow records' merges: a report on a nominal later merged away is found through the
survivor (by subject search and by the indicator). The merges come from records' change feed,
caught up before each such query (simulators/core/merge_aliases.py)."""

from __future__ import annotations

import contextlib

from simulators.clients.base import UpstreamError
from simulators.core import merge_aliases
from simulators.core.context import sim
from simulators.intelligence.context import itables, records_client


def same_person_ids(nominal_id: str) -> list[str]:
    """Every nominal id records has used for this person (survivor first)."""
    tables = itables().merges
    db = sim().db
    client = records_client()
    # records unreachable: answer with the merges already followed
    with contextlib.suppress(UpstreamError):
        merge_aliases.catch_up(db, tables, lambda after: client.events(after, 200, merge_aliases.MERGED))
    with db.session() as s:
        return merge_aliases.same_person(s, tables, nominal_id)
