"""The API reference pages of the site: Redocly's CLI (`@redocly/cli build-docs`, from npm) renders
each bundled document into one self-contained HTML file.

Why Redocly: it is what vendors already read OpenAPI documents with. Its 1.x line renders Redoc 2:
one page with every operation (prerendered) and `#tag/.../operation/<operationId>` anchors, which
reads from a file or under any path (Redocly 2.x renders Redoc 3, whose pages route by absolute
paths). The page would load Redoc's script from Redocly's CDN and fonts from Google: the build
asks for no Google fonts and puts the script of the installed `redoc` package into the page;
`external_references` then checks that nothing the page loads (scripts, styles, fonts, images)
comes from another host, so the page reads with no network.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

from harness.errors import InteropError

REPO = Path(__file__).resolve().parents[2]
LOCAL_REDOCLY = REPO / ".ci" / "node" / "node_modules" / ".bin" / "redocly"
TIMEOUT = 300

# What makes a browser fetch something when the page loads: a src/href of a loading element, a CSS
# url() or @import. Links a reader may click (<a href>) and strings inside scripts are not fetched.
_LOADING_TAG = re.compile(r"<(script|link|img|iframe|source|video|audio|embed|object)\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\b(src|href|data|srcset)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])((?:https?:)?//[^"')\s]+)""", re.IGNORECASE)
_EXTERNAL = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
_CDN_SCRIPT = re.compile(
    r"""<script\s+src=["']https://cdn\.redoc(?:ly\.com|\.ly)/redoc/v([0-9.]+)/bundles/redoc\.standalone\.js["']\s*>\s*</script>"""
)


class RedoclyMissing(InteropError):
    """Redocly's CLI is not installed where the site looks for it."""


def redocly() -> Path:
    """The redocly executable: $INTEROP_REDOCLY, else .ci/node (RedoclyMissing saying how to get it)."""
    named = os.environ.get("INTEROP_REDOCLY")
    found = Path(named) if named else LOCAL_REDOCLY
    if not (found.is_file() and os.access(found, os.X_OK)):
        raise RedoclyMissing(
            f"Redocly's CLI is not installed at {found} (`make site` installs @redocly/cli into .ci/node)"
        )
    return found


def external_references(html: str) -> list[str]:
    """The URLs on another host that `html` loads when it is opened (scripts, styles, fonts, images)."""
    found = []
    for tag in _LOADING_TAG.finditer(html):
        text = tag.group(0)
        if tag.group(1).lower() == "link" and not re.search(
            r"""rel\s*=\s*["']?[^"'>]*(stylesheet|preload|modulepreload|prefetch|icon|manifest)""",
            text,
            re.IGNORECASE,
        ):
            continue
        for _, value in _ATTRIBUTE.findall(text):
            if _EXTERNAL.match(value):
                found.append(value)
    for style in re.finditer(r"<style\b[^>]*>(.*?)</style>", html, re.IGNORECASE | re.DOTALL):
        found += _CSS_URL.findall(style.group(1))
    return found


_CDN_IMAGE = re.compile(r"https://cdn\.redoc(?:ly\.com|\.ly)/[^\"'`\s)]+\.svg")
BLANK_IMAGE = "data:image/svg+xml,%3Csvg%20xmlns=%22http://www.w3.org/2000/svg%22/%3E"


def _redoc_bundle(tool: Path) -> tuple[str, str]:
    """(version, script) of the `redoc` package installed beside the CLI."""
    real = tool.resolve()  # .bin/redocly links to <node_modules>/@redocly/cli/bin/cli.js
    node_modules = next((p for p in real.parents if p.name == "node_modules"), tool.parent.parent)
    for folder in (node_modules / "redoc", node_modules / "@redocly" / "cli" / "node_modules" / "redoc"):
        script, package = folder / "bundles" / "redoc.standalone.js", folder / "package.json"
        if script.is_file() and package.is_file():
            version = str(json.loads(package.read_text(encoding="utf-8")).get("version", ""))
            return version, script.read_text(encoding="utf-8")
    raise InteropError(f"Redoc's script (redoc/bundles/redoc.standalone.js) is not installed beside {tool}")


def inline_redoc(html: str, version: str, script: str) -> str:
    """`html` with its CDN script tag replaced by `script` in the page (same Redoc version)."""
    found = _CDN_SCRIPT.search(html)
    if found is None:
        return html
    if found.group(1) != version:
        raise InteropError(
            f"the page wants Redoc {found.group(1)}, the installed redoc package is {version}: "
            "reinstall @redocly/cli (make site-tools)"
        )
    # The "API docs by Redocly" logo the script shows once running comes from the CDN: a blank image instead.
    script = _CDN_IMAGE.sub(BLANK_IMAGE, script)
    inline = "<script>" + script.replace("</script", "<\\/script") + "</script>"
    return html[: found.start()] + inline + html[found.end() :]


def build_reference(document: Path, out: Path, title: str) -> None:
    """Render `document` into `out` (one HTML file) with Redocly; InteropError when it cannot."""
    tool = redocly()
    version, script = _redoc_bundle(tool)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            [
                str(tool),
                "build-docs",
                str(document),
                "--disableGoogleFont",
                "--title",
                title,
                "--output",
                str(out),
                "--lint-config",
                "off",
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            cwd=out.parent,
            env={**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"},
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InteropError(f"Redocly could not render {document.name}: {type(exc).__name__}") from None
    if done.returncode != 0 or not out.is_file():
        tail = " ".join((done.stderr or done.stdout).split())[-300:]
        raise InteropError(f"Redocly could not render {document.name} (exit {done.returncode}): {tail}")
    page = inline_redoc(out.read_text(encoding="utf-8"), version, script)
    out.write_text(page, encoding="utf-8")
    external = external_references(page)
    if external:
        raise InteropError(
            f"{out.name} would load {external[0]} from the network; the site must read offline"
        )
