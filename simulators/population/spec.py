"""What to generate: the spec, the fixed reference time, the defect rates, the output kinds."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

#: Bump whenever the same spec would produce different bytes; it is part of the cache key.
GENERATOR_VERSION = "3"

#: The population's "now". Fixed so output never depends on the wall clock.
DEFAULT_REFERENCE_TIME = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)

#: Output kinds, in the order files are listed in the manifest.
KINDS: tuple[str, ...] = ("nominals", "occurrences", "custody_records", "intelligence_reports", "defects")

#: Defects of the records as first generated; decided from the shard's main random stream.
RECORD_DEFECT_KINDS: tuple[str, ...] = (
    "duplicate_nominal",
    "partial_dob",
    "transposed_dob",
    "alias_as_primary",
    "postcode_format",
    "missing_optional",
)
#: Defects of the identity details added in generator version 3 (NI numbers); decided from the
#: shard's identity stream, so adding them left every other value of a seed as it was.
IDENTITY_DEFECT_KINDS: tuple[str, ...] = ("shared_ni_number", "invalid_ni_number")

DEFECT_KINDS: tuple[str, ...] = RECORD_DEFECT_KINDS + IDENTITY_DEFECT_KINDS

#: Per-person probability of each defect when ``defect_rate`` is None. Rough orders of magnitude for
#: an RMS that has not had a "golden nominal" clean-up (docs/domain.md 6); not measured figures.
DEFAULT_DEFECT_RATES: dict[str, float] = {
    "duplicate_nominal": 0.04,
    "partial_dob": 0.01,
    "transposed_dob": 0.005,
    "alias_as_primary": 0.01,
    "postcode_format": 0.03,
    "missing_optional": 0.05,
    "shared_ni_number": 0.003,
    "invalid_ni_number": 0.005,
}


@dataclass(frozen=True)
class PopulationSpec:
    """Everything that determines a population: same spec -> byte-identical output.

    ``defect_rate``: None = realistic default rate per kind (DEFAULT_DEFECT_RATES); 0 = a clean
    population; R in (0, 1] = every defect kind applied to a fraction R of people.
    """

    seed: int = 1
    people: int = 2000
    defect_rate: float | None = None
    reference_time: datetime = DEFAULT_REFERENCE_TIME

    def __post_init__(self) -> None:
        if isinstance(self.people, bool) or not isinstance(self.people, int) or self.people < 0:
            raise ValueError(f"people must be a whole number >= 0, got {self.people!r}")
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            raise ValueError(f"seed must be an integer, got {self.seed!r}")
        if self.defect_rate is not None:
            rate = self.defect_rate
            if isinstance(rate, bool) or not isinstance(rate, int | float) or math.isnan(rate):
                raise ValueError(f"defect_rate must be a number in 0..1, got {rate!r}")
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"defect_rate must be between 0 and 1, got {rate}")
        ref = self.reference_time
        if not isinstance(ref, datetime) or ref.tzinfo is None or ref.utcoffset() is None:
            raise ValueError("reference_time must be a timezone-aware datetime")
        if ref.astimezone(UTC) < datetime(2001, 1, 1, tzinfo=UTC):
            raise ValueError("reference_time must be after 2001-01-01 (records history starts in 2000)")

    @property
    def reference_utc(self) -> datetime:
        """The reference time in UTC, truncated to the minute."""
        return self.reference_time.astimezone(UTC).replace(second=0, microsecond=0)

    def defect_rates(self) -> dict[str, float]:
        """The effective per-person rate for each defect kind."""
        if self.defect_rate is None:
            return dict(DEFAULT_DEFECT_RATES)
        return dict.fromkeys(DEFECT_KINDS, float(self.defect_rate))

    def rate_label(self) -> str:
        """The defect rate as used in cache folder names ("default", "0", "0.1")."""
        if self.defect_rate is None:
            return "default"
        return format(float(self.defect_rate), "g")

    def cache_key(self) -> str:
        """Folder name for this spec in a population cache (``<seed>-<people>-<rate>-<version>``)."""
        key = f"{self.seed}-{self.people}-{self.rate_label()}-{GENERATOR_VERSION}"
        if self.reference_utc != DEFAULT_REFERENCE_TIME:
            key += "-" + self.reference_utc.strftime("%Y%m%dT%H%MZ")
        return key


def iso(dt: datetime) -> str:
    """ISO 8601 UTC with offset, the format used in every record."""
    return dt.astimezone(UTC).isoformat()


ONE_DAY = timedelta(days=1)
