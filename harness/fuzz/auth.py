"""Is auth enforced? Replay a request that worked with a token: without one, with a forged one, wrong scope.

Why our own check and not Schemathesis's `ignored_auth`: that check only knows `apiKey` and
`http` security schemes (`get_security_parameters` filters on the scheme type), so against the
standard's OAuth2 client-credentials scheme it never fires, and it has no notion of scopes.
The standard states the rule plainly (docs/vendors.md, "What the product must offer"): missing or
bad token -> 401, wrong scope -> 403.

For every secured operation we take one positive request the fuzzer sent with our token (one
that got a 2xx when there is one: then a refusal means something) and send it three more
times, changing only the Authorization header. Anything but 401/403 is an error finding; a 403
where 401 is due (or the reverse) is a warning, since clients branch on the difference
(refresh the token vs. give up).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from harness.engine.operations import Operation
from harness.fuzz.curl import SentRequest
from harness.fuzz.engine import Exchange

TOKEN_VAR = "$TOKEN"
WRONG_SCOPE_VAR = "$WRONG_SCOPE_TOKEN"
_TAMPER = "AAAAAAAA"


@dataclass
class AuthProbe:
    kind: str  # "no-token" | "forged-token" | "wrong-scope"
    request: SentRequest
    expected: int  # the status the standard asks for (401 or 403; the other one is tolerated)
    status: int | None = None
    error: str = ""
    scopes: list[str] = field(default_factory=list)  # of the wrong-scope token
    secrets: dict[str, str] = field(default_factory=dict)  # literal -> shell expression, for curl

    @property
    def enforced(self) -> bool:
        return self.status in (401, 403)

    @property
    def exact(self) -> bool:
        return self.status == self.expected


@dataclass
class AuthOutcome:
    operation: str
    base: Exchange | None
    probes: list[AuthProbe] = field(default_factory=list)
    skipped: str = ""


def forge(token: str) -> tuple[str, str]:
    """A token that must fail verification, and the shell expression that builds it from $TOKEN.

    For a JWT this keeps header and claims and breaks the signature, so a product that decodes
    tokens without verifying them is caught; an opaque token is simply replaced.
    """
    if len(token) > 16:
        tail = _TAMPER if not token.endswith(_TAMPER) else "BBBBBBBB"
        return token[:-8] + tail, "${TOKEN%????????}" + tail
    return "not-a-valid-token", "not-a-valid-token"


def _send(request: SentRequest, timeout: float) -> tuple[int | None, str]:
    headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
    try:
        r = requests.request(
            request.method,
            request.url,
            headers=headers,
            data=request.body,
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"
    return r.status_code, ""


def probe_operations(
    ops: list[Operation],
    candidates: dict[str, Exchange],
    token: str,
    wrong_token: Callable[[Operation], tuple[list[str], str | None]],
    timeout: float,
) -> list[AuthOutcome]:
    """Send the three probes for every secured operation in `ops`."""
    forged, forged_expr = forge(token)
    main_secrets = {token: TOKEN_VAR}
    out = []
    for op in ops:
        if not op.secured:
            continue
        base = candidates.get(op.label)
        outcome = AuthOutcome(op.label, base)
        out.append(outcome)
        if base is None:
            outcome.skipped = "the fuzzer got no usable answer from this operation to replay"
            continue
        req = base.request
        probes = [
            AuthProbe("no-token", req.with_header("Authorization", None), 401),
            AuthProbe(
                "forged-token",
                req.with_header("Authorization", f"Bearer {forged}"),
                401,
                secrets={forged: forged_expr, **main_secrets},
            ),
        ]
        scopes, other = wrong_token(op)
        if other:
            probes.append(
                AuthProbe(
                    "wrong-scope",
                    req.with_header("Authorization", f"Bearer {other}"),
                    403,
                    scopes=scopes,
                    secrets={other: WRONG_SCOPE_VAR, **main_secrets},
                )
            )
        for probe in probes:
            probe.status, probe.error = _send(probe.request, timeout)
            probe.secrets = probe.secrets or dict(main_secrets)
        outcome.probes = probes
    return out
