"""Service levels from the command line and from YAML files."""

from __future__ import annotations

import pytest

from harness.errors import InteropError
from harness.load.levels import Levels, load_levels
from harness.load.options import load_options


def test_defaults_apply_to_every_operation() -> None:
    levels = load_levels(None)
    assert levels.for_operation("search by name") == Levels()
    assert levels.default.p95 == 800.0 and levels.default.throughput == 0.9


def test_inline_pairs_override_the_defaults_and_off_turns_a_level_off() -> None:
    levels = load_levels("p95=400, error_rate=0.05, p99=off")
    assert (levels.default.p95, levels.default.error_rate, levels.default.p99) == (400.0, 0.05, None)
    assert levels.default.p50 == Levels().p50


def test_yaml_file_gives_defaults_and_per_operation_levels(tmp_path) -> None:
    path = tmp_path / "levels.yaml"
    path.write_text("default: {p95: 500}\noperations:\n  read by id: {p50: 50}\n", encoding="utf-8")
    levels = load_levels(str(path), ["read by id", "search by name"])
    assert levels.for_operation("read by id") == Levels(p50=50.0, p95=500.0)
    assert levels.for_operation("search by name") == Levels(p95=500.0)
    assert levels.describe()["operations"]["read by id"]["p50"] == 50.0


@pytest.mark.parametrize(
    "text",
    ["p95", "p97=100", "p95=abc", "p95=-1", "error_rate=1.5", "throughput=2", "p95=inf", "=3", "x" * 5000],
)
def test_bad_inline_levels_are_refused(text: str) -> None:
    with pytest.raises(InteropError):
        load_levels(text)


def test_bad_yaml_files_are_refused(tmp_path) -> None:
    for content in (
        "- a list\n",
        "default: 3\n",
        "operations: {nope: {p95: 1}}\n",
        "default: {p95: [1]}\n",
        "{",
    ):
        path = tmp_path / "bad.yaml"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(InteropError):
            load_levels(str(path), ["read by id"])


def test_cli_options_refuse_empty_levels_and_bad_master_address() -> None:
    common = dict(rate=None, users=None, duration=None, ramp_up=None, load_workers=None, remote_workers=None)
    with pytest.raises(InteropError):
        load_options(**common, service_levels="", master_bind=None)
    for bad in ("host", "host:port", "a b:1", "h:70000", ""):
        with pytest.raises(InteropError):
            load_options(**common, service_levels=None, master_bind=bad)
    assert load_options(**common, service_levels="p95=1", master_bind="0.0.0.0:5557") == {
        "service_levels": "p95=1",
        "load_master_bind": "0.0.0.0:5557",
    }
