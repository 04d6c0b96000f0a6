"""The product's identity as the pack records it: the target, the version it reports, its image.

Why: a board signs off one product at one version; the pack must say which, from the product
itself where it can (`GET /health`'s `version`) and, for a `docker:` target, the image's digest.
"""

from __future__ import annotations

from typing import Any

import requests

from harness.reports.safe import cut, visible

HEALTH_TIMEOUT_S = 5.0


def reported_version(base_url: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """What the product's /health says its version is (data from the product: bounded, escaped)."""
    try:
        resp = requests.get(base_url.rstrip("/") + "/health", headers=headers or {}, timeout=HEALTH_TIMEOUT_S)
        body = resp.json() if resp.content and len(resp.content) < 65536 else None
    except (requests.RequestException, ValueError) as exc:
        return {"reported_version": None, "version_note": f"/health could not be read ({type(exc).__name__})"}
    version = body.get("version") if isinstance(body, dict) else None
    if isinstance(version, str | int | float) and not isinstance(version, bool):
        return {"reported_version": cut(visible(str(version)), 200)}
    return {
        "reported_version": None,
        "version_note": f"/health answered {resp.status_code} without a version field",
    }


def image_digest(image: str) -> dict[str, Any]:
    """The image id and repository digests of a docker: target's image, as the local engine knows it."""
    try:
        from harness.docker_target import docker_client, find_image

        client = docker_client(timeout=10)
        try:
            found = find_image(client, image)
            return {
                "image": image,
                "image_id": found.id,
                "repo_digests": sorted(found.attrs.get("RepoDigests") or []),
            }
        finally:
            client.close()
    except Exception as exc:  # no engine, no image: the pack says so rather than failing acceptance
        return {"image": image, "image_id": None, "image_note": f"not read: {cut(visible(str(exc)), 200)}"}


def identity(role: str, target: str, product: dict[str, str]) -> dict[str, Any]:
    """Everything the pack says about the product in one role, read before the run."""
    out: dict[str, Any] = {"role": role, "target": target, **({"product": product} if product else {})}
    if target.startswith(("http://", "https://")):
        out.update(reported_version(target))
    else:
        out.update(
            reported_version=None,
            version_note="the harness starts this target only for the run; see the role's report",
        )
    if target.startswith("docker:"):
        out.update(image_digest(target[len("docker:") :].strip()))
    return out
