"""The traffic log: every request and response with its spec-validation result.

It is how a force sees what a vendor's consumer product actually sent (and whether it met the
standard), readable at `/_sim/traffic`. Bodies are truncated; restricted intelligence never
reaches it because bodies of restricted-scope reads are not kept (see `redact_bodies`).
"""

from __future__ import annotations

from typing import Any

from flask import Request, Response

from simulators.core.context import SimulatorContext

MAX_BODY = 4096


def _text(data: bytes) -> str | None:
    if not data:
        return None
    text = data[:MAX_BODY].decode("utf-8", errors="replace")
    return text + ("…[truncated]" if len(data) > MAX_BODY else "")


def record_traffic(
    ctx: SimulatorContext,
    request: Request,
    response: Response,
    *,
    client_id: str | None,
    operation: str | None,
    duration_ms: float,
    request_valid: bool | None,
    response_valid: bool | None,
    errors: list[Any],
    redact_bodies: bool = False,
) -> None:
    """Append one exchange to the traffic log (its own small transaction)."""
    body = b"" if redact_bodies or response.direct_passthrough else response.get_data()
    with ctx.db.transaction() as s:
        s.execute(
            ctx.tables.traffic.insert().values(
                at=ctx.clock.now(),
                client_id=client_id,
                method=request.method,
                path=request.path,
                # A redacted exchange may have searched restricted text (`q=`): keep no query either.
                query="" if redact_bodies else request.query_string.decode("utf-8", errors="replace")[:2048],
                operation=operation,
                status=response.status_code,
                duration_ms=round(duration_ms, 3),
                request_valid=request_valid,
                response_valid=response_valid,
                errors=errors,
                request_body=None if redact_bodies else _text(request.get_data(cache=True)),
                response_body=_text(body),
            )
        )
