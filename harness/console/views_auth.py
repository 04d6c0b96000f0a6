"""Signing in, when the console was started with a password (required off loopback)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for

from harness.console.security import check_password
from harness.console.state import state

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    settings = state().settings
    if not settings.password:
        return redirect(url_for("ecosystem.page"))
    error = ""
    if request.method == "POST":
        if check_password(settings, request.form.get("password")):
            session.clear()
            session["signed_in"] = True
            target = request.args.get("next", "")
            # only a path of this console, never another site
            if not target.startswith("/") or target.startswith("//"):
                target = url_for("ecosystem.page")
            return redirect(target)
        error = "wrong password"
    return render_template("login.html.j2", error=error), (401 if error else 200)


@bp.post("/logout")
def logout() -> Any:
    session.clear()
    return redirect(url_for("auth.login"))
