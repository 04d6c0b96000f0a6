"""The standard's reference site under /standard/ (docs/standard.md): what `make site` built into
build/site, else a site built on first visit into the console's state folder.

The site's own pages carry no script; the Redoc API references (api/<system>.html) are one file
each with Redoc's script inlined, so they get a policy that allows inline script and style but
nothing from another host, like the rest of the site.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, redirect, send_from_directory, url_for

from harness.console.state import state
from harness.errors import InteropError

bp = Blueprint("standard", __name__)
SITE_DIR_CONFIG = "INTEROP_SITE_DIR"  # a test or a deployment may name the built site's folder
PAGES_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
    "frame-ancestors 'self'; form-action 'none'"
)
REFERENCE_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; worker-src blob:; connect-src 'self'; base-uri 'none'; "
    "frame-ancestors 'self'; form-action 'none'"
)
_building = threading.Lock()


def site_dir() -> Path:
    """The folder the site is served from, built on first use when no built site is found."""
    from harness.standard.site import DEFAULT_OUT, build_site

    named = current_app.config.get(SITE_DIR_CONFIG)
    if named:
        return Path(named)
    if (DEFAULT_OUT / "index.html").is_file():
        return DEFAULT_OUT
    own = state().settings.home / "site"
    with _building:
        if not (own / "index.html").is_file():
            try:
                build_site(own)  # Redoc pages too when Redocly is installed; the index says how otherwise
            except InteropError:  # Redocly failed: the site without them (the index says how to get them)
                build_site(own, references=False)
    return own


@bp.get("/standard")
def root() -> Any:
    return redirect(url_for("standard.page", name="index.html"))


@bp.get("/standard/")
@bp.get("/standard/<path:name>")
def page(name: str = "index.html") -> Any:
    try:
        folder = site_dir()
    except InteropError as exc:
        abort(404, f"the standard's site could not be built ({exc}): run `make site`")
    if not (folder / "index.html").is_file():
        abort(404, f"no site in {folder}: run `make site`")
    resp = send_from_directory(folder, name)  # refuses names outside the folder (404)
    resp.headers["Content-Security-Policy"] = (
        REFERENCE_CSP if name.startswith("api/") and name.endswith(".html") else PAGES_CSP
    )
    return resp
