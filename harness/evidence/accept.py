"""Run an acceptance profile: verify each role it names, judge the requirements, write the pack.

Why one function: `interop accept` and `interop demo` both end with a pack; the pack must be the
same whoever asks for it.
"""

from __future__ import annotations

import json
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import __version__
from harness.auth import AuthConfig
from harness.errors import InteropError
from harness.evidence import signing
from harness.evidence.catalogue import Catalogue, catalogue_path
from harness.evidence.identity import identity
from harness.evidence.judge import RoleRun, judge
from harness.evidence.pack import MANIFEST, seal, sha256_file
from harness.evidence.profile import Profile
from harness.evidence.summary import print_pdf, render_summary

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Acceptance:
    results: dict[str, Any]
    folder: Path
    archive: Path
    pdf_note: str | None


def prepare_out(out: Path) -> None:
    """An empty or absent folder, or a previous pack (replaced); anything else is refused."""
    if out.exists():
        if not out.is_dir():
            raise InteropError(f"--out {out} exists and is not a folder")
        if any(out.iterdir()):
            if not (out / MANIFEST).is_file():
                raise InteropError(f"--out {out} is a folder that is not empty and not an evidence pack")
            shutil.rmtree(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InteropError(f"--out {out} cannot be created: {exc.strerror or exc}") from None


def _hashes(paths: list[Path]) -> dict[str, str]:
    out = {}
    for p in sorted(paths):
        try:
            name = p.resolve().relative_to(REPO).as_posix()
        except ValueError:
            name = str(p)
        out[name] = sha256_file(p)
    return out


def standard_used(catalogue: Catalogue, suites: tuple[str, ...]) -> dict[str, Any]:
    """The standard's version and the hashes of the documents this acceptance used."""
    from harness.contracts.pactfile import pacts_dir
    from harness.scenarios.catalogue import default_dir

    openapi = REPO / "contracts" / "openapi"
    out: dict[str, Any] = {
        **catalogue.standard,
        "openapi": _hashes(list(openapi.glob("*.yaml"))),
        "requirements": _hashes([catalogue_path()]),
    }
    if "contracts" in suites:
        out["pacts"] = _hashes(list(pacts_dir().glob("*.json")))
    if "scenarios" in suites:
        folder = default_dir()
        out["scenarios"] = _hashes([p for p in folder.rglob("*") if p.is_file()]) if folder.is_dir() else {}
    return out


def rerun_command(profile_arg: str, out_arg: str, key_arg: str | None) -> str:
    parts = ["interop", "accept", "--profile", profile_arg, "--out", out_arg]
    if key_arg:
        parts += ["--key", key_arg]
    return shlex.join(parts)


def verify_roles(profile: Profile, out: Path, console: bool) -> list[RoleRun]:
    from harness.verification import run_verification

    runs = []
    for role in profile.roles:
        auth = AuthConfig.load(role.auth) if role.auth is not None else None
        run = run_verification(
            role.role,
            role.target,
            list(profile.suites),
            out / "roles" / role.role,
            auth=auth,
            options=profile.options(),
            console=console,
            startup_timeout=role.startup_timeout,
            container_port=role.container_port,
            env=dict(role.env),
            peers=dict(role.peers),
            product=dict(profile.product),
        )
        runs.append(RoleRun(role.role, run.summary(), profile.suites))
    return runs


def write_pack(
    profile: Profile,
    catalogue: Catalogue,
    runs: list[RoleRun],
    identities: list[dict[str, Any]],
    out: Path,
    key: Any,
    rerun: str,
    created_at: str,
) -> Acceptance:
    """Judge the runs (already written under out/roles/) and seal the pack."""
    results = judge(profile, catalogue, runs)
    (out / "results.json").write_text(
        json.dumps(results, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )
    (out / "profile.yaml").write_text(profile.text, encoding="utf-8")
    manifest: dict[str, Any] = {
        "harness": {"name": "interop", "version": __version__},
        "standard": standard_used(catalogue, profile.suites),
        "buyer": profile.buyer,
        "product": profile.product,
        "identity": identities,
        "seed": profile.seed,
        "suites": list(profile.suites),
        "verdict": results["verdict"],
        "rerun": rerun,
        "created_at": created_at,
        "public_key_sha256": signing.fingerprint(signing.public_pem(key)),
    }
    (out / "summary.html").write_text(render_summary(results, manifest), encoding="utf-8")
    pdf_note = print_pdf(out / "summary.html", out / "summary.pdf")
    manifest["summary_pdf"] = "summary.pdf" if pdf_note is None else pdf_note
    archive = seal(out, manifest, key)
    return Acceptance(results, out, archive, pdf_note)


def run_acceptance(
    profile: Profile,
    catalogue: Catalogue,
    out: Path,
    *,
    key_path: Path | None = None,
    rerun: str = "",
    console: bool = True,
) -> Acceptance:
    from harness.engine.run import now_iso

    key = signing.load_or_create_key(key_path)  # a bad --key fails before anything runs
    prepare_out(out)
    created_at = now_iso()
    identities = [identity(r.role, r.target, profile.product) for r in profile.roles]
    runs = verify_roles(profile, out, console)
    return write_pack(profile, catalogue, runs, identities, out, key, rerun, created_at)


def profile_text(
    *,
    buyer: str,
    product: dict[str, str],
    seed: int,
    suites: list[str],
    roles: dict[str, str],
    peers: dict[str, dict[str, str]],
    fuzz: dict[str, int] | None = None,
) -> str:
    """An acceptance profile as YAML, for runs made without one (`interop demo`)."""
    import yaml

    doc: dict[str, Any] = {
        "buyer": buyer,
        "product": product,
        "seed": seed,
        "suites": suites,
        **({"fuzz": fuzz} if fuzz else {}),
        "roles": {role: {"target": target, "peers": peers.get(role, {})} for role, target in roles.items()},
    }
    return yaml.safe_dump(doc, sort_keys=False)


def pack_from_reports(
    profile: Profile,
    catalogue: Catalogue,
    reports: dict[str, Path],
    out: Path,
    *,
    key_path: Path | None = None,
    rerun: str = "",
) -> Acceptance:
    """A pack from runs already made (each role's report folder), e.g. by `interop demo`."""
    from harness.engine.run import now_iso

    key = signing.load_or_create_key(key_path)
    prepare_out(out)
    runs, identities = [], []
    for role, folder in reports.items():
        dest = out / "roles" / role
        shutil.copytree(folder, dest)
        summary = json.loads((dest / "report.json").read_text(encoding="utf-8"))
        runs.append(RoleRun(role, summary, profile.suites))
        identities.append(
            {
                "role": role,
                "target": summary.get("target", ""),
                "product": profile.product,
                "reported_version": None,
                "version_note": "taken from the run's report",
            }
        )
    return write_pack(profile, catalogue, runs, identities, out, key, rerun, now_iso())


def demo_pack(report_dir: Path, vendor: str, quirks: str, seed: int, rerun: str) -> Acceptance:
    """The evidence pack `interop demo` ends with: the stand-in vendor custody product's acceptance."""
    from harness.evidence.catalogue import load_catalogue
    from harness.evidence.profile import parse_profile

    folder = report_dir / vendor
    summary = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    peers = {r: i["url"] for r, i in (summary.get("roles") or {}).items() if r != "custody" and i.get("url")}
    catalogue = load_catalogue()
    text = profile_text(
        buyer="interop demo: a force trying a stand-in vendor custody product",
        product={"name": f"Stand-in vendor custody (quirks: {quirks})", "version": __version__},
        seed=seed,
        suites=[s["name"] for s in summary.get("suites", [])] or ["contracts"],
        roles={"custody": summary["target"]},
        peers={"custody": peers},
    )
    profile = parse_profile(text, report_dir / "profile.yaml", catalogue)
    return pack_from_reports(
        profile, catalogue, {"custody": folder}, report_dir / f"evidence-{vendor}", rerun=rerun
    )
