"""The pack's signing key: Ed25519, kept in INTEROP_HOME/evidence-key.pem unless given.

Why: a pack travels (by e-mail, into a tender file); the signature over its manifest, with every
file's SHA-256 in the manifest, shows that nothing in it changed since the harness wrote it. The
public key travels in the pack; its fingerprint lets a board check it is the key it expects.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from harness.errors import InteropError
from simulators.core.config import default_home

KEY_FILE = "evidence-key.pem"


def default_key_path() -> Path:
    return default_home() / KEY_FILE


def load_or_create_key(path: Path | None = None) -> Ed25519PrivateKey:
    """The private key at `path` (must exist), or the default one (created on first use, mode 0600)."""
    if path is None:
        path = default_key_path()
        if not path.exists():
            key = Ed25519PrivateKey.generate()
            path.parent.mkdir(parents=True, exist_ok=True)
            pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
            return key
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise InteropError(f"--key {path} does not exist") from None
    except (OSError, ValueError, TypeError) as exc:
        raise InteropError(
            f"--key {path} is not an unencrypted PEM private key ({type(exc).__name__})"
        ) from None
    if not isinstance(loaded, Ed25519PrivateKey):
        raise InteropError(f"--key {path} is not an Ed25519 key (the evidence pack is signed with Ed25519)")
    return loaded


def public_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def fingerprint(public_key_pem: bytes) -> str:
    return "sha256:" + hashlib.sha256(public_key_pem).hexdigest()


def sign(key: Ed25519PrivateKey, data: bytes) -> str:
    return base64.b64encode(key.sign(data)).decode("ascii")


def verify(public_key_pem: bytes, data: bytes, signature: str) -> bool:
    try:
        public = serialization.load_pem_public_key(public_key_pem)
        if not isinstance(public, Ed25519PublicKey):
            return False
        public.verify(base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
