"""The console's Flask app: one factory, a blueprint per page, the security wiring."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, render_template

from harness.console import security
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

    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


def create_app(settings: ConsoleSettings) -> Flask:
    settings.check()
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.jinja_env.autoescape = True  # every template, whatever its file name: product data is text
    app.config["MAX_CONTENT_LENGTH"] = 1 << 20  # forms and auth files only
    app.extensions[EXTENSION] = ConsoleState(settings)
    security.install(app, settings)

    from harness.console import views_auth, views_ecosystem, views_reports, views_traffic, views_verify

    for module in (views_auth, views_ecosystem, views_traffic, views_verify, views_reports):
        app.register_blueprint(module.bp)

    @app.context_processor
    def _common() -> dict[str, Any]:
        return {"settings": settings}

    @app.errorhandler(400)
    @app.errorhandler(401)
    @app.errorhandler(403)
    @app.errorhandler(404)
    @app.errorhandler(413)
    @app.errorhandler(421)
    def _error(exc: Any) -> Any:
        code = getattr(exc, "code", 500) or 500
        return render_template("error.html.j2", code=code, message=getattr(exc, "description", "")), code

    return app
