"""The records system's tables (all named `records_*`), on SQLite and PostgreSQL alike.

Nominals keep their identity details as JSON beside indexed identifier columns; the name keys
table holds one row per (identity, forename) with the folded, variant and phonetic keys that make
name search an indexed lookup even with 100,000 people.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, Text

from simulators.core.tables import versioned_columns

_TS = DateTime(timezone=True)
#: Width of the name-key columns; longer keys are stored cut short (search allows for that).
NAME_KEY_WIDTH = 200


@dataclass(frozen=True)
class RecordsTables:
    metadata: MetaData
    nominals: Table
    name_keys: Table
    merges: Table
    occurrences: Table
    objects: Table
    locations: Table
    links: Table
    custody_outcomes: Table


def records_tables() -> RecordsTables:
    """A fresh MetaData with every records table (one per app: no global state)."""
    md = MetaData()
    nominals = Table(
        "records_nominals",
        md,
        Column("nominal_id", String(36), primary_key=True),
        Column("pnc_id", String(16), index=True),
        Column("cro_number", String(16), index=True),
        Column("surname", String(200), nullable=False),
        Column("forenames", JSON, nullable=False),
        Column("sex", String(10), nullable=False),
        Column("date_of_birth", String(10)),
        Column("ethnicity", String(8)),
        # Identity details since standard 1.1.0 (as recorded: legacy values may break the input rules).
        Column("ni_number", String(16)),
        Column("place_of_birth", String(100)),
        Column("nationality", String(3)),
        Column("self_defined_ethnicity", String(8)),
        Column("officer_observed_ethnicity", String(8)),
        Column("address", JSON),
        Column("aliases", JSON, nullable=False),
        Column("warning_markers", JSON, nullable=False),
        Column("merged_ids", JSON, nullable=False),
        Column("merged_into", String(36), index=True),
        *versioned_columns(),
    )
    name_keys = Table(
        "records_name_keys",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(
            "nominal_id", String(36), ForeignKey("records_nominals.nominal_id"), nullable=False, index=True
        ),
        Column("alias_index", Integer),  # None: the primary name; n: aliases[n]
        Column("surname_key", String(NAME_KEY_WIDTH), nullable=False, index=True),
        Column("surname_variant", String(NAME_KEY_WIDTH), nullable=False, index=True),
        Column("surname_phonetic", String(8), nullable=False),
        Column("forename_key", String(NAME_KEY_WIDTH), nullable=False),
        Column("forename_variant", String(NAME_KEY_WIDTH), nullable=False),
        Column("forename_phonetic", String(8), nullable=False),
        Column("date_of_birth", String(10), index=True),
        # Search narrows by Soundex, paired with the other criterion given so the database bounds
        # the candidates (Taylor has 2,314 name records, Taylor + J500 about 60): surname and
        # forename, surname and date of birth, forename and date of birth; one name alone uses a prefix.
        # The first keeps the name of the surname-only index it replaced: reloading a population
        # drops and rebuilds indexes by name, so an existing database swaps it.
        Index("ix_records_name_keys_surname_phonetic", "surname_phonetic", "forename_phonetic"),
        Index("ix_records_name_keys_surname_dob", "surname_phonetic", "date_of_birth"),
        Index("ix_records_name_keys_forename_dob", "forename_phonetic", "date_of_birth"),
    )
    merges = Table(
        "records_merges",
        md,
        Column("merge_id", String(36), primary_key=True),
        Column("survivor_id", String(36), nullable=False, index=True),
        Column("duplicate_id", String(36), nullable=False, unique=True),
        Column("reason", Text),
        Column("client_id", String(128)),
        Column("merged_at", _TS, nullable=False),
    )
    occurrences = Table(
        "records_occurrences",
        md,
        Column("occurrence_id", String(36), primary_key=True),
        Column("reference", String(32), nullable=False, unique=True),
        Column("type", String(16), nullable=False, index=True),
        Column("classification_code", String(20), nullable=False, index=True),
        Column("classification_title", String(200), nullable=False),
        Column("summary", Text),
        Column("occurred_from", _TS, nullable=False),
        Column("occurred_to", _TS),
        Column("reported_at", _TS, nullable=False),
        Column("location", JSON),
        Column("status", String(24), nullable=False, index=True),
        Column("outcome_code", String(8)),
        Column("outcome_title", String(200)),
        *versioned_columns(),
    )
    objects = Table(
        "records_objects",
        md,
        Column("object_id", String(36), primary_key=True),
        Column("kind", String(24), nullable=False),
        Column("identifier", String(80)),
        Column("description", Text),
        Column("created_at", _TS, nullable=False),
        Index("ix_records_objects_kind_identifier", "kind", "identifier"),
    )
    locations = Table(
        "records_locations",
        md,
        Column("location_id", String(36), primary_key=True),
        Column("match_key", String(200), nullable=False, index=True),
        Column("line1", String(100), nullable=False),
        Column("line2", String(100)),
        Column("town", String(60), nullable=False),
        Column("postcode", String(16)),
        Column("description", Text),
        Column("created_at", _TS, nullable=False),
    )
    links = Table(
        "records_links",
        md,
        Column("link_id", String(36), primary_key=True),
        Column(
            "occurrence_id",
            String(36),
            ForeignKey("records_occurrences.occurrence_id"),
            nullable=False,
            index=True,
        ),
        Column("entity_type", String(16), nullable=False),
        Column("nominal_id", String(36), index=True),
        Column("object_id", String(36), ForeignKey("records_objects.object_id"), index=True),
        Column("location_id", String(36), ForeignKey("records_locations.location_id"), index=True),
        Column("role", String(32), nullable=False),
        Column("created_at", _TS, nullable=False),
    )
    custody_outcomes = Table(
        "records_custody_outcomes",
        md,
        Column("custody_outcome_id", String(36), primary_key=True),
        Column(
            "occurrence_id",
            String(36),
            ForeignKey("records_occurrences.occurrence_id"),
            nullable=False,
            index=True,
        ),
        Column("custody_id", String(36), nullable=False, index=True),
        Column("custody_number", String(40), nullable=False),
        Column("nominal_id", String(36), nullable=False),
        Column("outcome", JSON, nullable=False),
        Column("crime_outcome_code", String(8)),
        Column("occurrence_status", String(24), nullable=False),
        Column("link_id", String(36), nullable=False),
        Column("recorded_at", _TS, nullable=False),
        Index("ux_records_custody_outcomes_occ_custody", "occurrence_id", "custody_id", unique=True),
    )
    return RecordsTables(
        md, nominals, name_keys, merges, occurrences, objects, locations, links, custody_outcomes
    )
