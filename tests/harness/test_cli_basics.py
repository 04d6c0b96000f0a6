"""The `interop` command: version, token, and one clear line + exit 2 for bad usage."""

from __future__ import annotations

import socket
import subprocess
import sys

from simulators.core.auth import Issuer

INTEROP = [sys.executable, "-m", "harness.cli"]


def run(*args: str, home=None, timeout: float = 60):  # type: ignore[no-untyped-def]
    env = None
    if home is not None:
        import os

        env = {**os.environ, "INTEROP_HOME": str(home)}
    return subprocess.run([*INTEROP, *args], capture_output=True, text=True, timeout=timeout, env=env)


def test_version_and_help():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("interop ")
    h = run("--help")
    assert h.returncode == 0 and "token" in h.stdout and "up" in h.stdout


def test_token_prints_only_a_token_every_simulator_accepts(tmp_path):
    r = run("token", "--scopes", "records:read custody:write", home=tmp_path)
    assert r.returncode == 0, r.stderr
    token = r.stdout.strip()
    assert r.stdout.count("\n") == 1 and token.count(".") == 2
    principal = Issuer.from_key_file(tmp_path / "issuer-key.json").verify(token)
    assert principal.scopes == {"records:read", "custody:write"}


def _one_clear_line(r) -> None:  # type: ignore[no-untyped-def]
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("interop: error:"), r.stderr


def test_bad_usage_is_one_line_and_exit_2(tmp_path):
    _one_clear_line(run("token", "--scopes", "records:delete", home=tmp_path))
    _one_clear_line(run("up", "--no-such-option"))
    _one_clear_line(run("no-such-command"))
    _one_clear_line(run("up", "--systems", "records,payroll", home=tmp_path))
    _one_clear_line(run("up", "--db", "mysql://x/y", home=tmp_path))
    _one_clear_line(run("up", "--db", "postgresql://nobody:x@127.0.0.1:1/none", home=tmp_path))


def test_busy_port_is_one_line_and_exit_2(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = run("up", "--base-port", str(port), home=tmp_path)
    _one_clear_line(r)
    assert str(port) in r.stderr


def test_root_help_documents_every_exit_code():
    h = run("--help")
    text = " ".join(h.stdout.split())
    assert h.returncode == 0
    for code in ("0 conforms", "1 findings", "2 bad usage", "3 inconclusive"):
        assert code in text, text


def test_errors_are_printed_as_data_on_one_line(capsys):
    """Rich markup, terminal escapes and line breaks in an error (a target, a log tail) are shown
    as typed, on one line: issue 26, where `[/base]` in a message crashed the printer."""
    from harness.cli import print_error

    print_error("target [bold red]x[/] said \x1b[31mred\nsecond line [/base] \u202e")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("interop: error: ")
    assert "[bold red]x[/]" in err and "[/base]" in err and "\\x1b[31mred second line" in err
    assert "\x1b" not in err and "\u202e" not in err and "\\u202e" in err


def test_one_line_cuts_an_overlong_message():
    from harness.errors import MAX_LINE, one_line

    line = one_line("y" * (MAX_LINE + 500))
    assert line.startswith("y" * MAX_LINE) and line.endswith("[cut: 500 more bytes]")
    assert one_line("a\r\nb\tc\u2028d") == "a  b c d"


def test_main_can_run_many_times_in_one_process(capsys):
    import pytest

    from harness import cli

    for _ in range(2):
        with pytest.raises(SystemExit) as exc:
            cli.main(["--version"])
        assert exc.value.code == 0
    names = [c.name for c in cli.app.registered_commands]
    assert len(names) == len(set(names))  # registered once, not once per call


def test_given_pacts_must_be_http_pacts_of_spec_v2_to_v4(tmp_path):
    import json

    import pytest

    from harness.contracts.pactfile import PactFileError, load_given_pact, pacts_dir

    assert load_given_pact(pacts_dir() / "records-custody.json").interactions  # V4: fine

    def pact(name, **document):
        path = tmp_path / name
        base = {"consumer": {"name": "vendor"}, "provider": {"name": "records"}}
        path.write_text(json.dumps({**base, **document}))
        return path

    http = {"description": "d", "request": {"method": "GET", "path": "/x"}, "response": {"status": 200}}
    refused = {
        "1.0": pact("v1.json", interactions=[http], metadata={"pactSpecification": {"version": "1.0"}}),
        "specification '5.0.0'": pact(
            "v5.json", interactions=[http], metadata={"pact-specification": {"version": "5.0.0"}}
        ),
        "needs a request and a response": pact("half.json", interactions=[{"request": {}}]),
        "no HTTP interaction": pact("messages.json", interactions=[{"type": "Asynchronous/Messages"}]),
        "is a directory": tmp_path,
    }
    for why, path in refused.items():
        with pytest.raises(PactFileError, match=why) as exc:
            load_given_pact(path)
        assert str(path) in str(exc.value)
    v3 = pact("v3.json", interactions=[http], metadata={"pactSpecification": {"version": "3.0.0"}})
    assert len(load_given_pact(v3).interactions) == 1
