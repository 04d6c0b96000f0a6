"""Tiny products that are not our simulators, each wrong in one way the verdict must see.

They answer /health and /oauth/token like a product with its own identity provider would, and
then misbehave: refuse every credential, accept tokens but refuse every request, or send an
answer far larger than any page of the standard.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, jsonify


def _base(name: str) -> Flask:
    app = Flask(name)

    @app.get("/health")
    def health():  # type: ignore[no-untyped-def]
        return jsonify(status="ok")

    return app


def refusing_idp() -> Flask:
    """Its token endpoint refuses every client: the harness has no way in."""
    app = _base("refusing-idp")

    @app.post("/oauth/token")
    def token():  # type: ignore[no-untyped-def]
        return jsonify(error="invalid_client"), 401

    return app


PUBLIC = ("/health", "/openapi.json", "/oauth/token", "/.well-known/jwks.json")


def deaf(app: Any) -> Any:
    """Wraps a product so that it answers 401 to every request that carries a token.

    Its public endpoints (health, document, token endpoint) still work, so the harness gets a
    token and every secured operation answers a documented 401: nothing is wrong on the wire,
    and nothing was judged.
    """

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if "HTTP_AUTHORIZATION" not in environ or environ.get("PATH_INFO") in PUBLIC:
            return app(environ, start_response)
        body = json.dumps(
            {"type": "about:blank", "title": "Unauthorized", "status": 401, "detail": "token not accepted"}
        ).encode()
        start_response(
            "401 Unauthorized",
            [("Content-Type", "application/problem+json"), ("WWW-Authenticate", "Bearer"),
             ("Content-Length", str(len(body)))],
        )  # fmt: skip
        return [body]

    return wsgi


def huge_product(megabytes: int = 100) -> Flask:
    """Answers every business request with `megabytes` of JSON, streamed."""
    app = _base("huge-product")

    @app.post("/oauth/token")
    def token():  # type: ignore[no-untyped-def]
        return jsonify(access_token="opaque-token", token_type="Bearer", expires_in=3600)

    @app.route("/<path:anything>", methods=["GET", "POST", "PATCH"])
    def huge(anything: str):  # type: ignore[no-untyped-def]
        def stream() -> Iterator[bytes]:
            yield b'{"items": ["'
            block = b"x" * (1024 * 1024)
            for _ in range(megabytes):
                yield block
            yield b'"]}'

        return Response(stream(), 200, {"Content-Type": "application/json"})

    return app
