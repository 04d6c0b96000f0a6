"""Nominal search: identifiers, full or partial date of birth, and tolerant name matching.

Candidates come from indexed lookups (name keys, identifier columns); each candidate is then
scored in Python, and the result is ordered by (score desc, nominal_id) with a cursor that holds
the last (score, id) seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from simulators.core.problems import Problem
from simulators.domain.identifiers import normalise_cro_number, normalise_pnc_id
from simulators.records import dates, names
from simulators.records.tables import RecordsTables

MAX_CANDIDATES = 5000
ALIAS_FACTOR = 0.9
PARTIAL_DOB_FACTOR = 0.9
_WEAKNESS = {"exact": 0, "variant": 1, "phonetic": 2}


@dataclass
class Criteria:
    surname: str | None = None
    forename: str | None = None
    date_of_birth: str | None = None
    pnc_id: str | None = None
    cro_number: str | None = None

    @property
    def empty(self) -> bool:
        return not any((self.surname, self.forename, self.date_of_birth, self.pnc_id, self.cro_number))


@dataclass
class Hit:
    row: Any
    match: dict[str, Any] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return float(self.match["score"])


def criteria_from_args(args: Any) -> Criteria:
    """Query parameters -> canonical criteria; 400 for a malformed identifier or impossible date."""
    c = Criteria(
        surname=args.get("surname") or None,
        forename=args.get("forename") or None,
        date_of_birth=args.get("date_of_birth") or None,
    )
    errors = []
    if args.get("pnc_id"):
        try:
            c.pnc_id = normalise_pnc_id(args["pnc_id"])
        except ValueError as exc:
            errors.append(({"field": "query.pnc_id", "message": str(exc)}, "RMS-ID-001"))
    if args.get("cro_number"):
        try:
            c.cro_number = normalise_cro_number(args["cro_number"])
        except ValueError as exc:
            errors.append(({"field": "query.cro_number", "message": str(exc)}, "RMS-ID-002"))
    if c.date_of_birth:
        try:
            dates.parse_partial(c.date_of_birth)
        except ValueError as exc:
            errors.append(({"field": "query.date_of_birth", "message": str(exc)}, "RMS-DAT-001"))
    if errors:
        raise Problem(
            "validation-error",
            "Search criteria are not valid: " + "; ".join(f"{e['field']}: {e['message']}" for e, _ in errors),
            rule=errors[0][1],
            errors=[e for e, _ in errors],
        )
    return c


def _name_candidates(s: Session, t: RecordsTables, c: Criteria) -> list[Any]:
    nk = t.name_keys
    conds = []
    if c.surname:
        key = names.surname_keys(c.surname)
        if not key[0]:
            return []
        alts = [nk.c.surname_key == key[0], nk.c.surname_variant == key[1]]
        if key[2]:
            alts.append(nk.c.surname_phonetic == key[2])
        conds.append(or_(*alts))
    if c.forename:
        key = names.forename_keys(c.forename)
        if not key[0]:
            return []
        alts = [nk.c.forename_key == key[0], nk.c.forename_variant == key[1]]
        if key[2]:
            alts.append(nk.c.forename_phonetic == key[2])
        conds.append(or_(*alts))
    if c.date_of_birth:
        conds.append(_dob_condition(nk.c.date_of_birth, c.date_of_birth))
    return list(s.execute(select(nk).where(and_(*conds)).limit(MAX_CANDIDATES)).all())


def _dob_condition(column: Any, query: str) -> Any:
    """Stored value equal to, finer than (prefix match) or coarser than (a prefix of) the query."""
    return or_(column == query, and_(column > query, column < query + "~"), column.in_(dates.prefixes(query)))


def _score_name_row(query: dict[str, tuple[str, str, str]], row: Any) -> tuple[float, str | None] | None:
    """(name factor, weakest name match) of one name-key row, or None if a name criterion fails."""
    factor, kinds = 1.0, []
    stored = {
        "surname": (row.surname_key, row.surname_variant, row.surname_phonetic),
        "forename": (row.forename_key, row.forename_variant, row.forename_phonetic),
    }
    for part, keys in query.items():
        kind = names.compare(keys, stored[part])
        if kind is None:
            return None
        kinds.append(kind)
        factor *= names.FACTORS[kind]
    weakest = max(kinds, key=lambda k: _WEAKNESS[k]) if kinds else None
    return factor, weakest


def search(s: Session, t: RecordsTables, c: Criteria) -> list[Hit]:
    """Every active nominal matching all criteria, best first (callers page the list)."""
    best: dict[str, dict[str, Any]] = {}  # nominal_id -> match info from the name keys
    name_based = bool(c.surname or c.forename or c.date_of_birth)
    if name_based:
        query = {}
        if c.surname:
            query["surname"] = names.surname_keys(c.surname)
        if c.forename:
            query["forename"] = names.forename_keys(c.forename)
        for row in _name_candidates(s, t, c):
            scored = _score_name_row(query, row)
            if scored is None:
                continue
            factor, kind = scored
            via_alias = row.alias_index is not None
            if via_alias:
                factor *= ALIAS_FACTOR
            dob_kind = dates.compatible(row.date_of_birth, c.date_of_birth) if c.date_of_birth else None
            if c.date_of_birth and dob_kind == "partial":
                factor *= PARTIAL_DOB_FACTOR
            info = {
                "factor": factor,
                "name_match": kind,
                "via_alias": via_alias,
                "alias_index": row.alias_index,
                "dob": dob_kind,
            }
            if row.nominal_id not in best or factor > best[row.nominal_id]["factor"]:
                best[row.nominal_id] = info
    rows = _active_rows(s, t, c, list(best) if name_based else None)
    hits = []
    for row in rows:
        info = best.get(row.nominal_id)
        matched_on = []
        if c.pnc_id:
            matched_on.append("pnc_id")
        if c.cro_number:
            matched_on.append("cro_number")
        if c.surname:
            matched_on.append("surname")
        if c.forename:
            matched_on.append("forename")
        if c.date_of_birth:
            matched_on.append("date_of_birth")
        alias = None
        if info and info["alias_index"] is not None and info["alias_index"] < len(row.aliases):
            a = row.aliases[info["alias_index"]]
            alias = {
                "surname": a["surname"],
                "forenames": list(a.get("forenames") or []),
                "date_of_birth": a.get("date_of_birth"),
            }
        hits.append(
            Hit(
                row,
                {
                    "score": round(info["factor"] if info else 1.0, 3),
                    "matched_on": matched_on,
                    "name_match": info["name_match"] if info else None,
                    "via_alias": bool(info and info["via_alias"]),
                    "alias": alias,
                    "date_of_birth_match": info["dob"] if info else None,
                },
            )
        )
    hits.sort(key=lambda h: (-h.score, h.row.nominal_id))
    return hits


def _active_rows(s: Session, t: RecordsTables, c: Criteria, ids: list[str] | None) -> list[Any]:
    """Active nominals among `ids` (all when None) holding the PNC ID / CRO number asked for."""
    n = t.nominals

    def stmt_for(chunk: list[str] | None) -> Any:
        stmt = select(n).where(n.c.merged_into.is_(None))
        if chunk is not None:
            stmt = stmt.where(n.c.nominal_id.in_(chunk))
        if c.pnc_id:
            stmt = stmt.where(n.c.pnc_id == c.pnc_id)
        if c.cro_number:
            stmt = stmt.where(n.c.cro_number == c.cro_number)
        return stmt

    if ids is None:
        return list(s.execute(stmt_for(None).limit(MAX_CANDIDATES)).all())
    rows: list[Any] = []
    for i in range(0, len(ids), 500):  # IN lists within every backend's parameter limit
        rows.extend(s.execute(stmt_for(ids[i : i + 500])).all())
    return rows


NO_CURSOR = object()


def page_after(hits: list[Hit], cursor_key: Any, limit: int) -> tuple[list[Hit], Any]:
    """The page after the (score, id) cursor key (`NO_CURSOR` for the first page), and the next key."""
    if cursor_key is not NO_CURSOR:
        if (
            not isinstance(cursor_key, list)
            or len(cursor_key) != 2
            or not isinstance(cursor_key[0], int | float)
            or not isinstance(cursor_key[1], str)
        ):
            raise Problem(
                "validation-error",
                "The cursor is not one this system issued; start again without it.",
                errors=[{"field": "query.cursor", "message": "not a valid cursor"}],
            )
        score, last_id = float(cursor_key[0]), cursor_key[1]
        hits = [h for h in hits if (-h.score, h.row.nominal_id) > (-score, last_id)]
    page = hits[:limit]
    next_key = [page[-1].score, page[-1].row.nominal_id] if len(hits) > limit else None
    return page, next_key
