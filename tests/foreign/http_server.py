"""A threaded HTTP/1.1 server for a WSGI app that sends the app's headers exactly as it gives them.

Why not waitress (`simulators.core.server.ServerThread`): waitress rewrites every response header
name to `Title-Case`, so a product whose server sends `content-type` or `ETAG` (HTTP header
names are case-insensitive, RFC 9110 section 5.1) could not be played. This server writes header
names as given, uses `Content-Length` when the app sets one and chunked transfer coding otherwise,
and keeps connections alive as HTTP/1.1 clients expect. It is for the tests' foreign products only.
"""

from __future__ import annotations

import contextlib
import io
import sys
import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from simulators.core.server import wait_for_port

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes: no 40 ms ACK waits
    server_version = "foreign-product"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Quiet: the tests assert on answers, not on an access log."""

    def _environ(self, body: bytes) -> dict[str, Any]:
        path, _, query = self.path.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "REQUEST_URI": self.path,
            "SERVER_NAME": self.server.server_address[0],
            "SERVER_PORT": str(self.server.server_address[1]),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0],
            "CONTENT_LENGTH": str(len(body)) if body else "",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in self.headers.items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif key != "CONTENT_LENGTH":
                environ["HTTP_" + key] = value
        return environ

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        body = self._read_body()
        started: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            started["status"], started["headers"] = status, headers

        result = self.server.app(self._environ(body), start_response)  # type: ignore[attr-defined]
        try:
            chunks = [bytes(c) for c in result]
        finally:
            with contextlib.suppress(Exception):
                result.close()  # type: ignore[attr-defined]
        code, _, reason = started["status"].partition(" ")
        headers = started["headers"]
        has_length = any(k.lower() == "content-length" for k, _ in headers)
        no_body = self.command == "HEAD" or int(code) in (204, 304) or int(code) < 200
        self.send_response_only(int(code), reason or None)
        for name, value in headers:
            self.send_header(name, value)
        chunked = not has_length and not no_body
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Date", self.date_time_string())
        self.end_headers()
        if no_body:
            return
        for chunk in chunks:
            if not chunk:
                continue
            if chunked:
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            else:
                self.wfile.write(chunk)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def __getattr__(self, name: str) -> Any:
        """Every method (TRACE, PROPFIND, ...) goes to the app, as in any WSGI server."""
        if name.startswith("do_"):
            return self._handle
        raise AttributeError(name)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    app: WsgiApp


class HeaderPreservingServer:
    """`app` served on 127.0.0.1 on a free port in a background thread; `url` is ready once built."""

    def __init__(self, app: WsgiApp, host: str = "127.0.0.1") -> None:
        self._server = _Server((host, 0), _Handler)
        self._server.app = app
        self.port = int(self._server.server_address[1])
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        wait_for_port(host, self.port)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
