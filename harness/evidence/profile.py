"""A force's acceptance profile (force.yaml): who buys what, how it is tested, what must hold.

Why a file: a force runs acceptance without writing Python, and the same file (with the same seed)
reruns the same acceptance. Every problem with a profile is one clear line (exit 2).
docs/evidence.md describes each key; docs/examples/force.yaml is a complete example.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from harness.cli_values import SEED_MAX
from harness.errors import InteropError
from harness.evidence.catalogue import Catalogue
from harness.suites import ALL_SUITES
from simulators.core.config import SYSTEMS

TOP_KEYS = {"buyer", "product", "seed", "suites", "fuzz", "roles", "requirements", "thresholds"}
ROLE_KEYS = {"target", "auth", "peers", "container_port", "env", "startup_timeout"}
FUZZ_KEYS = {"max_examples", "max_time", "workers"}
THRESHOLD_KEYS = {"must_not_met", "must_not_judged", "should_not_met", "other_errors"}
CATALOGUE_MUSTS = "catalogue"  # in requirements.must: every requirement the catalogue marks MUST


@dataclass(frozen=True)
class RoleTarget:
    role: str
    target: str
    auth: Path | None = None
    peers: dict[str, str] = field(default_factory=dict)
    container_port: int = 8080
    env: dict[str, str] = field(default_factory=dict)
    startup_timeout: float = 60.0


@dataclass(frozen=True)
class Thresholds:
    """How many requirements may miss before the profile's verdict changes (None: any number)."""

    must_not_met: int = 0  # more -> fail
    must_not_judged: int = 0  # more -> inconclusive
    should_not_met: int | None = None  # more -> fail
    other_errors: int = 0  # error findings no requirement names (a suite that crashed): more -> fail


@dataclass(frozen=True)
class Profile:
    path: Path
    text: str  # the file as given, copied into the pack
    buyer: str
    product: dict[str, str]
    seed: int
    suites: tuple[str, ...]
    fuzz: dict[str, Any]
    roles: tuple[RoleTarget, ...]
    must: tuple[str, ...]
    thresholds: Thresholds

    def must_ids(self, catalogue: Catalogue) -> set[str]:
        """The catalogue ids that are MUST for this force."""
        out: set[str] = set()
        for item in self.must:
            if item == CATALOGUE_MUSTS:
                out |= {r.id for r in catalogue.requirements if r.level == "MUST"}
            elif catalogue.get(item) is not None:
                out.add(item)
            else:
                out |= {r.id for r in catalogue.in_group(item)}
        return out

    def options(self) -> dict[str, Any]:
        """run_verification's options: the seed and the fuzz budget."""
        return {"seed": self.seed, **self.fuzz}


def _fail(where: str, message: str) -> InteropError:
    return InteropError(f"profile {where}: {message}")


def _mapping(value: Any, where: str, what: str, allowed: set[str]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(where, f"{what} must be a mapping")
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise _fail(where, f"unknown key {unknown[0]!r} in {what} (allowed: {', '.join(sorted(allowed))})")
    return value


def _text(value: Any, where: str, what: str) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool) or not str(value).strip():
        raise _fail(where, f"{what} must be a non-empty text")
    text = str(value).strip()
    if any(ord(c) < 32 for c in text) or len(text) > 200:
        raise _fail(where, f"{what} must be one line of at most 200 characters")
    return text


def _int(value: Any, where: str, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(where, f"{what} must be a whole number from {low} to {high}; got {value!r}")
    return value


def _url(value: Any, where: str, what: str) -> str:
    text = _text(value, where, what)
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise _fail(where, f"{what} must be an http(s)://host:port URL; got {text!r}")
    return text.rstrip("/")


def _role(role: str, raw: Any, where: str, base: Path) -> RoleTarget:
    if role not in SYSTEMS:
        raise _fail(where, f"unknown role {role!r} under roles; choose from {', '.join(SYSTEMS)}")
    spec = _mapping(raw, where, f"roles.{role}", ROLE_KEYS)
    if "target" not in spec:
        raise _fail(where, f"roles.{role} needs a target (http(s)://..., cmd:... or docker:...)")
    target = _text(spec["target"], where, f"roles.{role}.target")
    auth = None
    if spec.get("auth") is not None:
        auth = (base / _text(spec["auth"], where, f"roles.{role}.auth")).resolve()
        if not auth.is_file():
            raise _fail(where, f"roles.{role}.auth: no file {auth}")
    peers_raw = spec.get("peers") or {}
    if not isinstance(peers_raw, dict):
        raise _fail(where, f"roles.{role}.peers must map roles to URLs")
    peers = {}
    for peer, url in peers_raw.items():
        if peer not in SYSTEMS or peer == role:
            raise _fail(where, f"roles.{role}.peers: {peer!r} is not another role ({', '.join(SYSTEMS)})")
        peers[str(peer)] = _url(url, where, f"roles.{role}.peers.{peer}")
    env_raw = spec.get("env") or {}
    if not isinstance(env_raw, dict):
        raise _fail(where, f"roles.{role}.env must map names to values")
    return RoleTarget(
        role,
        target,
        auth,
        peers,
        _int(spec.get("container_port", 8080), where, f"roles.{role}.container_port", 1, 65535),
        {str(k): str(v) for k, v in env_raw.items()},
        float(_int(spec.get("startup_timeout", 60), where, f"roles.{role}.startup_timeout", 1, 3600)),
    )


def _thresholds(raw: Any, where: str) -> Thresholds:
    spec = _mapping(raw, where, "thresholds", THRESHOLD_KEYS)
    values: dict[str, Any] = {}  # int, or None for should_not_met only
    for key in THRESHOLD_KEYS:
        if key in spec:
            if spec[key] is None and key == "should_not_met":
                values[key] = None
            else:
                values[key] = _int(spec[key], where, f"thresholds.{key}", 0, 100_000)
    return Thresholds(**values)


def parse_profile(text: str, path: Path, catalogue: Catalogue) -> Profile:
    where = str(path)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1})" if mark is not None else ""
        raise _fail(where, f"is not valid YAML{at}") from None
    doc = _mapping(raw, where, "the profile", TOP_KEYS)
    if not doc:
        raise _fail(where, "is empty; see docs/examples/force.yaml")
    product = _mapping(doc.get("product"), where, "product", {"name", "version"})
    if "name" not in product:
        raise _fail(where, "product needs a name (and a version)")
    roles_raw = doc.get("roles")
    if not isinstance(roles_raw, dict) or not roles_raw:
        raise _fail(where, "roles must name at least one role the product plays, with its target")
    base = path.resolve().parent
    roles = tuple(_role(str(r), spec, where, base) for r, spec in roles_raw.items())
    suites = doc.get("suites") or list(ALL_SUITES)
    if not isinstance(suites, list) or not suites:
        raise _fail(where, f"suites must be a list of {', '.join(ALL_SUITES)}")
    for s in suites:
        if s not in ALL_SUITES:
            raise _fail(where, f"unknown suite {s!r}; choose from {', '.join(ALL_SUITES)}")
    fuzz = _mapping(doc.get("fuzz"), where, "fuzz", FUZZ_KEYS)
    limits = {"max_examples": (1, 100_000), "max_time": (1, 86_400), "workers": (1, 16)}
    fuzz_options = {k: _int(fuzz[k], where, f"fuzz.{k}", *limits[k]) for k in limits if k in fuzz}
    reqs = _mapping(doc.get("requirements"), where, "requirements", {"must"})
    must_raw = reqs.get("must", [CATALOGUE_MUSTS])
    if not isinstance(must_raw, list):
        raise _fail(where, "requirements.must must be a list of requirement ids, group ids or 'catalogue'")
    group_ids = {g.id for g in catalogue.groups}
    for item in must_raw:
        if item != CATALOGUE_MUSTS and catalogue.get(str(item)) is None and item not in group_ids:
            raise _fail(
                where,
                f"requirements.must: {item!r} is neither a requirement id nor a group of "
                "contracts/requirements.yaml (nor 'catalogue')",
            )
    if "seed" not in doc:
        raise _fail(where, "give a seed (the same seed reruns the same acceptance)")
    return Profile(
        path=path,
        text=text,
        buyer=_text(doc.get("buyer", "(not named)"), where, "buyer"),
        product={k: _text(product[k], where, f"product.{k}") for k in ("name", "version") if k in product},
        seed=_int(doc["seed"], where, "seed", 0, SEED_MAX),
        suites=tuple(suites),
        fuzz=fuzz_options,
        roles=roles,
        must=tuple(str(m) for m in must_raw),
        thresholds=_thresholds(doc.get("thresholds"), where),
    )


def load_profile(path: Path, catalogue: Catalogue) -> Profile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InteropError(f"profile {path} does not exist") from None
    except IsADirectoryError:
        raise InteropError(f"profile {path} is a directory, not a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InteropError(f"profile {path} cannot be read: {type(exc).__name__}") from None
    return parse_profile(text, path, catalogue)
