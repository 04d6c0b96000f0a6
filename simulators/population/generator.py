"""The seeded population generator: one person at a time, with all of their cross-system records.

Design notes (why it looks like this):

* **Deterministic.** Seeded ``random.Random`` instances (one per shard, one for the shared "world" of
  streets and officers) drive everything in a fixed order; ids are UUIDs built from
  ``getrandbits(128)``; times are offsets from the spec's fixed reference time, never the wall
  clock. Same spec -> same records, byte for byte (tests/population/test_digest.py holds the digests).
* **Streamed, bounded memory.** Each person is planned, emitted and forgotten. Occurrences that need
  other people (victims, witnesses, associates) draw them from a bounded reservoir sample of people
  already emitted, so every link points at a nominal that exists earlier in the stream.
* **Sharded** (sharding.py). People are generated in fixed-size shards, each with its own RNG,
  reservoir and identifier ranges, so files can be written by several processes and still be
  byte-identical to the sequential stream.
* **Coherent by construction.** A person's timeline is drawn first (arrests, victimisations,
  incidents, intelligence), then PNC ID/CRO/markers/created_at are derived from it, so e.g. the PNC
  year is never after the first arrest and ``created_at`` is never after the first link. PACE times
  are built forward from the arrest with the limits of docs/domain.md 2.1-2.2.
* **Fast.** Plain dicts, integer epoch seconds internally (dates.py), pre-built pools (world.py).

One module per domain, each a class adding that domain's draws to the shard's state:
``people`` (true facts and nominals), ``identity`` (NI number, place of birth, nationality,
observed ethnicity: a stream of its own), ``occurrences`` (tables in ``scenarios``), ``custody``,
``intelligence`` and ``defects``. The order of the draws is the seeded order: moving a draw
changes every later record.
"""

from __future__ import annotations

from collections.abc import Iterator

from simulators.population.defects import Defects
from simulators.population.intelligence import Intelligence
from simulators.population.people import History, Person
from simulators.population.records import Record
from simulators.population.sharding import MAX_SHARDS, MIN_SHARD_SIZE, shard_count, shard_size
from simulators.population.spec import IDENTITY_DEFECT_KINDS, RECORD_DEFECT_KINDS, PopulationSpec
from simulators.population.world import World, world

__all__ = [
    "MAX_SHARDS",
    "MIN_SHARD_SIZE",
    "Generator",
    "World",
    "generate",
    "shard_count",
    "shard_size",
    "world",
]


class Generator(Defects, Intelligence):
    """Generates one shard of a population. Use ``generate(spec)`` rather than this class directly."""

    def people(self) -> Iterator[tuple[str, Record]]:
        """Every record of the population, person by person."""
        for batch in self.batches():
            yield from batch

    def batches(self) -> Iterator[list[tuple[str, Record]]]:
        """One list per person: nominal(s) first, then occurrences, custody, intelligence, defects."""
        for _ in range(self.n_people):
            yield self._one_person()

    def _one_person(self) -> list[tuple[str, Record]]:
        """Plan one person's life, derive their identity records, inject defects, emit everything."""
        r, ir, rates = self.r, self.irng.random, self.rates
        # Decide this person's defects first: some of them constrain the true values.
        chosen = {k: r() < rates[k] for k in RECORD_DEFECT_KINDS}
        chosen.update({k: ir() < rates[k] for k in IDENTITY_DEFECT_KINDS})
        p = self._new_person(chosen)
        history = self._offending(p)
        self._identity_details(p)  # identity stream: the order against the main stream is free
        self._other_occurrences(p, history)
        intel = self._intelligence_about(p, history.topics)
        nominal = self._nominal(p, history, intel)
        defects: list[Record] = []
        self._apply_defects(p, nominal, chosen, defects)
        self._apply_identity_defects(p, nominal, chosen, defects)
        return self._emit(p, nominal, history, intel, chosen["duplicate_nominal"], defects)

    def _emit(
        self,
        p: Person,
        nominal: Record,
        history: History,
        intel: list[Record],
        duplicate: bool,
        defects: list[Record],
    ) -> list[tuple[str, Record]]:
        """The person's records in output order; a duplicate nominal is made here, after the defects."""
        out: list[tuple[str, Record]] = [("nominals", nominal)]
        entry = (p.nid, p.dob_ts, p.created, p.location, p.address)

        # A duplicate nominal: the same person recorded again, later, under a spelling variant.
        dup_occ = None
        if duplicate:
            dup, dup_occ, defect = self._duplicate(p)
            out.append(("nominals", dup))
            defects.append(defect)

        for o in history.occurrences:
            del o["_created"]
            out.append(("occurrences", o))
        if dup_occ is not None:
            del dup_occ["_created"]
            out.append(("occurrences", dup_occ))

        detainee = {
            "surname": nominal["surname"],
            "forenames": list(nominal["forenames"]),
            "date_of_birth": nominal["date_of_birth"],
        }
        for rec in history.custody:
            rec["pnc_id"] = nominal["pnc_id"]
            rec["detainee"] = dict(detainee, forenames=list(detainee["forenames"]))
            out.append(("custody_records", rec))
        for rep in intel:
            out.append(("intelligence_reports", rep))
        for d in defects:
            out.append(("defects", d))

        self._remember(entry)
        return out


def generate(spec: PopulationSpec) -> Iterator[tuple[str, Record]]:
    """Stream ``(kind, record)`` pairs for ``spec`` in a deterministic order, person by person."""
    for shard in range(shard_count(spec.people)):
        yield from Generator(spec, shard).people()
