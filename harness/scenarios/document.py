"""One scenario: an Arazzo document read from a file, with its sources and operations resolved.

The scenario's name is the file name without `.arazzo.yaml` (or `.yaml`); its process is the
document's first workflow (others run only when a step or `dependsOn` calls them). Scenario
metadata lives in `info` extensions: `x-interop-key-role` (the system the scenario is mainly
about, used when choosing a quirk to prove it catches a defect); the rule ids it checks are the
first workflow's `x-interop-requirements`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness.errors import BadInput
from harness.scenarios.sources import Operation, Source, SourceError, load_source

SUFFIXES = (".arazzo.yaml", ".arazzo.yml", ".arazzo.json", ".yaml", ".yml", ".json")
_QUALIFIED = re.compile(r"^\$sourceDescriptions\.([A-Za-z0-9_\-]+)\.(.+)$")
_OP_PATH = re.compile(r"^\{?\$sourceDescriptions\.([A-Za-z0-9_\-]+)\.url\}?(#.*)$")


class ScenarioError(BadInput):
    """A scenario file that cannot be read or whose step cannot be resolved."""


def scenario_name(path: Path) -> str:
    name = path.name
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


@dataclass
class Scenario:
    name: str
    path: Path
    doc: dict[str, Any]
    sources: dict[str, Source] = field(default_factory=dict)
    source_errors: dict[str, str] = field(default_factory=dict)

    @property
    def info(self) -> dict[str, Any]:
        return self.doc.get("info") or {}

    @property
    def title(self) -> str:
        return str(self.info.get("title", self.name))

    @property
    def summary(self) -> str:
        text = str(self.info.get("summary") or self.info.get("description") or "").strip()
        return text.splitlines()[0] if text else ""

    @property
    def key_role(self) -> str | None:
        role = self.info.get("x-interop-key-role")
        return str(role) if role else None

    @property
    def requirements(self) -> dict[str, list[str]]:
        """Rule ids the scenario checks, by the role that must keep them (`x-interop-requirements`).

        On the first workflow: a mapping `{custody: [PACE-s40-review]}`, or a plain list for the
        key role. A scenario that cannot run is reported under these ids, so a check of the same
        rule that did run (through the standard's API) covers it.
        """
        raw = self.main.get("x-interop-requirements") if isinstance(self.main, dict) else None
        if isinstance(raw, list):
            return {self.key_role or "": [str(r) for r in raw]}
        if isinstance(raw, dict):
            return {str(k): [str(r) for r in v] for k, v in raw.items() if isinstance(v, list)}
        return {}

    @property
    def workflows(self) -> dict[str, dict[str, Any]]:
        return {
            wf["workflowId"]: wf
            for wf in self.doc.get("workflows") or []
            if isinstance(wf, dict) and "workflowId" in wf
        }

    @property
    def main(self) -> dict[str, Any]:
        first: dict[str, Any] = (self.doc.get("workflows") or [{}])[0]
        return first

    @property
    def components(self) -> dict[str, Any]:
        return self.doc.get("components") or {}

    def source_urls(self) -> dict[str, str]:
        return {s["name"]: s["url"] for s in self.doc.get("sourceDescriptions") or [] if "name" in s}

    def operation(self, step: dict[str, Any]) -> Operation:
        """The operation a step calls (ScenarioError saying why when it cannot be found)."""
        if "operationId" in step:
            return self._by_id(str(step["operationId"]))
        if "operationPath" in step:
            return self._by_path(str(step["operationPath"]))
        raise ScenarioError("the step calls a workflow, not an operation")

    def _source(self, name: str) -> Source:
        if name in self.sources:
            return self.sources[name]
        if name in self.source_errors:
            raise ScenarioError(f"source {name!r} could not be loaded: {self.source_errors[name]}")
        raise ScenarioError(
            f"no source description named {name!r} (have {', '.join(self.source_urls()) or 'none'})"
        )

    def _by_id(self, ref: str) -> Operation:
        m = _QUALIFIED.match(ref)
        if m:
            source = self._source(m.group(1))
            op = source.by_id(m.group(2))
            if op is None:
                raise ScenarioError(
                    f"source {source.name!r} has no operation {m.group(2)!r}"
                    + _suggest(m.group(2), [o.operation_id for o in source.operations])
                )
            return op
        found = [s.by_id(ref) for s in self.sources.values()]
        hits = [op for op in found if op is not None]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            names = ", ".join(f"$sourceDescriptions.{op.source}.{ref}" for op in hits)
            raise ScenarioError(f"operationId {ref!r} is in several sources; write one of {names}")
        every = [o.operation_id for s in self.sources.values() for o in s.operations]
        raise ScenarioError(f"no source has an operation {ref!r}" + _suggest(ref, every))

    def _by_path(self, ref: str) -> Operation:
        m = _OP_PATH.match(ref)
        if not m:
            raise ScenarioError(
                f"operationPath {ref!r} should look like "
                "'{$sourceDescriptions.NAME.url}#/paths/~1nominals/get'"
            )
        source = self._source(m.group(1))
        op = source.by_pointer(m.group(2))
        if op is None:
            raise ScenarioError(
                f"source {source.name!r} has no operation at {m.group(2)}"
                + _suggest(m.group(2), [o.pointer for o in source.operations])
            )
        return op


def _suggest(word: str, choices: list[Any]) -> str:
    import difflib

    close = difflib.get_close_matches(word, [c for c in choices if c], n=3, cutoff=0.5)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text())
    except OSError as exc:
        raise ScenarioError(f"cannot read {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(f"{path.name} is not valid YAML{where}: {problem}") from exc


def load_scenario(path: Path) -> Scenario:
    """Read a scenario file and load its sources (source problems are kept for validation)."""
    doc = read_yaml(path)
    if not isinstance(doc, dict):
        raise ScenarioError(
            f"{path.name} is not an Arazzo document (expected a mapping with 'arazzo:' at the top)"
        )
    scenario = Scenario(scenario_name(path), path.resolve(), doc)
    for description in doc.get("sourceDescriptions") or []:
        if not isinstance(description, dict) or "name" not in description or "url" not in description:
            continue
        try:
            scenario.sources[description["name"]] = load_source(description, scenario.path.parent)
        except SourceError as exc:
            scenario.source_errors[description["name"]] = str(exc)
    return scenario
