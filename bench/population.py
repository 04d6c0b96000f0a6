"""Population generator benchmark: the real generator against a naive one-Faker-call-per-field baseline.

Run: ``.venv/bin/python -m bench.population [--people N] [--naive-people M]``.

Both generators write the same five JSON Lines kinds with the same record shapes to a temporary
folder, so the rates compare like with like. Targets: the real generator is at least 10x faster per
person, and 100,000 people with all their cross-system records take under 60 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from simulators.domain import codelists as cl
from simulators.population import KINDS, PopulationSpec, write_population
from simulators.population.spec import DEFAULT_REFERENCE_TIME

TARGET_RATIO = 10.0
TARGET_SECONDS_100K = 60.0


def naive_write(people: int, out_dir: Path, seed: int = 1) -> dict[str, int]:
    """The obvious implementation: one Faker call for every field of every record.

    Same kinds, same record shapes and roughly the same records per person as the real generator,
    but every value (ids, names, dates, times, codes, text) comes from its own Faker call.
    """
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    ref = DEFAULT_REFERENCE_TIME
    start = datetime(2000, 1, 1, tzinfo=UTC)
    late = ref - timedelta(days=60)
    counts = dict.fromkeys(KINDS, 0)
    files = {k: open(out_dir / f"{k}.jsonl", "w", encoding="utf-8") for k in KINDS}  # noqa: SIM115
    hocr = tuple(cl.HOCR_CLASSIFICATIONS)
    cjs = tuple(cl.CJS_OFFENCES)
    roles = tuple(cl.LINK_ROLES)

    def write(kind: str, record: dict) -> None:
        files[kind].write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        counts[kind] += 1

    def when(lo: datetime = start, hi: datetime = late) -> datetime:
        return fake.date_time_between(start_date=lo, end_date=hi, tzinfo=UTC)

    def location() -> dict:
        return {"line1": fake.street_address(), "town": fake.city(), "postcode": fake.postcode()}

    def officer(rank: str | None = None) -> dict:
        o = {"collar_number": fake.numerify("####"), "name": fake.name()}
        if rank:
            o["rank"] = rank
        return o

    def person_ref() -> dict:
        return {"nominal_id": fake.uuid4(), "role": fake.random_element(roles)}

    try:
        for _ in range(people):
            nid = fake.uuid4()
            sex = fake.random_element(("male", "female"))
            forenames = [
                fake.first_name_male() if sex == "male" else fake.first_name_female()
                for _ in range(fake.random_int(1, 3))
            ]
            aliases = [
                {"surname": fake.last_name(), "forenames": [fake.first_name()]}
                for _ in range(fake.random_element((0,) * 20 + (1,)))
            ]
            markers = [
                {
                    "code": fake.random_element(tuple(cl.WARNING_MARKERS)),
                    "description": fake.word(),
                    "added_on": fake.date_between(start_date="-20y", end_date="-1y").isoformat(),
                }
                for _ in range(fake.random_element((0,) * 9 + (1,)))
            ]
            write(
                "nominals",
                {
                    "nominal_id": nid,
                    "pnc_id": fake.bothify("####/#######?") if fake.boolean(20) else None,
                    "cro_number": fake.bothify("######/##?") if fake.boolean(12) else None,
                    "surname": fake.last_name(),
                    "forenames": forenames,
                    "sex": sex,
                    "date_of_birth": fake.date_of_birth(minimum_age=0, maximum_age=90).isoformat(),
                    "ethnicity": fake.random_element(tuple(cl.ETHNICITY_18_PLUS_1)),
                    "address": {
                        "line1": fake.street_address(),
                        "town": fake.city(),
                        "county": fake.county(),
                        "postcode": fake.postcode(),
                    },
                    "aliases": aliases,
                    "warning_markers": markers,
                    "created_at": when().isoformat(),
                },
            )
            if fake.boolean(4):  # duplicate nominal
                write(
                    "nominals",
                    {
                        "nominal_id": fake.uuid4(),
                        "pnc_id": None,
                        "cro_number": None,
                        "surname": fake.last_name(),
                        "forenames": [fake.first_name()],
                        "sex": sex,
                        "date_of_birth": fake.date_of_birth(minimum_age=0, maximum_age=90).isoformat(),
                        "ethnicity": fake.random_element(tuple(cl.ETHNICITY_18_PLUS_1)),
                        "address": {
                            "line1": fake.street_address(),
                            "town": fake.city(),
                            "county": fake.county(),
                            "postcode": fake.postcode(),
                        },
                        "aliases": [],
                        "warning_markers": [],
                        "created_at": when().isoformat(),
                    },
                )
            for _ in range(fake.random_element((1, 1, 2, 2, 2))):
                t = when()
                code = fake.random_element(hocr)
                write(
                    "occurrences",
                    {
                        "occurrence_id": fake.uuid4(),
                        "reference": fake.bothify("OCC-####-######"),
                        "type": fake.random_element(("crime", "incident")),
                        "classification": {"code": code, "title": fake.sentence(nb_words=3)},
                        "summary": fake.sentence(),
                        "occurred_from": t.isoformat(),
                        "occurred_to": when(t, t + timedelta(hours=6)).isoformat(),
                        "reported_at": when(t + timedelta(hours=6), t + timedelta(hours=30)).isoformat(),
                        "location": location(),
                        "status": fake.random_element(("open", "closed")),
                        "outcome": {
                            "code": fake.random_element(tuple(cl.OUTCOMES)),
                            "title": fake.sentence(nb_words=4),
                        },
                        "links": [{"nominal_id": nid, "role": fake.random_element(roles)}]
                        + [person_ref() for _ in range(fake.random_element((0, 1, 1, 2, 2)))],
                        "created_at": when(t + timedelta(hours=30), t + timedelta(hours=31)).isoformat(),
                    },
                )
            if fake.boolean(43):
                t = when()
                arrived = when(t, t + timedelta(hours=1))
                authorised = when(arrived, arrived + timedelta(minutes=40))
                decided = when(authorised + timedelta(hours=7), authorised + timedelta(hours=20))
                write(
                    "custody_records",
                    {
                        "custody_id": fake.uuid4(),
                        "custody_number": fake.bothify("??-####-######").upper(),
                        "nominal_id": nid,
                        "pnc_id": fake.bothify("####/#######?"),
                        "detainee": {
                            "surname": fake.last_name(),
                            "forenames": [fake.first_name()],
                            "date_of_birth": fake.date_of_birth().isoformat(),
                        },
                        "occurrence_id": fake.uuid4(),
                        "station": {"code": fake.lexify("??").upper(), "name": fake.city()},
                        "arrest": {
                            "arrested_at": t.isoformat(),
                            "location": fake.street_address(),
                            "reason": fake.sentence(),
                            "officer": officer(),
                        },
                        "offences": [
                            {"cjs_code": fake.random_element(cjs), "title": fake.sentence()}
                            for _ in range(fake.random_element((1, 1, 1, 1, 2)))
                        ],
                        "arrived_at": arrived.isoformat(),
                        "relevant_time": arrived.isoformat(),
                        "detention_authorised_at": authorised.isoformat(),
                        "authorised_by": officer("sergeant"),
                        "reviews": [
                            {
                                "reviewed_at": when(authorised, authorised + timedelta(hours=6)).isoformat(),
                                "reviewer": officer("inspector"),
                                "decision": fake.random_element(("continue_detention",)),
                            }
                            for _ in range(fake.random_element((0, 1, 1, 2)))
                        ],
                        "extensions": [
                            {
                                "authorised_at": when(arrived, decided).isoformat(),
                                "until": when(decided, decided + timedelta(hours=12)).isoformat(),
                                "by": officer("superintendent"),
                            }
                            for _ in range(fake.random_element((0,) * 30 + (1,)))
                        ],
                        "outcome": {
                            "type": fake.random_element(tuple(cl.DETENTION_OUTCOMES)),
                            "decided_at": decided.isoformat(),
                            "detail": fake.sentence(),
                        },
                        "released_at": when(decided, decided + timedelta(hours=1)).isoformat(),
                        "status": "released",
                    },
                )
            if fake.boolean(14):
                t = when()
                write(
                    "intelligence_reports",
                    {
                        "report_id": fake.uuid4(),
                        "reference": fake.bothify("INT-####-######"),
                        "submitted_at": t.isoformat(),
                        "source_type": fake.random_element(tuple(cl.INTELLIGENCE_SOURCE_TYPES)),
                        "grading": {
                            "scheme": "3x5x2",
                            "source_evaluation": fake.random_element(("1", "2", "3")),
                            "intelligence_assessment": fake.random_element(tuple("ABCDE")),
                            "handling_code": fake.random_element(("P", "C")),
                            "handling_conditions": None,
                        },
                        "classification": fake.random_element(tuple(cl.GSC_CLASSIFICATIONS)),
                        "classification_scheme": "GSC",
                        "original_text": fake.paragraph(),
                        "sanitised_text": fake.paragraph(),
                        "subjects": [{"nominal_id": nid, "role": "subject"}]
                        + [person_ref() for _ in range(fake.random_element((0, 0, 1)))],
                        "locations": [location() for _ in range(fake.random_element((1, 2)))],
                        "organisations": [],
                        "review_date": fake.date_between(start_date=t, end_date="+10y").isoformat(),
                    },
                )
            if fake.boolean(15):
                write(
                    "defects",
                    {
                        "defect_id": fake.uuid4(),
                        "kind": fake.random_element(("postcode_format", "partial_dob")),
                        "nominal_id": nid,
                        "original_nominal_id": None,
                        "field": "address.postcode",
                        "detail": fake.sentence(),
                        "original_value": fake.postcode(),
                        "recorded_value": fake.postcode(),
                    },
                )
    finally:
        for f in files.values():
            f.close()
    return counts


def _cpu_seconds() -> float:
    """CPU seconds used so far by this process and its finished children (the generator's workers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _timed(fn: Callable[..., object], *args: object) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds, result) of ``fn(*args)``."""
    cpu = _cpu_seconds()
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, _cpu_seconds() - cpu, result


@dataclass
class PopulationRun:
    """What one measurement found: both generators' wall and CPU time, and what they wrote."""

    people: int
    naive_people: int
    real_s: float
    real_cpu: float
    naive_s: float
    naive_cpu: float
    real_records: int
    naive_records: int
    workers: str

    @property
    def real_rate(self) -> float:
        return self.people / self.real_s if self.real_s else float("inf")

    @property
    def naive_rate(self) -> float:
        return self.naive_people / self.naive_s if self.naive_s else float("inf")

    @property
    def ratio(self) -> float:
        return self.real_rate / self.naive_rate if self.naive_rate else float("inf")

    @property
    def real_us(self) -> float:
        return self.real_cpu / max(1, self.people) * 1e6

    @property
    def naive_us(self) -> float:
        return self.naive_cpu / max(1, self.naive_people) * 1e6

    @property
    def cpu_ratio(self) -> float:
        return self.naive_us / self.real_us if self.real_us else float("inf")

    @property
    def projected_100k_s(self) -> float:
        return self.real_s * 100_000 / max(1, self.people)


def measure(
    people: int = 100_000,
    naive_people: int = 2_000,
    seed: int = 1,
    out_dir: Path | None = None,
    log: Callable[[str], None] | None = None,
) -> PopulationRun:
    """Time the real generator on `people` and the naive one on `naive_people`.

    The real population goes to `out_dir` when given (so `python -m bench` can hand it to the
    simulators instead of generating it twice), else to a temporary folder.
    """
    with tempfile.TemporaryDirectory(prefix="interop-bench-") as tmp:
        real_dir = out_dir or Path(tmp, "real")
        naive_dir = Path(tmp, "naive")
        naive_dir.mkdir()
        spec = PopulationSpec(seed=seed, people=people)
        if log:
            log(f"real generator: {people:,} people ...")
        real_s, real_cpu, manifest = _timed(write_population, spec, real_dir)
        if log:
            log(f"naive baseline: {naive_people:,} people ...")
        naive_s, naive_cpu, naive_counts = _timed(naive_write, naive_people, naive_dir, seed)
    return PopulationRun(
        people=people,
        naive_people=naive_people,
        real_s=real_s,
        real_cpu=real_cpu,
        naive_s=naive_s,
        naive_cpu=naive_cpu,
        real_records=sum(manifest["counts"].values()),  # type: ignore[index]
        naive_records=sum(naive_counts.values()),  # type: ignore[union-attr]
        workers=_workers_label(spec),
    )


def main(argv: list[str] | None = None) -> int:
    """Measure both generators and print the comparison; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(prog="python -m bench.population", description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000, help="people for the real generator")
    parser.add_argument("--naive-people", type=int, default=2_000, help="people for the naive baseline")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    console = Console()
    run = measure(
        args.people, args.naive_people, args.seed, log=lambda msg: console.print(msg, highlight=False)
    )

    table = Table(title="Synthetic population generation", title_justify="left")
    table.add_column("generator")
    table.add_column("people", justify="right")
    table.add_column("records", justify="right")
    table.add_column("wall s", justify="right")
    table.add_column("people/s", justify="right")
    table.add_column("CPU us/person", justify="right")
    table.add_row(
        f"real (pooled data, seeded RNG, {run.workers})",
        f"{run.people:,}",
        f"{run.real_records:,}",
        f"{run.real_s:.2f}",
        f"{run.real_rate:,.0f}",
        f"{run.real_us:,.0f}",
    )
    table.add_row(
        "naive (one Faker call per field, 1 process)",
        f"{run.naive_people:,}",
        f"{run.naive_records:,}",
        f"{run.naive_s:.2f}",
        f"{run.naive_rate:,.0f}",
        f"{run.naive_us:,.0f}",
    )
    console.print(table)

    ratio_ok = run.ratio >= TARGET_RATIO
    console.print(
        f"ratio real/naive (people/s): [bold]{run.ratio:.1f}x[/] (target >= {TARGET_RATIO:.0f}x) "
        + ("[green]met[/]" if ratio_ok else "[red]missed[/]")
        + f"; per CPU second: {run.cpu_ratio:.1f}x"
    )
    projected = run.projected_100k_s
    fast_ok = projected < TARGET_SECONDS_100K
    if args.people >= 100_000:
        console.print(
            f"100,000 people in {projected:.1f} s (target < {TARGET_SECONDS_100K:.0f} s) "
            + ("[green]met[/]" if fast_ok else "[red]missed[/]")
        )
    else:
        console.print(
            f"100,000 people projected from {args.people:,}: {projected:.1f} s "
            f"(target < {TARGET_SECONDS_100K:.0f} s; run with --people 100000 to measure)"
        )
    if os.getloadavg()[0] > (os.cpu_count() or 1):
        console.print(
            f"[yellow]note:[/] load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; wall-clock "
            "rates are disturbed by other work, the CPU column is not."
        )
    return 0 if ratio_ok and fast_ok else 1


def _workers_label(spec: PopulationSpec) -> str:
    from simulators.population.io import _default_workers

    n = _default_workers(spec)
    return f"{n} process" + ("es" if n > 1 else "")


if __name__ == "__main__":
    raise SystemExit(main())
