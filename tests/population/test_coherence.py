"""Cross-system coherence of the generated population: links, times, PACE, identifiers, codes."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta

from simulators.domain import codelists as cl
from simulators.domain import identifiers as ids

from .conftest import Population

ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$")
H = timedelta(hours=1)


def ts(value: str) -> datetime:
    assert ISO_UTC.match(value), value
    return datetime.fromisoformat(value)


def age_on(dob: date, when: datetime) -> int:
    d = when.date()
    return d.year - dob.year - ((d.month, d.day) < (dob.month, dob.day))


def test_manifest_counts_match_files(population: Population):
    m = population.manifest
    assert m["generator"] == "interop-population"
    assert m["seed"] == population.spec.seed and m["people"] == population.spec.people
    assert m["reference_time"] == "2026-06-01T00:00:00+00:00"
    for kind, records in population.records.items():
        assert m["counts"][kind] == len(records), kind
    assert len(population.records["nominals"]) >= population.spec.people


def test_ids_and_references_are_unique_and_well_formed(population: Population):
    r = population.records
    all_ids = (
        [n["nominal_id"] for n in r["nominals"]]
        + [o["occurrence_id"] for o in r["occurrences"]]
        + [c["custody_id"] for c in r["custody_records"]]
        + [i["report_id"] for i in r["intelligence_reports"]]
        + [d["defect_id"] for d in r["defects"]]
    )
    assert len(all_ids) == len(set(all_ids))
    uuid4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
    assert all(uuid4.match(i) for i in all_ids)
    for kind, key, pattern in (
        ("occurrences", "reference", ids.OCCURRENCE_REFERENCE_PATTERN),
        ("custody_records", "custody_number", ids.CUSTODY_NUMBER_PATTERN),
        ("intelligence_reports", "reference", ids.INTELLIGENCE_REFERENCE_PATTERN),
    ):
        values = [rec[key] for rec in r[kind]]
        assert len(values) == len(set(values)), kind
        assert all(re.match(pattern, v) for v in values), kind


def test_every_link_points_at_a_nominal(population: Population):
    nominals = population.nominals
    for occ in population.records["occurrences"]:
        assert occ["links"], occ["occurrence_id"]
        pairs = [(ln["nominal_id"], ln["role"]) for ln in occ["links"]]
        assert len(pairs) == len(set(pairs)), "one link per (person, role)"
        for nid, role in pairs:
            assert nid in nominals
            assert role in cl.LINK_ROLES
    for rec in population.records["custody_records"]:
        assert rec["nominal_id"] in nominals
        assert rec["occurrence_id"] in population.occurrences
        roles = {
            ln["role"]
            for ln in population.occurrences[rec["occurrence_id"]]["links"]
            if ln["nominal_id"] == rec["nominal_id"]
        }
        assert roles & {"suspect", "offender"}, "detainee is a suspect or offender of the occurrence"
    for rep in population.records["intelligence_reports"]:
        assert rep["subjects"] and rep["subjects"][0]["role"] == "subject"
        for s in rep["subjects"]:
            assert s["nominal_id"] in nominals
            assert s["role"] in cl.INTELLIGENCE_SUBJECT_ROLES


def test_no_orphan_nominals(population: Population):
    linked = {ln["nominal_id"] for o in population.records["occurrences"] for ln in o["links"]}
    assert set(population.nominals) <= linked


def test_detainees_carry_the_nominal_pnc_id_and_details(population: Population):
    for rec in population.records["custody_records"]:
        nominal = population.nominals[rec["nominal_id"]]
        assert nominal["pnc_id"] is not None
        assert rec["pnc_id"] == nominal["pnc_id"]
        assert rec["detainee"] == {
            "surname": nominal["surname"],
            "forenames": nominal["forenames"],
            "date_of_birth": nominal["date_of_birth"],
        }


def test_identifiers_validate_and_are_unique(population: Population):
    pncs = [n["pnc_id"] for n in population.records["nominals"] if n["pnc_id"]]
    cros = [n["cro_number"] for n in population.records["nominals"] if n["cro_number"]]
    assert pncs and cros
    assert len(pncs) == len(set(pncs)) and len(cros) == len(set(cros))
    for pnc in pncs:
        assert ids.is_valid_pnc_id(pnc) and re.match(ids.PNC_ID_PATTERN, pnc), pnc
    for cro in cros:
        assert ids.is_valid_cro_number(cro) and ids.normalise_cro_number(cro) == cro, cro
    # CRO numbers are issued on charge or summons, so every holder also has a PNC record.
    assert all(n["pnc_id"] for n in population.records["nominals"] if n["cro_number"])


def test_code_lists(population: Population):
    r = population.records
    for n in r["nominals"]:
        assert n["sex"] in cl.SEXES
        assert n["ethnicity"] is None or n["ethnicity"] in cl.ETHNICITY_18_PLUS_1
        for m in n["warning_markers"]:
            assert cl.WARNING_MARKERS[m["code"]] == m["description"]
    for o in r["occurrences"]:
        table = cl.HOCR_CLASSIFICATIONS if o["type"] == "crime" else cl.INCIDENT_CATEGORIES
        assert table[o["classification"]["code"]] == o["classification"]["title"]
        assert o["status"] in cl.OCCURRENCE_STATUSES
        if o["outcome"] is not None:
            assert o["type"] == "crime"
            assert cl.OUTCOMES[o["outcome"]["code"]] == o["outcome"]["title"]
        assert ids.is_valid_postcode(o["location"]["postcode"])
    for c in r["custody_records"]:
        assert c["offences"]
        for off in c["offences"]:
            assert cl.CJS_OFFENCES[off["cjs_code"]] == off["title"]
            assert ids.is_valid_cjs_offence_code(off["cjs_code"])
        assert c["outcome"]["type"] in cl.DETENTION_OUTCOMES
    for i in r["intelligence_reports"]:
        assert i["source_type"] in cl.INTELLIGENCE_SOURCE_TYPES
        assert i["classification"] in cl.CLASSIFICATIONS_ALL
        for loc in i["locations"]:
            assert ids.is_valid_postcode(loc["postcode"])


def test_nothing_happens_before_birth_or_after_the_reference_time(population: Population):
    ref = population.reference
    dob = population.true_dob
    created = {nid: ts(n["created_at"]) for nid, n in population.nominals.items()}
    for when in created.values():
        assert when < ref
    for nid, n in population.nominals.items():
        assert dob[nid] < ref.date()
        assert created[nid].date() >= dob[nid]
        for m in n["warning_markers"]:
            assert dob[nid] < date.fromisoformat(m["added_on"]) < ref.date()
    for o in population.records["occurrences"]:
        f, t, rep, cr = (
            ts(o["occurred_from"]),
            ts(o["occurred_to"]),
            ts(o["reported_at"]),
            ts(o["created_at"]),
        )
        assert f <= t <= rep <= cr < ref
        for ln in o["links"]:
            nid = ln["nominal_id"]
            assert f.date() >= dob[nid]
            assert created[nid] <= cr, "the person is recorded no later than the occurrence"
            if ln["role"] in ("suspect", "offender"):
                assert age_on(dob[nid], f) >= 10, "below the age of criminal responsibility"
    for rep in population.records["intelligence_reports"]:
        sub = ts(rep["submitted_at"])
        assert sub < ref
        for s in rep["subjects"]:
            assert age_on(dob[s["nominal_id"]], sub) >= 10
            assert created[s["nominal_id"]] <= sub
    for c in population.records["custody_records"]:
        arrested = ts(c["arrest"]["arrested_at"])
        assert age_on(dob[c["nominal_id"]], arrested) >= 10
        assert created[c["nominal_id"]] <= ts(c["arrived_at"]), "the detainee exists in records at booking-in"
        assert arrested >= ts(population.occurrences[c["occurrence_id"]]["occurred_from"])
        assert ts(c["released_at"]) < ref


def test_pace_clock(population: Population):
    custody = population.records["custody_records"]
    assert custody
    extended = 0
    for c in custody:
        arrest = ts(c["arrest"]["arrested_at"])
        arrived = ts(c["arrived_at"])
        relevant = ts(c["relevant_time"])
        authorised = ts(c["detention_authorised_at"])
        decided = ts(c["outcome"]["decided_at"])
        released = ts(c["released_at"])
        assert arrest <= arrived <= arrest + 24 * H
        assert relevant == arrived, "relevant time = arrival at the first station"
        assert arrived <= authorised <= arrived + 2 * H
        assert c["authorised_by"]["rank"] == "sergeant"
        assert authorised < decided <= released
        assert c["status"] == "released"

        # Reviews: first <= 6 h after authorisation, then <= 9 h apart, none missed before the outcome.
        times = [ts(r["reviewed_at"]) for r in c["reviews"]]
        assert times == sorted(times)
        previous, interval = authorised, 6 * H
        for t, review in zip(times, c["reviews"], strict=True):
            assert previous < t <= previous + interval
            assert t < decided
            assert review["reviewer"]["rank"] == "inspector"
            assert review["decision"] == "continue_detention"
            previous, interval = t, 9 * H
        assert decided <= previous + interval, "a review was due before the outcome"

        # Detention limits and the superintendent's extension.
        if decided - relevant > 24 * H:
            extended += 1
            assert len(c["extensions"]) == 1
            ext = c["extensions"][0]
            assert ext["by"]["rank"] == "superintendent"
            at, until = ts(ext["authorised_at"]), ts(ext["until"])
            assert len(times) >= 2 and at > times[1], "not before the second review"
            assert at <= relevant + 24 * H
            assert until <= relevant + 36 * H
            assert released <= until
        else:
            assert c["extensions"] == []
            assert released <= relevant + 24 * H
    if len(custody) > 1000:
        assert extended > 0, "long detentions with an extension should occur"


def test_custody_outcome_matches_the_occurrence(population: Population):
    nfa = {"14", "15", "16", "21"}
    for c in population.records["custody_records"]:
        occ = population.occurrences[c["occurrence_id"]]
        outcome = (occ["outcome"] or {}).get("code")
        kind = c["outcome"]["type"]
        decided = ts(c["outcome"]["decided_at"])
        assert occ["type"] == "crime"
        if kind == "charged":
            assert outcome == "1" and occ["status"] == "closed"
        elif kind == "cautioned":
            youth = age_on(population.true_dob[c["nominal_id"]], decided) < 18
            assert outcome == ("2" if youth else "3")
        elif kind == "no_further_action":
            assert outcome in nfa
        elif kind == "transferred":
            assert outcome == "20"
        else:  # bailed or released under investigation
            assert (outcome is None and occ["status"] == "under_investigation") or (
                occ["status"] == "closed" and (outcome == "1" or outcome in nfa)
            )
        role = next(ln["role"] for ln in occ["links"] if ln["nominal_id"] == c["nominal_id"])
        assert role == ("offender" if outcome in ("1", "2", "3") else "suspect")
    for occ in population.records["occurrences"]:
        assert (occ["status"] == "closed") == (occ["outcome"] is not None) or occ["type"] == "incident"


def test_cro_holders_were_charged_or_summonsed(population: Population):
    charged = {
        ln["nominal_id"]
        for o in population.records["occurrences"]
        if (o["outcome"] or {}).get("code") == "1"
        for ln in o["links"]
        if ln["role"] == "offender"
    }
    for n in population.records["nominals"]:
        assert (n["cro_number"] is not None) == (n["nominal_id"] in charged)


def test_pnc_year_not_after_first_record(population: Population):
    first: dict[str, int] = {}
    for c in population.records["custody_records"]:
        year = ts(c["arrest"]["arrested_at"]).year
        first[c["nominal_id"]] = min(first.get(c["nominal_id"], year), year)
    for nid, year in first.items():
        pnc_year = int(population.nominals[nid]["pnc_id"][:4])
        assert pnc_year <= year
        assert pnc_year >= population.true_dob[nid].year + 10


def test_intelligence_grading_and_handling(population: Population):
    reports = population.records["intelligence_reports"]
    schemes = Counter(r["grading"]["scheme"] for r in reports)
    assert schemes["3x5x2"] > schemes["5x5x5"] > 0
    for r in reports:
        g = r["grading"]
        sub = ts(r["submitted_at"])
        if g["scheme"] == "3x5x2":
            assert g["source_evaluation"] in cl.GRADING_3X5X2_SOURCE
            assert g["intelligence_assessment"] in cl.GRADING_3X5X2_INTELLIGENCE
            assert g["handling_code"] in cl.GRADING_3X5X2_HANDLING
            assert (g["handling_conditions"] is not None) == (g["handling_code"] == "C")
        else:
            assert sub.year < 2016, "5x5x5 only on historic reports"
            assert g["source_evaluation"] in cl.GRADING_5X5X5_SOURCE
            assert g["intelligence_assessment"] in cl.GRADING_5X5X5_INTELLIGENCE
            assert g["handling_code"] in cl.GRADING_5X5X5_HANDLING
        if r["classification_scheme"] == "GPMS":
            assert r["classification"] in cl.GPMS_MARKINGS and sub < datetime.fromisoformat(
                "2014-04-02T00:00:00+00:00"
            )
        else:
            assert r["classification"] in cl.GSC_CLASSIFICATIONS
        assert r["sanitised_text"] != r["original_text"]
        assert "CHIS-" not in r["sanitised_text"] and "(tel " not in r["sanitised_text"]
        assert "PC " not in r["sanitised_text"] and "Crimestoppers report" not in r["sanitised_text"]
        assert date.fromisoformat(r["review_date"]) > sub.date()


def test_realistic_distributions(realistic: Population):
    r = realistic.records
    people = realistic.spec.people
    with_pnc = sum(1 for n in r["nominals"] if n["pnc_id"])
    assert 0.1 * people < with_pnc < 0.35 * people
    outcomes = Counter(c["outcome"]["type"] for c in r["custody_records"])
    assert set(outcomes) == set(cl.DETENTION_OUTCOMES)
    assert outcomes["charged"] > outcomes["transferred"]
    grades = Counter(
        i["grading"]["source_evaluation"]
        for i in r["intelligence_reports"]
        if i["grading"]["scheme"] == "3x5x2"
    )
    assert grades["2"] > grades["3"] and grades["1"] > grades["3"]
    classifications = Counter(i["classification"] for i in r["intelligence_reports"])
    assert classifications["OFFICIAL-SENSITIVE"] > classifications.get("SECRET", 0)
    types = Counter(o["type"] for o in r["occurrences"])
    assert types["crime"] > types["incident"] > 0
