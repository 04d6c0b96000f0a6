"""The evidence pack: one folder and the same files in one zip, with a signed manifest.

Layout (docs/evidence.md): `manifest.json` (every other file's SHA-256, the harness and standard
versions with the hashes of the documents used, the seed, the product's identity, how to rerun),
`manifest.sig` (the manifest's SHA-256 and its Ed25519 signature), `public-key.pem`,
`summary.html` (+ `summary.pdf` when chromium is here), `results.json`, `profile.yaml`, and each
role's reports under `roles/<role>/`.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from harness.errors import InteropError
from harness.evidence import signing

MANIFEST, SIGNATURE, PUBLIC_KEY = "manifest.json", "manifest.sig", "public-key.pem"
SIGNED_SEPARATELY = {MANIFEST, SIGNATURE}
FORMAT = "interop-evidence-pack/1"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed: the zip's bytes depend only on the files
MAX_PACK_BYTES = 512 * 1024 * 1024


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def pack_files(folder: Path) -> list[str]:
    """Every regular file of the pack, as sorted POSIX paths relative to it."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def seal(folder: Path, manifest: dict[str, Any], key: Any) -> Path:
    """Write public key, manifest (with every file's hash) and signature; then the zip next to it."""
    public = signing.public_pem(key)
    (folder / PUBLIC_KEY).write_bytes(public)
    files = {name: sha256_file(folder / name) for name in pack_files(folder) if name not in SIGNED_SEPARATELY}
    document = {
        **manifest,
        "format": FORMAT,
        "public_key_sha256": signing.fingerprint(public),
        "files": files,
    }
    data = (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    (folder / MANIFEST).write_bytes(data)
    signature = {
        "algorithm": "Ed25519",
        "manifest_sha256": sha256_bytes(data),
        "signature": signing.sign(key, data),
    }
    (folder / SIGNATURE).write_text(json.dumps(signature, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    archive = folder.with_name(folder.name + ".zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in pack_files(folder):
            info = zipfile.ZipInfo(f"{folder.name}/{name}", ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, (folder / name).read_bytes())
    return archive


@dataclass
class Pack:
    """A pack's files read into memory, from a folder or a zip."""

    source: str
    files: dict[str, bytes] = field(default_factory=dict)

    def json(self, name: str) -> Any:
        if name not in self.files:
            raise InteropError(f"{self.source}: no {name} in the pack")
        try:
            return json.loads(self.files[name])
        except ValueError:
            raise InteropError(f"{self.source}: {name} is not valid JSON") from None


def read_pack(path: Path) -> Pack:
    """Read a pack folder or zip; one clear line when it is neither."""
    if path.is_dir():
        total, files = 0, {}
        for name in pack_files(path):
            total += (path / name).stat().st_size
            if total > MAX_PACK_BYTES:
                raise InteropError(f"{path}: larger than {MAX_PACK_BYTES >> 20} MiB; not an evidence pack")
            files[name] = (path / name).read_bytes()
        return Pack(str(path), files)
    if not path.exists():
        raise InteropError(f"{path} does not exist (give an evidence pack folder or its .zip)")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            if sum(i.file_size for i in infos) > MAX_PACK_BYTES:
                raise InteropError(
                    f"{path}: larger than {MAX_PACK_BYTES >> 20} MiB unpacked; not an evidence pack"
                )
            names = [PurePosixPath(i.filename) for i in infos]
            if any(n.is_absolute() or ".." in n.parts for n in names):
                raise InteropError(f"{path}: the zip holds a path outside its folder; not an evidence pack")
            tops = {n.parts[0] for n in names if len(n.parts) > 1}
            strip = len(tops) == 1 and all(len(n.parts) > 1 for n in names)
            files = {
                (PurePosixPath(*n.parts[1:]) if strip else n).as_posix(): zf.read(i)
                for n, i in zip(names, infos, strict=True)
            }
    except zipfile.BadZipFile:
        raise InteropError(f"{path} is neither a folder nor a zip file") from None
    return Pack(str(path), files)


@dataclass
class Verification:
    ok: bool
    changed: list[str]  # files whose content is not what the manifest says (or the manifest itself)
    missing: list[str]
    extra: list[str]
    fingerprint: str = ""
    reason: str = ""


def verify_pack(pack: Pack, expected_key: bytes | None = None) -> Verification:
    """Check the signature and every hash; name what changed."""
    for required in (MANIFEST, SIGNATURE, PUBLIC_KEY):
        if required not in pack.files:
            return Verification(False, [], [required], [], reason=f"{required} is missing")
    manifest_bytes = pack.files[MANIFEST]
    try:
        manifest = json.loads(manifest_bytes)
        files = dict(manifest["files"])
        key_fp = str(manifest["public_key_sha256"])
    except (ValueError, KeyError, TypeError):
        return Verification(False, [MANIFEST], [], [], reason="manifest.json is not a pack manifest")
    try:
        sig = json.loads(pack.files[SIGNATURE])
        signed_sha, signature = str(sig["manifest_sha256"]), str(sig["signature"])
    except (ValueError, KeyError, TypeError):
        return Verification(False, [SIGNATURE], [], [], reason="manifest.sig is not a pack signature")
    public = pack.files[PUBLIC_KEY]
    blame = _blame(
        sha_ok=sha256_bytes(manifest_bytes) == signed_sha,
        key_ok=signing.fingerprint(public) == key_fp,
        sig_ok=signing.verify(public, manifest_bytes, signature),
    )
    if blame is not None:
        return Verification(False, [blame[0]], [], [], reason=blame[1])
    if expected_key is not None and signing.fingerprint(expected_key) != key_fp:
        return Verification(
            False,
            [PUBLIC_KEY],
            [],
            [],
            fingerprint=key_fp,
            reason="signed with another key than the one given",
        )
    changed = sorted(n for n, h in files.items() if n in pack.files and sha256_bytes(pack.files[n]) != h)
    missing = sorted(n for n in files if n not in pack.files)
    extra = sorted(n for n in pack.files if n not in files and n not in SIGNED_SEPARATELY)
    ok = not (changed or missing or extra)
    return Verification(ok, changed, missing, extra, key_fp, "" if ok else "files differ from the manifest")


def _blame(*, sha_ok: bool, key_ok: bool, sig_ok: bool) -> tuple[str, str] | None:
    """Which of the three signed-part files changed, from what still agrees with what."""
    if sig_ok and sha_ok and key_ok:
        return None
    if sig_ok and not sha_ok:  # the manifest is as signed: the hash recorded beside the signature changed
        return SIGNATURE, "manifest.sig does not record the signed manifest's hash"
    if not key_ok and sha_ok:
        return PUBLIC_KEY, "public-key.pem is not the key the manifest names"
    if not sha_ok:
        return MANIFEST, "manifest.json changed after it was signed"
    return SIGNATURE, "the signature in manifest.sig does not match"
