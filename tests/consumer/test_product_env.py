"""A cmd: product is started with its own client and its peers' URLs in its environment."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from harness.targets import open_target
from harness.verification import _product_env

SERVER = """
import json, os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
json.dump({k: v for k, v in os.environ.items() if k.startswith("INTEROP_")}, open(sys.argv[2], "w"))
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a): pass
HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


def test_a_cmd_target_gets_the_product_client_and_peer_urls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTEROP_HOME", str(tmp_path / "home"))
    script, seen = tmp_path / "product.py", tmp_path / "env.json"
    script.write_text(SERVER)
    target = f"cmd:{sys.executable} {script} {{port}} {seen}"
    env = _product_env(target, {"records": "http://127.0.0.1:8101"})
    with open_target(target, report_dir=tmp_path / "report", startup_timeout=20, env=env):
        got = json.loads(seen.read_text())
    secret = json.loads((tmp_path / "home" / "product-client.json").read_text())["client_secret"]
    assert got["INTEROP_CLIENT_ID"] == "vendor-product" and got["INTEROP_CLIENT_SECRET"] == secret
    assert got["INTEROP_RECORDS_URL"] == "http://127.0.0.1:8101"
    assert got["INTEROP_TOKEN_URL"] == "http://127.0.0.1:8101/oauth/token"
    assert _product_env("http://127.0.0.1:9", {}) == {}  # a product we do not start gets nothing
