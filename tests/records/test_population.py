"""The seeded population as loaded: everything there, defects as recorded, an empty feed, reset, faults."""

from __future__ import annotations

from collections import Counter

from simulators.population import PopulationSpec, ensure_population, read_records
from tests.records.conftest import Api
from tests.simkit import POPULATION_CACHE


def population(records) -> dict[str, list[dict]]:  # type: ignore[no-untyped-def]
    cfg = records.ctx.config
    folder = ensure_population(
        PopulationSpec(seed=cfg.seed, people=cfg.population, defect_rate=cfg.defect_rate), POPULATION_CACHE
    )
    return {kind: list(read_records(folder, kind)) for kind in ("nominals", "occurrences", "defects")}


def all_pages(api: Api, path: str) -> list[dict]:
    out, cursor = [], None
    while True:
        page = api.get(path, params={"limit": 200, **({"cursor": cursor} if cursor else {})}).json()
        out.extend(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return out


def test_reset_loads_everything_with_an_empty_feed(api: Api, records) -> None:  # type: ignore[no-untyped-def]
    assert records.sim("POST", "/reset").status_code == 200
    assert api.get("/events").json()["items"] == []
    pop = population(records)
    nominals = {n["nominal_id"]: n for n in all_pages(api, "/nominals")}
    assert set(nominals) == {n["nominal_id"] for n in pop["nominals"]}
    occurrences = {o["occurrence_id"]: o for o in all_pages(api, "/occurrences")}
    assert set(occurrences) == {o["occurrence_id"] for o in pop["occurrences"]}
    for src in pop["occurrences"]:
        got = occurrences[src["occurrence_id"]]
        assert Counter((lk["nominal_id"], lk["role"]) for lk in got["links"]) == Counter(
            (lk["nominal_id"], lk["role"]) for lk in src["links"]
        )
        assert got["reference"] == src["reference"] and got["classification"] == src["classification"]
        assert got["outcome"] == src["outcome"] and got["status"] == src["status"]
    for src in pop["nominals"]:
        got = nominals[src["nominal_id"]]
        for field in ("pnc_id", "cro_number", "surname", "forenames", "sex", "date_of_birth", "ethnicity"):
            assert got[field] == src[field], field
        assert got["address"]["postcode"] == src["address"]["postcode"]  # as recorded, defects included
        assert [m["code"] for m in got["warning_markers"]] == [m["code"] for m in src["warning_markers"]]


def test_loaded_nominals_are_searchable_including_aliases(api: Api, records) -> None:  # type: ignore[no-untyped-def]
    pop = population(records)
    with_pnc = next(n for n in pop["nominals"] if n["pnc_id"])
    hits = api.get("/nominals", params={"pnc_id": with_pnc["pnc_id"]}).json()["items"]
    assert with_pnc["nominal_id"] in [h["nominal_id"] for h in hits]
    someone = pop["nominals"][0]
    hits = api.get(
        "/nominals", params={"surname": someone["surname"].upper(), "forename": someone["forenames"][0]}
    ).json()["items"]
    assert someone["nominal_id"] in [h["nominal_id"] for h in hits]
    aliased = next((n for n in pop["nominals"] if n["aliases"]), None)
    if aliased:
        alias = aliased["aliases"][0]
        hits = api.get("/nominals", params={"surname": alias["surname"]}).json()["items"]
        assert aliased["nominal_id"] in [h["nominal_id"] for h in hits]


def test_duplicates_are_separate_and_can_be_merged(api: Api, records) -> None:  # type: ignore[no-untyped-def]
    pop = population(records)
    dupes = [d for d in pop["defects"] if d["kind"] == "duplicate_nominal"]
    for d in dupes:
        assert api.get(f"/nominals/{d['nominal_id']}").json()["nominal_id"] == d["nominal_id"]
    if dupes:
        d = dupes[0]
        resp = api.post(
            f"/nominals/{d['original_nominal_id']}/merges",
            {"duplicate_id": d["nominal_id"], "reason": "population duplicate"},
        )
        assert resp.status_code in (200, 422), resp.text  # 422 only if a domain rule forbids it
        if resp.status_code == 200:
            assert api.get(f"/nominals/{d['nominal_id']}").json()["nominal_id"] == d["original_nominal_id"]


def test_faults_answer_documented_problems(api: Api, records) -> None:  # type: ignore[no-untyped-def]
    assert records.sim("PUT", "/faults", json={"down": True}).status_code == 200
    try:
        resp = api.get("/nominals")
        assert resp.status_code == 503 and resp.headers["Retry-After"] == "30"
        assert api.post("/nominals", {"surname": "X", "forenames": ["Y"], "sex": "male"}).status_code == 503
    finally:
        records.sim("PUT", "/faults", json={"down": False})
    assert records.sim("PUT", "/faults", json={"error_rate": 1.0}).status_code == 200
    try:
        assert api.get("/occurrences").status_code == 500
    finally:
        records.sim("PUT", "/faults", json={"error_rate": 0.0})


def test_event_feed_paging_and_filters(api: Api) -> None:
    n = api.create()
    api.patch(f"/nominals/{n['nominal_id']}", {"sex": "female"}, '"v1"')
    first = api.get("/events", params={"limit": 1}).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    rest = api.get("/events", params={"after": first["next_cursor"]}).json()["items"]
    assert all(int(e["event_id"]) > int(first["items"][0]["event_id"]) for e in rest)
    only = api.get("/events", params={"type": "nominal.updated"}).json()["items"]
    assert only and all(e["type"] == "nominal.updated" for e in only)
    assert api.get("/events", scopes="custody:read").status_code == 403
    assert api.get("/events", params={"after": "!!"}).status_code == 400


def test_a_database_from_an_older_schema_is_loaded_into_recreated_tables(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import inspect, text, update

    from simulators.core.app import POPULATION_KEY
    from tests.simkit import start_system

    first = start_system("records", tmp_path / "home")
    ctx = first.ctx
    index = next(ix.name for t in ctx.db.metadata.sorted_tables for ix in t.indexes if ix.name)
    table = next(t.name for t in ctx.db.metadata.sorted_tables if index in {ix.name for ix in t.indexes})
    nominals = len(population(first)["nominals"])
    with ctx.db.transaction() as s:  # as an older release left it: no such index, another schema
        s.execute(text(f"DROP INDEX {index}"))
        state = ctx.tables.state
        s.execute(update(state).where(state.c.key == POPULATION_KEY).values(value={"schema": "older"}))
    first.stop()
    again = start_system("records", tmp_path / "home")
    try:
        indexes = {ix["name"] for ix in inspect(again.ctx.db.engine).get_indexes(table)}
        assert index in indexes
        assert again.get("/nominals?limit=200", "records:read").status_code == 200
        with again.ctx.db.session() as s:
            assert s.execute(text("SELECT count(*) FROM records_nominals")).scalar() == nominals
    finally:
        again.stop()
