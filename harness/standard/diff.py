"""Classify every change between two releases of an OpenAPI document as breaking or not.

Our own rules (no maintained OpenAPI 3.1 diff tool installs here: `oasdiff` is Go; npm's
`openapi-diff` targets Swagger 2 / OpenAPI 3.0). The rules read from a client's side:

* request side (parameters, request bodies): narrowing what is accepted is breaking (a removed
  field or operation, a new required field or parameter, a narrowed enum, a changed type, a new or
  changed pattern, a tighter limit); widening is not;
* response side: taking away what clients read is breaking (a removed field, a field no longer
  required, a new enum value, a widened type, a removed success status); adding is not.

Documentation keywords (description, summary, examples, ...) are not changes of the contract.
A schema keyword these rules do not know is classified breaking when it changes: never guess
"compatible".
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
#: The code-list annotations (`x-codelist*`, docs/conventions.md) name where a value list is published;
#: the values themselves are compared through `enum`.
DOC_KEYS = {
    "description", "summary", "title", "examples", "example", "$comment", "externalDocs", "x-rule",
    "x-codelist", "x-codelist-subset", "x-codelist-open",
}  # fmt: skip
LOWER_LIMITS = ("minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties")
UPPER_LIMITS = ("maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties")
STRUCTURAL = {"type", "enum", "properties", "required", "pattern", "items", "$ref", "allOf", "oneOf", "anyOf"}
STRUCTURAL |= set(LOWER_LIMITS) | set(UPPER_LIMITS) | {"deprecated"}


@dataclass(frozen=True)
class Change:
    """One difference, where it is and whether it breaks existing clients."""

    breaking: bool
    where: str
    what: str

    def line(self) -> str:
        return f"{'BREAKING' if self.breaking else 'ok      '}  {self.where}: {self.what}"


class _Differ:
    def __init__(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.old, self.new = old, new
        self.changes: list[Change] = []
        self._seen: set[tuple[str, str, str]] = set()  # (old $ref, new $ref, direction)

    def add(self, breaking: bool, where: str, what: str) -> None:
        self.changes.append(Change(breaking, where, what))

    # -- references ------------------------------------------------------------------------
    @staticmethod
    def _resolve(doc: dict[str, Any], node: Any) -> Any:
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
            target: Any = doc
            for part in node["$ref"][2:].split("/"):
                target = (
                    target.get(part.replace("~1", "/").replace("~0", "~"), {})
                    if isinstance(target, dict)
                    else {}
                )
            rest = {k: v for k, v in node.items() if k != "$ref"}
            node = {**target, **rest} if rest and isinstance(target, dict) else target
            hops += 1
            if hops > 32:
                break
        return node

    # -- operations ------------------------------------------------------------------------
    def run(self) -> list[Change]:
        old_paths, new_paths = self.old.get("paths") or {}, self.new.get("paths") or {}
        for path in sorted(set(old_paths) | set(new_paths)):
            old_item = self._resolve(self.old, old_paths.get(path) or {})
            new_item = self._resolve(self.new, new_paths.get(path) or {})
            for method in METHODS:
                where = f"{method.upper()} {path}"
                o, n = old_item.get(method), new_item.get(method)
                if o is not None and n is None:
                    self.add(True, where, "operation removed")
                elif o is None and n is not None:
                    self.add(False, where, "operation added")
                elif o is not None and n is not None:
                    self._operation(where, old_item, o, new_item, n)
        return self.changes

    def _operation(
        self,
        where: str,
        old_item: dict[str, Any],
        o: dict[str, Any],
        new_item: dict[str, Any],
        n: dict[str, Any],
    ) -> None:
        if not o.get("deprecated") and n.get("deprecated"):
            self.add(False, where, "operation deprecated")
        self._security(
            where, o.get("security", self.old.get("security")), n.get("security", self.new.get("security"))
        )
        self._parameters(
            where,
            old_item.get("parameters", []) + o.get("parameters", []),
            new_item.get("parameters", []) + n.get("parameters", []),
        )
        self._request_body(where, o.get("requestBody"), n.get("requestBody"))
        self._responses(where, o.get("responses") or {}, n.get("responses") or {})

    def _security(self, where: str, old: Any, new: Any) -> None:
        def alternatives(reqs: Any) -> set[frozenset[str]]:
            return {frozenset(f"{k}:{s}" for k, v in r.items() for s in (v or [k])) for r in reqs or []}

        o, n = alternatives(old), alternatives(new)
        if o == n:
            return
        # Breaking when some way of calling that worked before no longer satisfies any alternative.
        if (
            not o
            or any(not any(alt <= before for alt in n) for before in o if before)
            or (frozenset() in o and frozenset() not in n)
        ):
            self.add(
                True, where, f"security changed (scopes {sorted(map(sorted, o))} -> {sorted(map(sorted, n))})"
            )
        else:
            self.add(False, where, "security relaxed")

    def _parameters(self, where: str, old: list[Any], new: list[Any]) -> None:
        def keyed(doc: dict[str, Any], params: list[Any]) -> dict[tuple[str, str], dict[str, Any]]:
            out = {}
            for p in params:
                p = self._resolve(doc, p)
                if isinstance(p, dict) and "name" in p:
                    out[(p.get("in", ""), p["name"].lower() if p.get("in") == "header" else p["name"])] = p
            return out

        o, n = keyed(self.old, old), keyed(self.new, new)
        for key in sorted(set(o) | set(n)):
            label = f"{where} {key[0]} parameter {(o.get(key) or n.get(key) or {}).get('name', key[1])}"
            if key in o and key not in n:
                self.add(True, label, "parameter removed")
            elif key not in o:
                required = bool(n[key].get("required"))
                self.add(
                    required, label, "required parameter added" if required else "optional parameter added"
                )
            else:
                if not o[key].get("required") and n[key].get("required"):
                    self.add(True, label, "parameter became required")
                elif o[key].get("required") and not n[key].get("required"):
                    self.add(False, label, "parameter became optional")
                self._schema(label, o[key].get("schema") or {}, n[key].get("schema") or {}, request=True)

    def _request_body(self, where: str, old: Any, new: Any) -> None:
        old, new = self._resolve(self.old, old), self._resolve(self.new, new)
        if not old and not new:
            return
        label = f"{where} request body"
        if old and not new:
            self.add(True, label, "request body removed")
            return
        if new and not old:
            required = bool(new.get("required"))
            self.add(
                required, label, "required request body added" if required else "optional request body added"
            )
            return
        if not old.get("required") and new.get("required"):
            self.add(True, label, "request body became required")
        self._content(label, old.get("content") or {}, new.get("content") or {}, request=True)

    def _responses(self, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        for status in sorted(set(old) | set(new), key=str):
            label = f"{where} response {status}"
            if status in old and status not in new:
                self.add(str(status).startswith("2"), label, "response removed")
            elif status not in old:
                self.add(False, label, "response added")
            else:
                o, n = self._resolve(self.old, old[status]), self._resolve(self.new, new[status])
                for header in sorted(set(o.get("headers") or {}) - set(n.get("headers") or {})):
                    self.add(True, f"{label} header {header}", "response header removed")
                for header in sorted(set(n.get("headers") or {}) - set(o.get("headers") or {})):
                    self.add(False, f"{label} header {header}", "response header added")
                self._content(label, o.get("content") or {}, n.get("content") or {}, request=False)

    def _content(self, label: str, old: dict[str, Any], new: dict[str, Any], *, request: bool) -> None:
        for media in sorted(set(old) | set(new)):
            where = f"{label} {media}"
            if media in old and media not in new:
                self.add(True, where, "media type removed")
            elif media not in old:
                self.add(False, where, "media type added")
            else:
                self._schema(
                    where,
                    (old[media] or {}).get("schema") or {},
                    (new[media] or {}).get("schema") or {},
                    request=request,
                )

    # -- schemas ---------------------------------------------------------------------------
    def _schema(self, where: str, old: Any, new: Any, *, request: bool) -> None:
        # A shared (referenced) schema is compared once per direction: at the first place it is used,
        # which also ends recursion in self-referencing schemas.
        refs = tuple(s.get("$ref", "") if isinstance(s, dict) else "" for s in (old, new))
        if any(refs):
            key = (refs[0], refs[1], "request" if request else "response")
            if key in self._seen:
                return
            self._seen.add(key)
        old, new = self._resolve(self.old, old), self._resolve(self.new, new)
        if not isinstance(old, dict) or not isinstance(new, dict):
            if old != new:
                self.add(True, where, "schema changed")
            return
        self._type(where, old, new, request)
        self._enum(where, old, new, request)
        self._properties(where, old, new, request)
        self._pattern(where, old, new, request)
        self._limits(where, old, new, request)
        if "items" in old or "items" in new:
            self._schema(f"{where}[]", old.get("items") or {}, new.get("items") or {}, request=request)
        for combinator in ("allOf", "oneOf", "anyOf"):
            o, n = old.get(combinator) or [], new.get(combinator) or []
            if len(o) != len(n):
                self.add(True, where, f"{combinator} changed from {len(o)} to {len(n)} alternatives")
            else:
                for i, (a, b) in enumerate(zip(o, n, strict=True)):
                    self._schema(f"{where}({combinator}[{i}])", a, b, request=request)
        if not old.get("deprecated") and new.get("deprecated"):
            self.add(False, where, "deprecated")
        for keyword in sorted((set(old) | set(new)) - STRUCTURAL - DOC_KEYS):
            if old.get(keyword) != new.get(keyword):
                self.add(True, where, f"{keyword} changed ({old.get(keyword)!r} -> {new.get(keyword)!r})")

    def _type(self, where: str, old: dict[str, Any], new: dict[str, Any], request: bool) -> None:
        def types(s: dict[str, Any]) -> set[str] | None:
            t = s.get("type")
            return None if t is None else ({t} if isinstance(t, str) else set(t))

        o, n = types(old), types(new)
        if o == n:
            return
        wider = o is not None and (n is None or o < n)
        narrower = n is not None and (o is None or n < o)
        what = f"type changed ({_fmt(o)} -> {_fmt(n)})"
        self.add(not ((request and wider) or (not request and narrower)), where, what)

    def _enum(self, where: str, old: dict[str, Any], new: dict[str, Any], request: bool) -> None:
        o, n = old.get("enum"), new.get("enum")
        if o == n:
            return
        o_set = None if o is None else {repr(v) for v in o}
        n_set = None if n is None else {repr(v) for v in n}
        removed = sorted(o_set - n_set) if o_set is not None and n_set is not None else []
        added = sorted(n_set - o_set) if o_set is not None and n_set is not None else []
        if o_set is None:
            self.add(request, where, f"enum added {sorted(n_set or [])}")
        elif n_set is None:
            self.add(not request, where, "enum removed")
        else:
            if removed:
                self.add(request, where, f"enum narrowed (removed {', '.join(removed)})")
            if added:
                self.add(not request, where, f"enum widened (added {', '.join(added)})")

    def _properties(self, where: str, old: dict[str, Any], new: dict[str, Any], request: bool) -> None:
        o, n = old.get("properties") or {}, new.get("properties") or {}
        o_req, n_req = set(old.get("required") or []), set(new.get("required") or [])
        for name in sorted(set(o) | set(n)):
            field = f"{where}.{name}"
            if name in o and name not in n:
                self.add(True, field, "field removed")
            elif name not in o:
                required = name in n_req
                if request:
                    self.add(required, field, "required field added" if required else "optional field added")
                else:
                    self.add(False, field, "field added")
            else:
                if name not in o_req and name in n_req:
                    self.add(request, field, "field became required")
                elif name in o_req and name not in n_req:
                    self.add(not request, field, "field became optional")
                self._schema(field, o[name], n[name], request=request)
        for name in sorted((n_req - o_req) - set(n)):
            self.add(request, f"{where}.{name}", "field became required")

    def _pattern(self, where: str, old: dict[str, Any], new: dict[str, Any], request: bool) -> None:
        o, n = old.get("pattern"), new.get("pattern")
        if o == n:
            return
        if n is None:
            self.add(not request, where, f"pattern removed ({o})")
        elif o is None:
            self.add(request, where, f"pattern added ({n})")
        else:  # whether one regular expression is looser than another is undecidable here
            self.add(True, where, f"pattern changed ({o} -> {n})")

    def _limits(self, where: str, old: dict[str, Any], new: dict[str, Any], request: bool) -> None:
        for keyword in LOWER_LIMITS + UPPER_LIMITS:
            o, n = old.get(keyword), new.get(keyword)
            if o == n or isinstance(o, bool) or isinstance(n, bool):
                continue
            lower = keyword in LOWER_LIMITS
            # A limit appearing is a tightening, a limit dropped a loosening.
            tighter = (n is not None) if (o is None or n is None) else (n > o if lower else n < o)
            self.add(
                tighter == request, where, f"{keyword} {'tightened' if tighter else 'loosened'} ({o} -> {n})"
            )


def _fmt(types: set[str] | None) -> str:
    return "any" if types is None else "|".join(sorted(types))


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from `old` to `new` (bundled OpenAPI documents), in a stable order."""
    return _Differ(old, new).run()


def semver(version: str) -> tuple[int, int, int] | None:
    """`1.2.3` -> (1, 2, 3); None when `version` is not MAJOR.MINOR.PATCH."""
    parts = version.split("-", 1)[0].split("+", 1)[0].split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


@dataclass(frozen=True)
class Correction:
    """A change the rules call breaking that corrects a defect of a release: the document promised
    what the reference implementation never did (e.g. a pattern admitting values the server
    refused), so no client that worked can break. Kept in contracts/released/corrections.yaml."""

    version: str
    system: str
    where: str  # fnmatch pattern over Change.where
    what: str  # fnmatch pattern over Change.what
    reason: str

    def covers(self, system: str, version: str, change: Change) -> bool:
        return (
            self.version == version
            and self.system == system
            and fnmatch.fnmatchcase(change.where, self.where)
            and fnmatch.fnmatchcase(change.what, self.what)
        )


def load_corrections(entries: Any) -> list[Correction]:
    """Corrections from the parsed YAML list; ValueError naming the first malformed entry."""
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ValueError("corrections must be a YAML list")
    out = []
    fields = ("version", "system", "where", "what", "reason")
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(f), str) and entry[f] for f in fields):
            raise ValueError(f"correction {i + 1} needs non-empty text for each of {', '.join(fields)}")
        out.append(Correction(*(entry[f] for f in fields)))
    return out


def uncorrected(
    system: str, new: dict[str, Any], changes: list[Change], corrections: list[Correction]
) -> list[Change]:
    """The breaking changes no correction of `new`'s version covers."""
    version = str((new.get("info") or {}).get("version", ""))
    return [c for c in changes if c.breaking and not any(k.covers(system, version, c) for k in corrections)]


def version_problem(
    old: dict[str, Any], new: dict[str, Any], changes: list[Change], breaking: list[Change] | None = None
) -> str | None:
    """Why `new`'s info.version does not follow semantic versioning for `changes`, or None.
    `breaking` is the breaking changes that count (default: all of them; corrections excluded)."""
    breaking = [c for c in changes if c.breaking] if breaking is None else breaking
    o = semver(str((old.get("info") or {}).get("version", "")))
    n = semver(str((new.get("info") or {}).get("version", "")))
    if n is None:
        return f"info.version {(new.get('info') or {}).get('version')!r} is not MAJOR.MINOR.PATCH"
    if o is None:
        return None
    if breaking and n[0] <= o[0]:
        was, now = ".".join(map(str, o)), ".".join(map(str, n))
        return f"breaking changes need a new major version (info.version {was} -> {now})"
    if changes and n <= o:
        return f"changes need a higher info.version than {'.'.join(map(str, o))}"
    if n < o:
        return "info.version went down"
    return None
