"""The fuzz baseline: Schemathesis's own engine run directly, without the harness around it.

Same document (the role's published spec without test-support paths), same target, same token
scopes and the same Schemathesis configuration as the fuzz suite (`build_config`: checks, max
examples, seed), but nothing else: no CLI, no token negotiation, no auth probes, no findings, no
report writers. At the default budget both do one pass over every phase (the suite stops itself
after one; here Schemathesis runs without a time budget, which is one pass); with `--max-time`
both get that budget. The harness's overhead is the difference in test cases per second between
this and `interop verify --suite fuzz`.

Run: ``INTEROP_BENCH_TOKEN=... python -m bench.st_direct --role R --base-url URL`` prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import time


def run_direct(
    role: str, base_url: str, token: str | None, budget: dict[str, float | int] | None = None
) -> dict[str, float | int | str]:
    """One Schemathesis pass; the number of test cases it ran and how long it took.

    `budget` holds the options `interop verify` was given (`max_examples`, `max_time`; absent
    means the harness's default), so both runs have the same budget.
    """
    started = time.perf_counter()
    import schemathesis
    from schemathesis.engine import events as st_events
    from schemathesis.engine import from_schema

    from harness.fuzz.engine import build_config
    from harness.fuzz.options import FuzzOptions
    from harness.fuzz.spec import fuzzable
    from simulators.core.spec import load_spec

    spec = fuzzable(load_spec(role))
    budget = dict(budget or {})
    config = build_config(base_url, token, FuzzOptions.from_mapping(budget))
    if "max_time" not in budget:
        # The suite stops after one pass over every phase when it fits in its default time budget;
        # Schemathesis's own way of doing exactly one pass is to have no time budget.
        config.max_time = None
    schema = schemathesis.openapi.from_dict(spec, config=config)
    engine_started = time.perf_counter()
    cases = 0
    stop_reason = ""
    for event in from_schema(schema).execute():
        if isinstance(event, st_events.ScenarioFinished) and event.is_test_scenario:
            cases += len(event.recorder.cases)
        elif isinstance(event, st_events.EngineFinished):
            stop_reason = event.stop_reason.value
    done = time.perf_counter()
    return {
        "test_cases": cases,
        "engine_s": done - engine_started,
        "total_s": done - started,
        "stop_reason": stop_reason,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.st_direct")
    parser.add_argument("--role", required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--max-examples", type=int)
    parser.add_argument("--max-time", type=float)
    args = parser.parse_args(argv)
    budget = {
        k: v for k, v in (("max_examples", args.max_examples), ("max_time", args.max_time)) if v is not None
    }
    token = os.environ.get("INTEROP_BENCH_TOKEN") or None
    print(json.dumps(run_direct(args.role, args.base_url, token, budget)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
