"""Record shapes of the synthetic population, one ``TypedDict`` per kind, every field documented.

Conventions for every kind:

* ids (``*_id``) are UUID version 4 strings drawn from the seeded RNG (deterministic);
* times are ISO 8601 UTC with offset, ``"2025-03-04T10:15:00+00:00"``, to the minute;
* dates are ``"YYYY-MM-DD"``; a nominal's ``date_of_birth`` may be ``"YYYY-MM"`` or ``"YYYY"``
  only when a ``partial_dob`` defect says so;
* nothing happens after the population's ``reference_time`` (manifest.json) and no person takes
  part in an event before their (true) date of birth; suspects, arrestees and intelligence subjects
  are at least 10 years old at the time;
* postcodes are strictly valid (``identifiers.POSTCODE_PATTERN``) except where a ``postcode_format``
  defect records otherwise; PNC IDs and CRO numbers always pass ``identifiers`` validation;
* codes come from ``simulators.domain.codelists``; objects carrying a code also carry its title;
* reference numbers (occurrence, custody, intelligence) and PNC/CRO serials are unique but not
  contiguous: each shard of 5,000+ people numbers within its own range, so there are gaps;
* JSON Lines files keep the key order documented here; non-ASCII characters are ``\\uXXXX`` escaped.

nominals (records system, POLE Person)
    nominal_id        str, UUID.
    pnc_id            str | None. Canonical long PNC ID ``YYYY/NNNNNNNC`` for people with a record
                      (arrested, or charged by summons); None otherwise and on duplicate nominals.
    cro_number        str | None. CRO number (standard ``NNNNNN/YYC`` or ``SFYY/NNNNNNC``) for people
                      ever charged or summonsed; None otherwise.
    ni_number         str | None. National Insurance number, canonical ``QQ123456C``
                      (simulators.domain.ni_number); for most people 16 or over, None for the rest.
                      Invalid only with an invalid_ni_number defect; another person's number only
                      with a shared_ni_number defect (a duplicate nominal may repeat its original's).
    surname           str. May contain hyphen or apostrophe (Smith-Jones, O'Brien).
    forenames         list[str], 1-3 given names in order.
    sex               "male" | "female" | "unknown".
    date_of_birth     str. "YYYY-MM-DD"; "YYYY-MM" or "YYYY" only with a partial_dob defect.
    place_of_birth    str | None. A UK town ("Leeds") or "town, country" abroad; None when not recorded.
    nationality       str | None. ISO 3166-1 alpha-3 code ("GBR"); None when not recorded.
    ethnicity         str | None. Self-defined 18+1 code (codelists.ETHNICITY_18_PLUS_1); None only
                      with a missing_optional defect (field "ethnicity").
    self_defined_ethnicity      str | None. The same value as ``ethnicity`` (the person's own answer).
    officer_observed_ethnicity  str | None. IC code (codelists.ETHNICITY_OFFICER_DEFINED) an officer
                      recorded; most people arrested have one, others rarely. May differ from the
                      self-defined group: they are two observations.
    address           {"line1": str, "line2": str (optional, e.g. "27 Oak Road" under "Flat 4"),
                       "town": str, "county": str (optional; absent only with missing_optional),
                       "postcode": str}.
    aliases           list of {"surname": str, "forenames": list[str], "date_of_birth": str (optional)}.
    warning_markers   list of {"code": codelists.WARNING_MARKERS key, "description": str,
                      "added_on": "YYYY-MM-DD"}.
    created_at        time the person was first recorded (not after their first occurrence link or
                      intelligence report).

occurrences (records system, POLE Event: crime or incident)
    occurrence_id     str, UUID.
    reference         str, "OCC-YYYY-NNNNNN" (year reported, 6+ digits;
                      identifiers.OCCURRENCE_REFERENCE_PATTERN).
    type              "crime" | "incident".
    classification    {"code", "title"}: HOCR classification for crimes (codelists.HOCR_CLASSIFICATIONS),
                      incident category for incidents (codelists.INCIDENT_CATEGORIES).
    summary           str, short free text (no names).
    occurred_from     time; occurred_to >= occurred_from; reported_at >= occurred_to.
    occurred_to       time.
    reported_at       time.
    location          {"line1", "town", "postcode"} (clean postcode).
    status            "open" | "under_investigation" | "closed".
    outcome           {"code", "title"} from codelists.OUTCOMES, or None (incidents, open crimes).
                      Matches custody: charged -> "1"; cautioned -> "2" (under 18) / "3";
                      no_further_action -> "15" / "16" / "21"; transferred -> "20"; bailed / RUI ->
                      None while under investigation, later "1" or an NFA code.
    links             list of {"nominal_id", "role"} (codelists.LINK_ROLES), one per (person, role);
                      the same person may hold two roles (e.g. victim and person_reporting).
    created_at        time the occurrence was recorded (>= reported_at).

custody_records (custody system, PACE)
    custody_id        str, UUID.
    custody_number    str, "<station code>-YYYY-NNNNNN" (year of arrival; identifiers.CUSTODY_NUMBER_PATTERN).
    nominal_id        the detainee; always a nominal with a pnc_id, created no later than arrived_at.
    pnc_id            str, the detainee's PNC ID (added field; same value as on the nominal).
    detainee          {"surname", "forenames", "date_of_birth"} as booked in (added field; same
                      values as the nominal record, including its defects).
    occurrence_id     the occurrence the arrest was for (the detainee is linked to it as suspect/offender).
    station           {"code", "name"} (data.STATIONS).
    arrest            {"arrested_at": time, "location": str, "reason": str (offence + PACE s.24(5)
                      necessity), "officer": {"collar_number", "name"}}.
    offences          list of {"cjs_code", "title"} (codelists.CJS_OFFENCES), first is the principal.
    arrived_at        time >= arrest.arrested_at.
    relevant_time     time; the detention clock start: arrival (arrival is always within 24 h of arrest).
    detention_authorised_at  time, shortly after arrival; the review clock start.
    authorised_by     {"name", "collar_number", "rank": "sergeant"} (custody officer).
    reviews           list of {"reviewed_at", "reviewer": {"name", "collar_number", "rank": "inspector"},
                      "decision": "continue_detention"}; first <= 6 h after authorisation, then
                      <= 9 h apart, every review before the outcome; none when detention ended first.
    extensions        [] or one {"authorised_at", "until", "by": {..., "rank": "superintendent"}}:
                      present exactly when the outcome came more than 24 h after the relevant time;
                      authorised after the second review and no later than 24 h after the relevant
                      time; until = relevant time + 36 h. Only for indictable offences.
    outcome           {"type": codelists.DETENTION_OUTCOMES key, "decided_at": time, "detail": str}.
    released_at       time, >= outcome.decided_at and <= relevant time + 24 h (36 h with extension).
    status            "released" (every generated record is historic and closed).

intelligence_reports (intelligence system)
    report_id         str, UUID.
    reference         str, "INT-YYYY-NNNNNN".
    submitted_at      time.
    source_type       codelists.INTELLIGENCE_SOURCE_TYPES key.
    grading           {"scheme": "3x5x2" | "5x5x5", "source_evaluation", "intelligence_assessment",
                      "handling_code", "handling_conditions": str | None}. 3x5x2: "1".."3", "A".."E",
                      "P" | "C" (conditions text exactly when "C"). 5x5x5 (historic reports only):
                      "A".."E", "1".."5", "1".."5" (conditions text when handling is "4" or "5").
    classification    str: GSC ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET") or, on some reports
                      submitted before 2 April 2014, a legacy GPMS marking ("PROTECT", "RESTRICTED",
                      "CONFIDENTIAL").
    classification_scheme  "GSC" | "GPMS" (added field).
    original_text     str, as submitted (may identify the source).
    sanitised_text    str, the same intelligence with source-identifying details removed.
    subjects          list of {"nominal_id", "role"} (codelists.INTELLIGENCE_SUBJECT_ROLES); the
                      first is the subject.
    locations         list of {"line1", "town", "postcode"}.
    organisations     list of {"name", "type": "organised_crime_group" | "business"}.
    review_date       "YYYY-MM-DD", MoPI review due date (6 years after submission, 10 for violence or
                      weapons); may be before the reference time (review overdue).

defects (ground truth of the injected data-quality problems)
    defect_id            str, UUID.
    kind                 "duplicate_nominal" | "partial_dob" | "transposed_dob" | "alias_as_primary" |
                         "postcode_format" | "missing_optional" | "shared_ni_number" (another
                         person's NI number keyed in; detail names that nominal) |
                         "invalid_ni_number" (a legacy number whose prefix is never allocated).
    nominal_id           the affected nominal (for duplicates: the duplicate).
    original_nominal_id  for duplicate_nominal the nominal it duplicates; None otherwise.
    field                dotted field path that differs ("forenames", "surname", "date_of_birth",
                         "address.postcode", "address.county", "address.line2", "ethnicity", "name",
                         "ni_number").
    detail               str, human-readable description.
    original_value       the true value (str | list | None) (added field).
    recorded_value       the value as recorded (str | list | None) (added field).
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

#: A record while it is built or streamed: plain dicts are what make generation fast; the shapes are
#: the TypedDicts below.
Record = dict[str, Any]


class Address(TypedDict):
    line1: str
    line2: NotRequired[str]
    town: str
    county: NotRequired[str]
    postcode: str


class Location(TypedDict):
    line1: str
    town: str
    postcode: str


class Alias(TypedDict):
    surname: str
    forenames: list[str]
    date_of_birth: NotRequired[str]


class WarningMarker(TypedDict):
    code: str
    description: str
    added_on: str


class Nominal(TypedDict):
    nominal_id: str
    pnc_id: str | None
    cro_number: str | None
    ni_number: str | None
    surname: str
    forenames: list[str]
    sex: Literal["male", "female", "unknown"]
    date_of_birth: str
    place_of_birth: str | None
    nationality: str | None
    ethnicity: str | None
    self_defined_ethnicity: str | None
    officer_observed_ethnicity: str | None
    address: Address
    aliases: list[Alias]
    warning_markers: list[WarningMarker]
    created_at: str


class Coded(TypedDict):
    code: str
    title: str


class Link(TypedDict):
    nominal_id: str
    role: str


class Occurrence(TypedDict):
    occurrence_id: str
    reference: str
    type: Literal["crime", "incident"]
    classification: Coded
    summary: str
    occurred_from: str
    occurred_to: str
    reported_at: str
    location: Location
    status: Literal["open", "under_investigation", "closed"]
    outcome: Coded | None
    links: list[Link]
    created_at: str


class Officer(TypedDict):
    name: str
    collar_number: str
    rank: NotRequired[str]


class CustodyRecord(TypedDict):
    custody_id: str
    custody_number: str
    nominal_id: str
    pnc_id: str
    detainee: Record
    occurrence_id: str
    station: Record
    arrest: Record
    offences: list[Record]
    arrived_at: str
    relevant_time: str
    detention_authorised_at: str
    authorised_by: Officer
    reviews: list[Record]
    extensions: list[Record]
    outcome: Record
    released_at: str
    status: Literal["released"]


class Grading(TypedDict):
    scheme: Literal["3x5x2", "5x5x5"]
    source_evaluation: str
    intelligence_assessment: str
    handling_code: str
    handling_conditions: str | None


class IntelligenceReport(TypedDict):
    report_id: str
    reference: str
    submitted_at: str
    source_type: str
    grading: Grading
    classification: str
    classification_scheme: Literal["GSC", "GPMS"]
    original_text: str
    sanitised_text: str
    subjects: list[Link]
    locations: list[Location]
    organisations: list[Record]
    review_date: str


class Defect(TypedDict):
    defect_id: str
    kind: str
    nominal_id: str
    original_nominal_id: str | None
    field: str
    detail: str
    original_value: object
    recorded_value: object
