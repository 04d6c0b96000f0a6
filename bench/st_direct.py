"""The fuzz baseline: Schemathesis's own engine run directly, without the harness around it.

Same document (the role's published spec without test-support paths), same target, same token
scopes and the same Schemathesis configuration as the fuzz suite (`build_config` with the
default budget: checks, max examples, seed, time budget), but nothing else: no CLI, no token
negotiation, no auth probes, no findings, no report writers. The harness's overhead is the
difference in test cases per second between this and `interop verify --suite fuzz`.

Run: ``INTEROP_BENCH_TOKEN=... python -m bench.st_direct --role R --base-url URL`` prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import time


def run_direct(role: str, base_url: str, token: str | None) -> dict[str, float | int | str]:
    """One Schemathesis pass; the number of test cases it ran and how long it took."""
    started = time.perf_counter()
    import schemathesis
    from schemathesis.engine import events as st_events
    from schemathesis.engine import from_schema

    from harness.fuzz.engine import build_config
    from harness.fuzz.options import FuzzOptions
    from harness.fuzz.spec import fuzzable
    from simulators.core.spec import load_spec

    spec = fuzzable(load_spec(role))
    config = build_config(base_url, token, FuzzOptions())
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
    args = parser.parse_args(argv)
    print(json.dumps(run_direct(args.role, args.base_url, os.environ.get("INTEROP_BENCH_TOKEN") or None)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
