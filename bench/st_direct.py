"""The fuzz baseline: Schemathesis's own engine run directly, without the harness around it.

Same document (the role's published spec without test-support paths), same target, same token
scopes and the same Schemathesis configuration as the fuzz suite (`build_config`: checks, max
examples, seed), but nothing else: no CLI, no token negotiation, no auth probes, no findings, no
report writers. Both stop after one pass over every phase by the same code (`ends_one_pass` in
harness/fuzz/engine.py: a second full round of fuzzing or stateful is spare time), or when the
time budget runs out. The harness's overhead is the difference in test cases per second between
this and `interop verify --suite fuzz`; the note beside the figure gives both case counts, which
should be close (the target's state differs a little between the two runs).

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

    from harness.fuzz.engine import build_config, ends_one_pass
    from harness.fuzz.options import FuzzOptions
    from harness.fuzz.spec import fuzzable
    from simulators.core.spec import load_spec

    spec = fuzzable(load_spec(role))
    config = build_config(base_url, token, FuzzOptions.from_mapping(dict(budget or {})))
    schema = schemathesis.openapi.from_dict(spec, config=config)
    engine_started = time.perf_counter()
    cases = 0
    stop_reason = ""
    full_rounds: set[str] = set()
    one_pass_done = False
    stream = from_schema(schema).execute()
    for event in stream:
        if isinstance(event, st_events.PhaseStarted):
            # The suite's own rule for "one pass", so both runs do the same work.
            if ends_one_pass(event, full_rounds) and not one_pass_done:
                one_pass_done = True
                stream.stop()
        elif isinstance(event, st_events.ScenarioFinished) and event.is_test_scenario and not one_pass_done:
            cases += len(event.recorder.cases)
        elif isinstance(event, st_events.EngineFinished):
            stop_reason = "completed" if one_pass_done else event.stop_reason.value
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
