"""Every CLI argument tried badly.

Each option and argument of every `interop` command (found by walking the Typer app's command
tree, so a new option is covered without editing this file) is given missing, malformed and
hostile values: empty, not a number, negative, huge, NaN, a folder, a file, a missing path, a path
under a file, a broken URL, rich markup, a terminal escape, a line break, a very long string and
an unknown choice. Each must end with exit 2 and exactly one line on standard error, no traceback,
before anything starts: the in-process cases run with socket bind/connect, child processes and the
commands' heavy work replaced by a sentinel, so a bad value that is not refused shows up as "went
on to start something". Values accepted by design are listed in ACCEPTED with the reason.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest

import harness.cli as cli
from harness.cli_values import ChoiceValue, PathValue

cli._register_commands()
ROOT = cli._command()
REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "scenarios" / "arrest-to-charge.arazzo.yaml"
CASE_TIMEOUT_S = 20

# Hostile values every option and argument is given; the keys name them in test ids and ACCEPTED.
HOSTILE = {
    "empty": "",
    "broken-url": "foo bar://",
    "markup": "[bold red]x[/]",
    "escape": "\x1b[31m",
    "line-break": "a\nb",
    "long": "x" * 5000,
}
NUMBER = {
    "not-a-number": "abc",
    "negative": "-1",
    "huge": "1" + "0" * 40,
    "nan": "nan",
    "inf": "inf",
}
INT_ONLY = {"fraction": "1.5"}
PATHS = {  # placeholders, made real in the test's temporary folder
    "dir": "<dir>",
    "file": "<file>",
    "missing": "<missing>",
    "under-a-file": "<under-a-file>",
}
UNKNOWN_CHOICE = {"unknown-choice": "no-such-choice"}

# ROLE=VALUE style options: besides the bare hostile values, each is tried after this prefix.
PAIR_PREFIX = {
    ("up", "--external"): "records=",
    ("up", "--quirks"): "custody=",
    ("verify", "--peer"): "records=",
    ("observe", "--peer"): "records=",
    ("verify", "--env"): "KEY=",
    ("scenario run", "--target"): "records=",
    ("scenario run", "--peer"): "records=",
    ("scenario run", "--input"): "name=",
}

# Options naming a product under test (URL, cmd: or docker:) also get malformed targets of each kind.
TARGETS = {
    "cmd-without-port": "cmd:./product",
    "cmd-unclosed-quote": "cmd:./product --port '{port}",
    "docker-no-image": "docker:",
    "docker-bad-image": "docker:Vendor Product!",
    "url-without-host": "http://",
}
TARGET_PREFIX = {("verify", "--target"): "", ("scenario run", "--target"): "records="}

_FREE_TEXT = "free text (a name, id or secret): anything printable and non-empty is a valid value"
ACCEPTED: dict[tuple[str, str], dict[str, str]] = {
    ("token", "--client-id"): dict.fromkeys(("broken-url", "markup", "long"), _FREE_TEXT),
    ("verify", "--client-id"): dict.fromkeys(("broken-url", "markup", "long"), _FREE_TEXT),
    ("verify", "--client-secret"): dict.fromkeys(("broken-url", "markup", "long"), _FREE_TEXT),
    ("up", "--console-password"): dict.fromkeys(("broken-url", "markup", "long"), _FREE_TEXT),
    ("verify", "--product"): dict.fromkeys(("broken-url", "markup", "long"), _FREE_TEXT),
    ("observe", "--product"): dict.fromkeys(("broken-url", "markup", "long"), _FREE_TEXT),
    ("observe", "--product-version"): dict.fromkeys(("broken-url", "markup", "long"), _FREE_TEXT),
    ("observe", "--run"): dict.fromkeys(
        ("broken-url", "markup", "long"), "a driver command is any shell text (run as given, with sh)"
    ),
    ("verify", "--product-version"): dict.fromkeys(("broken-url", "markup", "long"), _FREE_TEXT),
    ("verify", "--token"): {"long": "5000 letters are a well-formed RFC 6750 bearer token"},
    ("verify", "--env"): dict.fromkeys(
        ("KEY=empty", "KEY=broken-url", "KEY=markup", "KEY=escape", "KEY=line-break", "KEY=long"),
        "a container's environment value may hold any text (docker passes it through)",
    ),
    ("scenario run", "--input"): dict.fromkeys(
        ("name=empty", "name=broken-url", "name=line-break", "name=long"),
        "a scenario input is any YAML scalar; these parse as strings",
    ),
}

# A valid invocation of each command, which each case changes in one place. Run as is, each one
# gets past its checks (or finishes): test_each_baseline_is_valid proves it, so a refusal in a
# case is caused by the bad value alone.
BASELINES: dict[str, tuple[list[str], dict[str, str]]] = {
    "compare": (["<report>"], {}),
    "demo": ([], {}),
    "generate": ([], {"--out": "generated"}),
    "token": ([], {}),
    "up": ([], {}),
    "observe": ([], {"--duration": "1"}),
    "verify": ([], {"--role": "records", "--target": "http://127.0.0.1:9"}),
    "migrate": ([], {"--from": "http://127.0.0.1:9", "--to": "reference"}),
    "scenario list": ([], {}),
    "scenario validate": ([str(SCENARIO)], {}),
    "scenario run": (["arrest-to-charge"], {}),
    "accept": ([], {"--profile": "<profile>"}),
    "evidence verify": (["<pack>"], {}),
    "evidence diff": (["<pack>", "<pack>"], {}),
    "standard bundle": ([], {"--out": "bundled"}),
    "standard diff": (["<openapi>", "<openapi>"], {}),
    "standard site": ([], {"--out": "site"}),
}


class Reached(BaseException):
    """The command got past its checks and tried to start a server, a process or its real work."""


@dataclass
class Outcome:
    code: int | None
    stdout: str
    stderr: str
    reached: str = ""


def leaves(command: Any = ROOT, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    subs = getattr(command, "commands", None)
    if subs:
        for name, sub in sorted(subs.items()):
            yield from leaves(sub, (*path, name))
    else:
        yield " ".join(path), command


def element_type(annotation: Any) -> Any:
    return get_args(annotation)[0] if get_origin(annotation) is list else annotation


def is_flag(param: Any) -> bool:
    return bool(getattr(param, "is_flag", False))


def is_number(param: Any) -> bool:
    return element_type(param.type_descriptor.annotation) in (int, float)


def path_rule(param: Any) -> PathValue | None:
    parser = param.type_descriptor.parameter_info.parser
    return parser if isinstance(parser, PathValue) else None


def name_of(param: Any) -> str:
    return param.opts[0] if param.opts and param.opts[0].startswith("-") else param.name


def values_for(command: str, param: Any) -> dict[str, str]:
    values = dict(HOSTILE)
    annotation = element_type(param.type_descriptor.annotation)
    if is_number(param):
        values.update(NUMBER)
        if annotation is int:
            values.update(INT_ONLY)
    if path_rule(param) is not None:
        values.update(PATHS)
    if isinstance(param.type_descriptor.parameter_info.parser, ChoiceValue):
        values.update(UNKNOWN_CHOICE)
    if (command, name_of(param)) in TARGET_PREFIX:
        prefix = TARGET_PREFIX[(command, name_of(param))]
        values.update({f"{prefix}{label}": f"{prefix}{value}" for label, value in TARGETS.items()})
    prefix = PAIR_PREFIX.get((command, name_of(param)))
    if prefix:
        values.update({f"{prefix}{label}": f"{prefix}{value}" for label, value in HOSTILE.items()})
    return values


# Paths of the right kind refused for what they hold (the test's file is neither JSON nor YAML,
# its folder is empty).
REFUSED_FOR_CONTENT = {
    ("verify", "--pact", "file"): "not a pact file",
    ("verify", "--auth", "file"): "not a YAML auth file",
    ("migrate", "--from-auth", "file"): "not a YAML auth file",
    ("migrate", "--to-auth", "file"): "not a YAML auth file",
    ("observe", "--faults", "file"): "not a YAML fault plan",
    ("scenario run", "--dir", "dir"): "an empty folder has no scenario of the baseline's name",
    ("accept", "--profile", "file"): "not a YAML profile",
    ("accept", "--key", "file"): "not a PEM private key",
    ("evidence verify", "pack", "file"): "neither a pack folder nor a zip",
    ("evidence diff", "pack_a", "file"): "neither a pack folder nor a zip",
    ("evidence diff", "pack_b", "file"): "neither a pack folder nor a zip",
    ("evidence diff", "pack_a", "dir"): "an empty folder has no results.json",
    ("evidence diff", "pack_b", "dir"): "an empty folder has no results.json",
    ("standard diff", "old", "file"): "not an OpenAPI document",
    ("standard diff", "new", "file"): "not an OpenAPI document",
    ("standard diff", "old", "dir"): "a folder compared with a file",
    ("standard diff", "new", "dir"): "a folder compared with a file",
    ("standard diff", "--corrections", "file"): "not a YAML list of corrections",
}


def must_refuse(command: str, param: Any, label: str) -> bool:
    if label in ACCEPTED.get((command, name_of(param)), {}):
        return False
    if (command, name_of(param), label) in REFUSED_FOR_CONTENT:
        return True
    rule = path_rule(param)
    if rule is not None:
        if label == "dir":
            return rule.kind == "file"
        if label == "file":
            return rule.kind == "dir"
        if label in ("missing", "broken-url", "markup"):  # the last two are just unusual names
            return rule.must_exist
    return True


def cases() -> Iterator[Any]:
    for command, cmd in leaves():
        for param in cmd.params:
            if is_flag(param):
                continue
            for label, value in values_for(command, param).items():
                refuse = must_refuse(command, param, label)
                yield pytest.param(
                    command, name_of(param), value, refuse, id=f"{command}:{name_of(param)}:{label}"
                )


def argv_for(command: str, option: str, value: str | None, places: dict[str, str]) -> list[str]:
    """The baseline of `command` with `option` (or the argument of that name) set to `value`;
    `value` None leaves the option with no value (at the end of the line)."""
    positionals, options = BASELINES[command]
    cmd = dict(leaves())[command]
    argument = not option.startswith("-")
    argv = command.split()
    for opt, val in options.items():
        if opt != option:
            argv += [opt, places.get(val, val)]
    if not argument:
        argv += [places.get(p, p) for p in positionals]
        argv += [option] if value is None else [option, places.get(value, value)]
    else:
        names = [p.name for p in cmd.params if not p.opts[0].startswith("-")]
        values = [places.get(p, p) for p in positionals]
        at = names.index(option)
        if value is None:  # left out, and so are the arguments after it
            del values[at:]
        else:
            values[at] = places.get(value, value)
        argv += values
    return argv


@pytest.fixture
def places(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "a-dir").mkdir()
    (tmp_path / "a-file.txt").write_text("not JSON, not YAML: {[", encoding="utf-8")
    report = tmp_path / "report"
    report.mkdir()
    (report / "report.json").write_text(json.dumps({"role": "records", "target": "t"}), encoding="utf-8")
    pack = tmp_path / "pack"  # enough of an evidence pack for `evidence diff` (it does not verify)
    pack.mkdir()
    (pack / "results.json").write_text(json.dumps({"requirements": [], "problems": []}), encoding="utf-8")
    profile = tmp_path / "force.yaml"
    profile.write_text("product: {name: P}\nseed: 1\nroles: {custody: {target: 'http://127.0.0.1:9'}}\n")
    openapi = tmp_path / "openapi.json"  # a minimal OpenAPI document for `standard diff`
    openapi.write_text(json.dumps({"openapi": "3.1.0", "info": {"version": "1.0.0"}, "paths": {}}))
    return {
        "<openapi>": str(openapi),
        "<pack>": str(pack),
        "<profile>": str(profile),
        "<dir>": str(tmp_path / "a-dir"),
        "<file>": str(tmp_path / "a-file.txt"),
        "<missing>": str(tmp_path / "missing" / "deeper"),
        "<under-a-file>": str(tmp_path / "a-file.txt" / "sub"),
        "<report>": str(report),
    }


@pytest.fixture
def guarded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Anything that would start a server, a process or the real work raises Reached instead."""

    def stop(what: str) -> Any:
        def raiser(*_args: Any, **_kwargs: Any) -> Any:
            raise Reached(what)

        return raiser

    import harness.commands.compare
    import harness.standard.site
    import simulators.population

    monkeypatch.setattr(socket.socket, "bind", stop("socket bind (a server or a free port)"))
    monkeypatch.setattr(socket.socket, "connect", stop("socket connect (probing a target)"))
    monkeypatch.setattr(subprocess.Popen, "__init__", stop("a child process"))
    monkeypatch.setattr(simulators.population, "write_population", stop("writing the population"))
    monkeypatch.setattr(harness.commands.compare, "write_comparison", stop("writing the comparison"))
    monkeypatch.setattr(harness.standard.site, "build_site", stop("building the site"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INTEROP_HOME", str(tmp_path / "home"))
    for role in ("RECORDS", "CUSTODY", "INTELLIGENCE"):
        monkeypatch.delenv(f"INTEROP_{role}_URL", raising=False)


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def expired(_signum: int, _frame: Any) -> None:
        raise TimeoutError(f"the case ran for more than {seconds} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def invoke(argv: list[str]) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    code: int | None = None
    reached = ""
    with time_limit(CASE_TIMEOUT_S), redirect_stdout(out), redirect_stderr(err):
        try:
            cli.main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except Reached as exc:
            reached = str(exc)
    return Outcome(code, out.getvalue(), err.getvalue(), reached)


def assert_one_line_exit_2(outcome: Outcome, argv: list[str]) -> None:
    shown = f"argv={argv!r}\nstdout={outcome.stdout!r}\nstderr={outcome.stderr!r}"
    assert not outcome.reached, (
        f"the bad value was accepted: the command went on to {outcome.reached}\n{shown}"
    )
    assert "Traceback" not in outcome.stderr + outcome.stdout, shown
    assert outcome.code == 2, shown
    lines = [ln for ln in outcome.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("interop: error: "), shown
    assert "\x1b" not in outcome.stderr, shown  # a terminal escape in a value is shown escaped


@pytest.mark.parametrize(("command", "option", "value", "refuse"), list(cases()))
def test_every_option_refuses_bad_values(
    guarded: None, places: dict[str, str], command: str, option: str, value: str, refuse: bool
) -> None:
    argv = argv_for(command, option, value, places)
    outcome = invoke(argv)
    if refuse:
        assert_one_line_exit_2(outcome, argv)
    else:  # accepted by design (ACCEPTED) or a fine path: it must get past the checks cleanly
        assert outcome.reached or outcome.code in (0, 1), (argv, outcome)


def _valued_params() -> Iterator[Any]:
    for command, cmd in leaves():
        for param in cmd.params:
            if not is_flag(param):
                yield pytest.param(command, name_of(param), id=f"{command}:{name_of(param)}")


@pytest.mark.parametrize(("command", "option"), list(_valued_params()))
def test_an_option_without_its_value_is_one_line(
    guarded: None, places: dict[str, str], command: str, option: str
) -> None:
    if not option.startswith("-"):
        cmd = dict(leaves())[command]
        (param,) = [p for p in cmd.params if p.name == option]
        if not param.required:
            pytest.skip("an optional argument may be left out")
    argv = argv_for(command, option, None, places)
    assert_one_line_exit_2(invoke(argv), argv)


@pytest.mark.parametrize("command", sorted(BASELINES))
def test_each_baseline_is_valid(guarded: None, places: dict[str, str], command: str) -> None:
    """The cases above are honest: without the bad value, each command gets past its checks."""
    positionals, options = BASELINES[command]
    argv = [*command.split(), *[places.get(p, p) for p in positionals]]
    for opt, val in options.items():
        argv += [opt, places.get(val, val)]
    outcome = invoke(argv)
    assert outcome.reached or outcome.code in (0, 1), (argv, outcome)
    assert "Traceback" not in outcome.stderr


@pytest.mark.parametrize("command", sorted(BASELINES))
def test_unknown_options_and_missing_required_ones_are_one_line(
    guarded: None, places: dict[str, str], command: str
) -> None:
    positionals, options = BASELINES[command]
    argv = [*command.split(), *[places.get(p, p) for p in positionals], "--no-such-option"]
    assert_one_line_exit_2(invoke(argv), argv)
    cmd = dict(leaves())[command]
    for param in cmd.params:
        if param.required and param.opts[0].startswith("-"):
            argv = argv_for(command, name_of(param), "x", places)
            i = argv.index(name_of(param))
            del argv[i : i + 2]
            assert_one_line_exit_2(invoke(argv), argv)


def test_every_command_has_a_baseline_and_every_option_states_its_bounds() -> None:
    """A new command needs a baseline here; a new number option needs min and max, and a new path
    option a PathValue parser, so that what a bad value is stays known."""
    assert {name for name, _ in leaves()} == set(BASELINES)
    for command, cmd in leaves():
        for param in cmd.params:
            info = param.type_descriptor.parameter_info
            where = f"{command} {name_of(param)}"
            if is_number(param):
                assert info.min is not None and info.max is not None, f"{where}: give min= and max="
            if element_type(param.type_descriptor.annotation) is Path:
                assert path_rule(param) is not None, f"{where}: give parser=PathValue(...)"
    for (command, option), labels in ACCEPTED.items():
        cmd = dict(leaves())[command]
        (param,) = [p for p in cmd.params if name_of(p) == option]
        assert set(labels) <= set(values_for(command, param)), (command, option)


# A sample through the real `interop` executable: the same one line, exit 2, nothing started.
INTEROP = str(Path(sys.executable).with_name("interop"))
SUBPROCESS_CASES = {
    "broken target URL": ["verify", "--role", "records", "--target", "foo bar://"],
    "markup in the target": ["verify", "--role", "records", "--target", "[bold red]x[/]"],
    "report dir is a file": [
        "verify",
        "--role",
        "records",
        "--target",
        "http://127.0.0.1:9",
        "--report-dir",
        "<file>",
    ],
    "pact is not JSON": ["verify", "--role", "records", "--pact", "<file>"],
    "pact is not a pact": ["verify", "--role", "records", "--pact", "<not-a-pact>"],
    "population huge": ["up", "--population", "1" + "0" * 40],
    "workers zero": ["up", "--workers", "0"],
}


@pytest.mark.parametrize("argv", list(SUBPROCESS_CASES.values()), ids=list(SUBPROCESS_CASES))
def test_a_sample_through_the_real_executable(
    tmp_path: Path, places: dict[str, str], argv: list[str]
) -> None:
    not_a_pact = tmp_path / "not-a-pact.json"
    not_a_pact.write_text(json.dumps({"consumer": {"name": "x"}, "provider": {"name": "records"}}))
    places = {**places, "<not-a-pact>": str(not_a_pact)}
    real = [places.get(a, a) for a in argv]
    env = {**os.environ, "INTEROP_HOME": str(tmp_path / "home"), "PACT_DO_NOT_TRACK": "true"}
    r = subprocess.run([INTEROP, *real], capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env)
    assert_one_line_exit_2(Outcome(r.returncode, r.stdout, r.stderr), real)
    if argv[-2] in ("--pact", "--report-dir", "--target"):
        assert real[-1] in r.stderr, r.stderr  # names the file, or shows the target as typed
