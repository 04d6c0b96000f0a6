"""Real WSGI serving (waitress) for `interop up`, the tests and the benchmarks.

Waitress: pure Python, multi-threaded, runs the same on every platform a vendor or force may
use; the tests start it in a thread on a free port, `interop up` in a child process per system.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import requests
from waitress.server import create_server


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def reserve_socket(host: str = "127.0.0.1") -> socket.socket:
    """A listening socket on a free port, held until a server takes it (`ServerThread(sock=...)`).

    Why not `free_port()` and bind later: systems that must know each other's URLs before they
    start would leave a gap in which another process (a parallel test, another range) takes the
    port; a socket already bound cannot be taken.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    sock.listen(1024)
    return sock


class ServerThread:
    """A waitress server in a background thread; `url` is ready once constructed."""

    def __init__(
        self,
        app: Any,
        host: str = "127.0.0.1",
        port: int = 0,
        threads: int = 8,
        sock: socket.socket | None = None,
    ) -> None:
        if sock is not None:  # a socket reserved earlier (`reserve_socket`): serve on it, bind nothing
            self.server = create_server(app, sockets=[sock], threads=threads, ident="interop")
            host = str(sock.getsockname()[0])
        else:
            self.server = create_server(app, host=host, port=port, threads=threads, ident="interop")
        self.host = host
        # One host or socket: waitress returns a single server, which its stubs cannot tell.
        self.port = int(self.server.effective_port)  # type: ignore[union-attr]  # see above
        self.url = f"http://{host}:{self.port}"
        self.app = app
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=f"waitress-{self.port}", daemon=True)
        self._thread.start()
        wait_for_port(host, self.port)

    def _serve(self) -> None:
        """waitress's loop, with a stop flag: closing sockets from another thread races the poller."""
        from waitress import wasyncore

        socket_map = self.server._map  # type: ignore[union-attr]  # private: not in waitress-stubs
        use_poll = self.server.adj.asyncore_use_poll
        while not self._stopping.is_set():
            wasyncore.loop(timeout=0.05, map=socket_map, use_poll=use_poll, count=1)
        for channel in list(socket_map.values()):
            with contextlib.suppress(OSError):
                channel.close()
        self.server.task_dispatcher.shutdown(timeout=5)

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=10)

    def __enter__(self) -> ServerThread:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def wait_for_port(host: str, port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {host}:{port} after {timeout}s")


class HealthTimeout(TimeoutError):
    """`/health` gave no (or, with `ok_only`, no 200) answer in time; `last` says what came back last."""

    def __init__(self, base_url: str, timeout: float, last: str) -> None:
        super().__init__(f"{base_url} did not answer /health within {timeout:.0f}s ({last})")
        self.last = last


class ServerStopped(RuntimeError):
    """The server's process or container stopped (its `alive()` said so) before `/health` answered."""


def wait_for_health(
    base_url: str,
    timeout: float,
    *,
    alive: Callable[[], bool] | None = None,
    ok_only: bool = False,
    interval: float = 0.25,
) -> requests.Response:
    """Wait until `GET {base_url}/health` answers; return that answer.

    The one start-up wait of the project (`interop up`, cmd: and docker: targets, tests). Refused,
    reset and empty connections are retried. An HTTP answer is asked for, not a TCP connection:
    a published Docker port (or a proxy) accepts connections before the product listens. With
    `ok_only`, only a 200 ends the wait (a simulator is ready only then). `alive`, asked before each
    try, ends the wait early (ServerStopped) when the server's process has gone; HealthTimeout at
    the deadline.
    """
    url = base_url.rstrip("/") + "/health"
    deadline = time.monotonic() + timeout
    last = "no answer"
    while True:
        if alive is not None and not alive():
            raise ServerStopped(f"{base_url} stopped before it answered /health")
        try:
            resp = requests.get(url, timeout=min(2.0, max(0.2, deadline - time.monotonic())))
            if resp.status_code == 200 or not ok_only:
                return resp
            last = f"HTTP {resp.status_code}"
        except requests.RequestException as exc:
            last = type(exc).__name__
        if time.monotonic() >= deadline:
            raise HealthTimeout(base_url, timeout, last)
        time.sleep(interval)


def serve_forever(app: Any, host: str, port: int, threads: int = 8) -> None:
    """Serve in the foreground until the process is told to stop."""
    server = create_server(app, host=host, port=port, threads=threads, ident="interop")
    server.run()
