"""The web console (`interop up` serves it on :8100): the range from a browser, no terminal.

Server-rendered Flask pages with htmx and server-sent events for the live parts (traffic, runs);
see docs/console.md. `create_app(settings)` builds it; `ConsoleServer` serves it in a thread.
"""

from harness.console.app import create_app
from harness.console.server import ConsoleServer
from harness.console.settings import ConsoleSettings

__all__ = ["ConsoleServer", "ConsoleSettings", "create_app"]
