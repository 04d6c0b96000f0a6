"""What the console's pages share (`state()`), apart from the app factory that registers them,
so that the pages and the factory do not import each other."""

from __future__ import annotations

import threading

from harness.console.runs import RunQueue
from harness.console.settings import ConsoleSettings
from harness.console.systems import Systems
from harness.console.traffic_feed import TrafficFeed

EXTENSION = "interop_console"


class ConsoleState:
    """What the pages share: the settings, the systems, the traffic feed and the run queue."""

    def __init__(self, settings: ConsoleSettings) -> None:
        self.settings = settings
        self.systems = Systems(settings.systems, settings.home)
        self.feed = TrafficFeed(self.systems, settings.poll_seconds)
        self.runs = RunQueue(settings.runs_dir)
        self.closing = threading.Event()  # open event streams end when it is set

    def close(self) -> None:
        self.closing.set()
        self.feed.stop()
        self.runs.stop()
        self.systems.close()


def state() -> ConsoleState:
    from flask import current_app

    shared: ConsoleState = current_app.extensions[EXTENSION]
    return shared
