"""Nominal search: identifiers, full or partial date of birth, and tolerant name matching.

Candidates come from one indexed query over the name keys (joined to the nominals for the active
and identifier filters); each candidate is scored in Python from its keys alone, and the result is
ordered by (score desc, nominal_id) with a cursor that holds the last (score, id) seen. Only the
page returned loads whole nominals: with 100,000 people a common name has hundreds of candidates.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, bindparam, or_, select

from simulators.core.problems import Problem
from simulators.domain.identifiers import normalise_cro_number, normalise_pnc_id
from simulators.records import dates, names, nominals
from simulators.records.tables import NAME_KEY_WIDTH, RecordsTables

MAX_CANDIDATES = 5000
ALIAS_FACTOR = 0.9
PARTIAL_DOB_FACTOR = 0.9
_WEAKNESS = {"exact": 0, "variant": 1, "phonetic": 2}
_FACTORS = names.FACTORS


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


@dataclass(frozen=True, slots=True)
class NameMatch:
    """How the best name record of a nominal matched (the `match` fields that come from names)."""

    name_match: str | None
    alias_index: int | None
    dob: str | None


@dataclass(frozen=True, slots=True)
class Hit:
    """One nominal found: its id, rounded score (what clients see and the cursor holds) and match."""

    nominal_id: str
    score: float
    name: NameMatch | None  # None: found by identifiers alone


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


def _compared_keys(query: tuple[str, str, str]) -> tuple[int, ...]:
    """Which of (fold, variant, Soundex) to compare: the fewest that select the same rows.

    Each key is a function of the one before (variant of the fold, Soundex of the variant), so an
    equal fold or variant implies an equal Soundex: `phonetic = ?` alone finds every row whose fold,
    variant or Soundex matches, and with both names given the composite (surname, forename) Soundex
    index bounds the candidates. Not so for names without Latin letters (no Soundex: the variant
    decides) or keys as long as the column, which may have been cut short when stored (then all of
    them are compared).
    """
    fold, variant, phonetic = query
    if len(fold) >= NAME_KEY_WIDTH or len(variant) >= NAME_KEY_WIDTH:
        return (0, 1, 2) if phonetic else (0, 1)
    return (2,) if phonetic else (1,)


@functools.lru_cache(maxsize=128)
def _candidates_stmt(
    t: RecordsTables,
    surname: tuple[int, ...] | None,
    forename: tuple[int, ...] | None,
    dob: bool,
    pnc: bool,
    cro: bool,
) -> Select[Any]:
    """Name-key rows of active nominals meeting every criterion, for one shape of criteria.

    Built once per shape (values are bound parameters): building the statement for each search
    cost as much as running it.
    """
    nk, n = t.name_keys, t.nominals
    conds = _identifier_conditions(t, pnc, cro)
    for part, compared in (("surname", surname), ("forename", forename)):
        if compared is not None:
            keys = (nk.c[f"{part}_key"], nk.c[f"{part}_variant"], nk.c[f"{part}_phonetic"])
            conds.append(or_(*(keys[i] == bindparam(f"{part}_{i}") for i in compared)))
    if dob:
        # Stored value equal to, finer than (the query is its prefix) or coarser than (a prefix of) the query.
        d = nk.c.date_of_birth
        conds.append(
            or_(
                d == bindparam("dob"),
                and_(d > bindparam("dob"), d < bindparam("dob_end")),
                d.in_(bindparam("dob_prefixes", expanding=True)),
            )
        )
    return (
        select(
            nk.c.id,
            nk.c.nominal_id,
            nk.c.alias_index,
            nk.c.surname_key,
            nk.c.surname_variant,
            nk.c.surname_phonetic,
            nk.c.forename_key,
            nk.c.forename_variant,
            nk.c.forename_phonetic,
            nk.c.date_of_birth,
        )
        .join(n, n.c.nominal_id == nk.c.nominal_id)
        .where(*conds)
        .limit(MAX_CANDIDATES)
    )


@functools.lru_cache(maxsize=8)
def _identified_stmt(t: RecordsTables, pnc: bool, cro: bool) -> Select[Any]:
    """Ids of active nominals holding the identifiers asked for (no name criteria)."""
    n = t.nominals
    return select(n.c.nominal_id).where(*_identifier_conditions(t, pnc, cro)).limit(MAX_CANDIDATES)


@functools.lru_cache(maxsize=8)
def _rows_stmt(t: RecordsTables) -> Select[Any]:
    """The nominals of one page (still active: on PostgreSQL each statement sees its own snapshot)."""
    n = t.nominals
    return select(n).where(n.c.nominal_id.in_(bindparam("ids", expanding=True)), n.c.merged_into.is_(None))


def _identifier_conditions(t: RecordsTables, pnc: bool, cro: bool) -> list[Any]:
    """Active nominals holding the PNC ID / CRO number asked for."""
    n = t.nominals
    conds: list[ColumnElement[bool]] = [n.c.merged_into.is_(None)]
    if pnc:
        conds.append(n.c.pnc_id == bindparam("pnc_id"))
    if cro:
        conds.append(n.c.cro_number == bindparam("cro_number"))
    return conds


def _name_candidates(
    s: Connection,
    t: RecordsTables,
    c: Criteria,
    surname: tuple[str, str, str] | None,
    forename: tuple[str, str, str] | None,
) -> list[Any]:
    """Name-key rows of active nominals meeting every name, date-of-birth and identifier criterion."""
    params: dict[str, Any] = {"pnc_id": c.pnc_id, "cro_number": c.cro_number}
    shape = []
    for part, query in (("surname", surname), ("forename", forename)):
        compared = _compared_keys(query) if query else None
        shape.append(compared)
        if query and compared:
            for i in compared:
                params[f"{part}_{i}"] = query[i]
    if c.date_of_birth:
        params.update(
            dob=c.date_of_birth, dob_end=c.date_of_birth + "~", dob_prefixes=dates.prefixes(c.date_of_birth)
        )
    stmt = _candidates_stmt(t, *shape, bool(c.date_of_birth), bool(c.pnc_id), bool(c.cro_number))
    return list(s.execute(stmt, params).all())


def _tie_rank(row: Any, surname: tuple[str, str, str] | None, dob: str | None) -> tuple[Any, ...]:
    """Which of two equally scored name records of one nominal reports the match (lowest first).

    The stronger surname match (else date-of-birth match: exact, finer, coarser), then the record
    written first (primary name, then aliases in order). This is the order the candidate query used
    to return rows in on SQLite, so results stay as they were; now it holds on every backend.
    """
    if surname:
        kind = names.compare(surname, (row.surname_key, row.surname_variant, row.surname_phonetic))
        return (_WEAKNESS[kind or "phonetic"], "", row.id)
    if dob and row.date_of_birth:
        stored = row.date_of_birth
        return (0 if stored == dob else 1 if len(stored) > len(dob) else 2, stored, row.id)
    return (0, "", row.id)


def _scored(
    rows: list[Any],
    c: Criteria,
    surname: tuple[str, str, str] | None,
    forename: tuple[str, str, str] | None,
) -> list[Hit]:
    """One hit per nominal, from its best-scoring name record (ties: `_tie_rank`), keys alone."""
    best: dict[str, tuple[float, str | None, str | None, Any]] = {}
    dob = c.date_of_birth
    compare, compatible = names.compare, dates.compatible
    for row in rows:
        _, nominal_id, alias_index, s_key, s_variant, s_phonetic, f_key, f_variant, f_phonetic, held_dob = row
        factor, weakest = 1.0, None
        if surname:
            weakest = compare(surname, (s_key, s_variant, s_phonetic))
            if weakest is None:
                continue
            factor *= _FACTORS[weakest]
        if forename:
            kind = compare(forename, (f_key, f_variant, f_phonetic))
            if kind is None:
                continue
            factor *= _FACTORS[kind]
            if weakest is None or _WEAKNESS[kind] > _WEAKNESS[weakest]:
                weakest = kind
        if alias_index is not None:
            factor *= ALIAS_FACTOR
        dob_kind = compatible(held_dob, dob) if dob else None
        if dob_kind == "partial":
            factor *= PARTIAL_DOB_FACTOR
        held = best.get(nominal_id)
        if (
            held is None
            or factor > held[0]
            or (factor == held[0] and _tie_rank(row, surname, dob) < _tie_rank(held[3], surname, dob))
        ):
            best[nominal_id] = (factor, weakest, dob_kind, row)
    return [
        Hit(nominal_id, round(factor, 3), NameMatch(weakest, row.alias_index, dob_kind))
        for nominal_id, (factor, weakest, dob_kind, row) in best.items()
    ]


def search(s: Connection, t: RecordsTables, c: Criteria) -> list[Hit]:
    """Every active nominal matching all criteria, best first (callers page the list)."""
    if c.surname or c.forename or c.date_of_birth:
        surname = names.surname_keys(c.surname) if c.surname else None
        forename = names.forename_keys(c.forename) if c.forename else None
        if (surname and not surname[0]) or (forename and not forename[0]):
            return []  # a name without letters or digits matches nothing
        hits = _scored(_name_candidates(s, t, c, surname, forename), c, surname, forename)
    else:
        stmt = _identified_stmt(t, bool(c.pnc_id), bool(c.cro_number))
        ids = s.execute(stmt, {"pnc_id": c.pnc_id, "cro_number": c.cro_number}).scalars()
        hits = [Hit(nominal_id, 1.0, None) for nominal_id in ids]
    hits.sort(key=lambda h: (-h.score, h.nominal_id))
    return hits


def page_items(s: Connection, t: RecordsTables, c: Criteria, hits: list[Hit]) -> list[dict[str, Any]]:
    """The wire items of one page of hits: the nominal, and how it matched."""
    if not hits:
        return []
    rows = {r.nominal_id: r for r in s.execute(_rows_stmt(t), {"ids": [h.nominal_id for h in hits]}).all()}
    matched_on = [
        part
        for part, given in (
            ("pnc_id", c.pnc_id),
            ("cro_number", c.cro_number),
            ("surname", c.surname),
            ("forename", c.forename),
            ("date_of_birth", c.date_of_birth),
        )
        if given
    ]
    items = []
    for h in hits:
        row = rows.get(h.nominal_id)
        if row is None:  # merged since the candidates were read
            continue
        m = h.name
        alias = None
        if m and m.alias_index is not None and m.alias_index < len(row.aliases):
            a = row.aliases[m.alias_index]
            alias = {
                "surname": a["surname"],
                "forenames": list(a.get("forenames") or []),
                "date_of_birth": a.get("date_of_birth"),
            }
        match = {
            "score": h.score,
            "matched_on": list(matched_on),
            "name_match": m.name_match if m else None,
            "via_alias": bool(m and m.alias_index is not None),
            "alias": alias,
            "date_of_birth_match": m.dob if m else None,
        }
        body = nominals.nominal_body(row)
        body["match"] = match
        items.append(body)
    return items


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
        hits = [h for h in hits if (-h.score, h.nominal_id) > (-score, last_id)]
    page = hits[:limit]
    next_key = [page[-1].score, page[-1].nominal_id] if len(hits) > limit else None
    return page, next_key
