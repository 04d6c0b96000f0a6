"""The product's identity in the manifest: the version its /health reports, a docker image's id."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from harness.evidence import identity as identity_module
from harness.evidence.identity import identity


@pytest.fixture
def product():
    """A product whose /health answers with `body` (set by the test)."""
    state = {"body": b"{}"}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(state["body"])

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_version_health_reports_is_recorded_escaped(product):
    state, url = product
    state["body"] = json.dumps({"status": "ok", "version": "2.1\x1b[31m"}).encode()
    got = identity("custody", url, {"name": "Acme"})
    assert got["reported_version"] == "2.1\\x1b[31m" and got["product"] == {"name": "Acme"}


def test_a_health_without_version_is_said_so(product):
    state, url = product
    state["body"] = b'{"status": "ok"}'
    got = identity("custody", url, {})
    assert got["reported_version"] is None and "without a version field" in got["version_note"]


def test_a_docker_image_is_identified_by_id_and_digests(monkeypatch):
    image = SimpleNamespace(id="sha256:abc", attrs={"RepoDigests": ["vendor/rms@sha256:def"]})
    client = SimpleNamespace(close=lambda: None)
    import harness.docker_target as docker_target

    monkeypatch.setattr(docker_target, "docker_client", lambda timeout=10: client)
    monkeypatch.setattr(docker_target, "find_image", lambda c, name: image)
    got = identity("records", "docker:vendor/rms:2.1", {})
    assert got["image"] == "vendor/rms:2.1" and got["image_id"] == "sha256:abc"
    assert got["repo_digests"] == ["vendor/rms@sha256:def"] and got["reported_version"] is None


def test_no_docker_engine_is_noted_not_fatal(monkeypatch):
    import harness.docker_target as docker_target

    def no_engine(timeout=10):
        raise RuntimeError("no engine")

    monkeypatch.setattr(docker_target, "docker_client", no_engine)
    got = identity_module.image_digest("vendor/rms:2.1")
    assert got["image_id"] is None and "no engine" in got["image_note"]
