"""The console's Flask app: one factory, a blueprint per page, the security wiring."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template

from harness.console import security
from harness.console.settings import ConsoleSettings
from harness.console.state import EXTENSION, ConsoleState


def create_app(settings: ConsoleSettings) -> Flask:
    settings.check()
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.jinja_env.autoescape = True  # every template, whatever its file name: product data is text
    app.config["MAX_CONTENT_LENGTH"] = 1 << 20  # forms and auth files only
    app.extensions[EXTENSION] = ConsoleState(settings)
    security.install(app, settings)

    from harness.console import (
        views_auth,
        views_ecosystem,
        views_reports,
        views_standard,
        views_traffic,
        views_verify,
    )

    for module in (views_auth, views_ecosystem, views_traffic, views_verify, views_reports, views_standard):
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
