"""Send one step's request and keep what came back (and a curl command to send it again)."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import requests

from harness.scenarios.expressions import Exchange

JSON_TYPES = ("application/json", "application/merge-patch+json", "application/problem+json")


@dataclass
class Call:
    """A request ready to send: the operation's template filled in."""

    method: str
    base_url: str
    template: str
    path_params: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    body: Any = None
    content_type: str | None = None
    token_scopes: tuple[str, ...] | None = None  # what the Authorization header carries (for the curl)
    # Set for a reference simulator the harness started: the shell variable (RECORDS_URL) that
    # reproductions name instead of its port, which is gone once the run ends.
    base_variable: str | None = None
    reference_role: str | None = None
    shown_base: str | None = None  # the product's own URL when base_url is the harness's proxy

    @property
    def path(self) -> str:
        out = self.template
        for name, value in self.path_params.items():
            out = out.replace("{" + name + "}", quote(str(value), safe=""))
        return out

    @property
    def url(self) -> str:
        return self.base_url.rstrip("/") + self.path

    @property
    def shown_url(self) -> str:
        """The URL as reports show it: `$RECORDS_URL/nominals/...` on a harness-started simulator."""
        if self.base_variable:
            return f"${self.base_variable}{self.path}"
        return (self.shown_base or self.base_url).rstrip("/") + self.path

    def encoded_body(self) -> bytes | None:
        if self.body is None:
            return None
        if self.content_type == "application/x-www-form-urlencoded" and isinstance(self.body, dict):
            return urlencode(self.body).encode()
        if (
            self.content_type is None
            or self.content_type in JSON_TYPES
            or self.content_type.endswith("+json")
        ):
            return json.dumps(self.body, ensure_ascii=False).encode()
        return str(self.body).encode()

    def curl(self) -> str:
        """A shell command that repeats the request; the token comes from `interop token`."""
        rest = self.path + (("?" + urlencode(self.query, doseq=True)) if self.query else "")
        if self.base_variable:
            # Double quotes so the shell expands the variable; `rest` is percent-encoded already.
            quoted = (
                f'"${self.base_variable}{rest}"'
                if not any(c in rest for c in '"$`\\')
                else f'"${self.base_variable}"{shlex.quote(rest)}'
            )
        else:
            quoted = shlex.quote((self.shown_base or self.base_url).rstrip("/") + rest)
        parts = ["curl", "-sS", "-X", self.method, quoted]
        for name, value in self.headers.items():
            if name.lower() == "authorization" and self.token_scopes is not None:
                value = "Bearer $TOKEN"
                parts += ["-H", f'"{name}: {value}"']
                continue
            parts += ["-H", shlex.quote(f"{name}: {value}")]
        if self.cookies:
            parts += ["-b", shlex.quote("; ".join(f"{k}={v}" for k, v in self.cookies.items()))]
        body = self.encoded_body()
        if body is not None:
            if not any(h.lower() == "content-type" for h in self.headers):
                parts += ["-H", shlex.quote(f"Content-Type: {self.content_type or 'application/json'}")]
            parts += ["--data", shlex.quote(body.decode())]
        command = " ".join(parts)
        if self.token_scopes is not None:
            command = (
                f"TOKEN=$(interop token --scopes {shlex.quote(' '.join(self.token_scopes))}) && {command}"
            )
        if self.base_variable and self.reference_role:
            command = reference_note(self.reference_role, self.base_variable) + "\n" + command
        return command


def base_variable(role: str) -> str:
    return f"{role.upper()}_URL"


def reference_note(role: str, variable: str) -> str:
    """One line saying where a reproduction's `$RECORDS_URL` comes from."""
    from simulators.core.config import DEFAULT_PORTS

    return (
        f"# {variable}: the {role} role was a reference simulator the harness started for the run (gone "
        f"now); start one with `interop up --systems {role}`, then {variable}=http://127.0.0.1:{DEFAULT_PORTS[role]}"
    )


def _body(response: requests.Response) -> Any:
    if not response.content:
        return None
    ctype = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if ctype in JSON_TYPES or ctype.endswith("+json"):
        try:
            return response.json()
        except ValueError:
            return response.text
    return response.text


def send(session: requests.Session, call: Call, timeout: float) -> tuple[Exchange, str | None]:
    """Send the call; the exchange (response filled in when one came) and a transport error, if any."""
    headers = dict(call.headers)
    body = call.encoded_body()
    if body is not None and not any(h.lower() == "content-type" for h in headers):
        headers["Content-Type"] = call.content_type or "application/json"
    exchange = Exchange(
        url=call.url,
        method=call.method,
        request_headers=headers,
        request_query=dict(call.query),
        request_path=dict(call.path_params),
        request_body=call.body,
    )
    try:
        response = session.request(
            call.method,
            call.url,
            params=call.query or None,
            headers=headers,
            cookies=call.cookies or None,
            data=body,
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.Timeout:
        return exchange, f"no answer within {timeout:.0f}s"
    except requests.ConnectionError:
        return exchange, "connection refused or host unreachable"
    except requests.RequestException as exc:
        return exchange, f"{type(exc).__name__}: {exc}"
    exchange.status_code = response.status_code
    exchange.response_headers = response.headers
    exchange.response_body = _body(response)
    return exchange, None
