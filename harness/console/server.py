"""Serving the console from `interop up`: waitress in a background thread of the same process."""

from __future__ import annotations

from harness.console.settings import ConsoleSettings
from harness.errors import InteropError
from simulators.core.server import ServerThread

# Server-sent event streams hold a thread each while a page is open: room for several tabs.
THREADS = 16


class ConsoleServer:
    """The console app on `settings.host:settings.port`; `stop()` ends streams, runs and the server."""

    def __init__(self, settings: ConsoleSettings) -> None:
        from harness.console.app import create_app
        from harness.console.state import EXTENSION

        settings.preflight()
        self.settings = settings
        self.app = create_app(settings)
        self.state = self.app.extensions[EXTENSION]
        try:
            self.server = ServerThread(self.app, settings.host, settings.port, threads=THREADS)
        except OSError as exc:  # a host name that does not resolve, an address not on this machine
            self.state.close()
            raise InteropError(
                f"the console cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}"
            ) from None
        # waitress holds small writes until 18 kB are queued; an event is a few hundred bytes and
        # must reach the browser now. The adjustments object is shared by every channel.
        self.server.server.adj.send_bytes = 1

    @property
    def url(self) -> str:
        return self.settings.url

    def stop(self) -> None:
        self.state.close()
        self.server.stop()
