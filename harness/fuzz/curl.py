"""A recorded HTTP request as a curl command a vendor can paste into a shell to see the failure.

Why not Schemathesis's own code samples: they mask credentials as `[Filtered]` (so they cannot be
run) and know nothing of our wrong-scope or tampered tokens. Here every token is written as a
shell variable (`$TOKEN`, `$WRONG_SCOPE_TOKEN`), so the command works with a fresh token and a
report never carries a live credential; everything else is the exact bytes that were sent.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field

# Headers every HTTP client adds by itself; repeating them only makes the command harder to read.
_TRANSPORT_HEADERS = {
    "user-agent",
    "accept-encoding",
    "connection",
    "content-length",
    "x-schemathesis-testcaseid",
}


@dataclass(frozen=True)
class SentRequest:
    """One request exactly as it went on the wire."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None

    def with_header(self, name: str, value: str | None) -> SentRequest:
        """A copy with header `name` replaced (or removed when `value` is None)."""
        headers = {k: v for k, v in self.headers.items() if k.lower() != name.lower()}
        if value is not None:
            headers[name] = value
        return SentRequest(self.method, self.url, headers, self.body)


def _double_quoted(text: str, secrets: Mapping[str, str]) -> str | None:
    """`text` in double quotes with each secret replaced by its shell expression; None if it holds none."""
    hits = [(text.find(s), s) for s in secrets if s and s in text]
    if not hits:
        return None
    out, i = [], 0
    for pos, secret in sorted(hits):
        if pos < i:
            continue
        out.append(_escape_dq(text[i:pos]))
        out.append(secrets[secret])
        i = pos + len(secret)
    out.append(_escape_dq(text[i:]))
    return '"' + "".join(out) + '"'


def _escape_dq(text: str) -> str:
    return "".join("\\" + ch if ch in '\\"$`' else ch for ch in text)


def _quote(text: str, secrets: Mapping[str, str]) -> str:
    return _double_quoted(text, secrets) or shlex.quote(text)


def _printf_format(body: bytes) -> str:
    """A printf format that prints exactly `body` (for bodies a shell argument cannot hold)."""
    out = []
    for byte in body:
        ch = chr(byte)
        if 0x20 <= byte < 0x7F and ch not in "\\'%":
            out.append(ch)
        else:
            out.append(f"\\{byte:03o}")
    return "'" + "".join(out) + "'"


def to_curl(request: SentRequest, secrets: Mapping[str, str] | None = None) -> str:
    """The request as one shell command line.

    `secrets` maps literal values (tokens) to the shell expression that stands for them, e.g.
    ``{"eyJ...": "$TOKEN"}``; they are substituted wherever they occur (headers or URL).
    """
    secrets = dict(secrets or {})
    method = request.method.upper()
    parts = ["curl", "-i", "-sS", "--globoff", "--path-as-is"]
    parts += ["--head"] if method == "HEAD" else ["-X", method]
    parts.append(_quote(request.url, secrets))
    for name, value in request.headers.items():
        if name.lower() in _TRANSPORT_HEADERS or (name.lower() == "accept" and value == "*/*"):
            continue
        parts += ["-H", _quote(f"{name}: {value}", secrets)]
    prefix = ""
    if request.body and request.header("Content-Type") is None:
        parts += ["-H", "'Content-Type:'"]  # curl would add a form content type the original did not send
    if request.body:
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None and "\x00" not in text:
            parts += ["--data-raw", _quote(text, secrets)]
        else:
            prefix = f"printf {_printf_format(request.body)} | "
            parts += ["--data-binary", "@-"]
    return prefix + " ".join(parts)
