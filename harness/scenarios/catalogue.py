"""The scenarios folder: every Arazzo file in it is a scenario, no code change needed.

The folder is `scenarios/` at the top of the repository, or `INTEROP_SCENARIOS_DIR`, or `--dir`.
Files named `*.arazzo.yaml` (`.yml`, `.json`) are scenarios; other `*.yaml` files are too when
they start with `arazzo:`. Sub-folders (like `support/`) hold what scenarios refer to.
"""

from __future__ import annotations

import os
from pathlib import Path

from harness.errors import InteropError
from harness.scenarios.document import SUFFIXES, scenario_name


def default_dir() -> Path:
    env = os.environ.get("INTEROP_SCENARIOS_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "scenarios"


def _is_arazzo(path: Path) -> bool:
    if ".arazzo." in path.name:
        return True
    try:
        head = path.read_text(errors="replace")[:4000]
    except OSError:
        return False
    return any(line.startswith(("arazzo:", '"arazzo"', '{"arazzo"')) for line in head.splitlines())


def scenario_files(directory: Path | None = None) -> list[Path]:
    """The scenario files of a folder, in name order."""
    folder = directory or default_dir()
    if not folder.is_dir():
        raise InteropError(f"no scenarios folder at {folder} (give --dir or set INTEROP_SCENARIOS_DIR)")
    return sorted(
        (p for p in folder.iterdir() if p.is_file() and p.name.endswith(SUFFIXES) and _is_arazzo(p)),
        key=lambda p: scenario_name(p),
    )


def find(name_or_path: str, directory: Path | None = None) -> Path:
    """A scenario by name (`arrest-to-charge`) or by file path."""
    candidate = Path(name_or_path)
    if candidate.is_file():
        return candidate
    files = scenario_files(directory)
    for path in files:
        if scenario_name(path) == name_or_path:
            return path
    import difflib

    names = [scenario_name(p) for p in files]
    close = difflib.get_close_matches(name_or_path, names, n=1)
    hint = f"; did you mean {close[0]}?" if close else f"; known: {', '.join(names)}"
    raise InteropError(f"no scenario {name_or_path!r}{hint} (see `interop scenario list`)")
