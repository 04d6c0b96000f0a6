"""Delivering custody outcomes to the records system: a transactional outbox.

The outcome (and release) is a fact the moment the custody officer records it: it must never be
lost or refused because records is down. So `POST .../outcome` writes the outcome, the release and
an outbox entry in one transaction, then tries to deliver at once. If records cannot be reached,
the entry stays `pending` (visible as `records_sync` on the record) and a small worker thread
retries with back-off until it is delivered. A permanent refusal (records answers 4xx) marks it
`failed`, for a person to look at. Deliveries are serialised per app, so an outcome is sent once.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from flask import Flask
from sqlalchemy import select

from simulators.clients.base import UpstreamError
from simulators.core.clock import isoformat
from simulators.core.context import SimulatorContext
from simulators.core.events import record_event
from simulators.custody.identify import records_client
from simulators.custody.store import custody_state, insert_timeline, write_transaction

log = logging.getLogger("interop.custody.outbox")

DEFAULT_RETRY_SECONDS = 5.0
MAX_BACKOFF_SECONDS = 300.0
MAX_WORKER_ROUNDS = 200


def _ctx(app: Flask) -> SimulatorContext:
    context: SimulatorContext = app.extensions["interop"]
    return context


def outcome_payload(rec: dict[str, Any]) -> dict[str, Any]:
    """What records learns (its NewCustodyOutcome): which custody record, who, what outcome and when."""
    src = rec["outcome"] or {}
    outcome: dict[str, Any] = {"type": src.get("type"), "decided_at": src.get("decided_at")}
    if src.get("detail"):
        outcome["detail"] = str(src["detail"])[:1000]
    if src.get("charges"):
        outcome["charges"] = [
            {"cjs_code": c["cjs_code"], "title": str(c["title"])[:300]} for c in src["charges"]
        ]
    return {
        "custody_id": rec["custody_id"],
        "custody_number": rec["custody_number"],
        "nominal_id": rec["nominal_id"],
        "outcome": outcome,
    }


def pending(ctx: SimulatorContext, custody_id: str | None = None) -> list[dict[str, Any]]:
    t = custody_state(ctx).outbox
    stmt = select(t).where(t.c.status == "pending")
    if custody_id:
        stmt = stmt.where(t.c.custody_id == custody_id)
    with ctx.db.session() as s:
        return [dict(r._mapping) for r in s.execute(stmt.order_by(t.c.seq)).all()]


def _finish(
    ctx: SimulatorContext, entry: dict[str, Any], *, delivered: bool, failed: bool, error: str | None
) -> None:
    tabs = custody_state(ctx)
    now = ctx.clock.now()
    with write_transaction(ctx) as s:
        row = s.execute(select(tabs.outbox.c.status).where(tabs.outbox.c.seq == entry["seq"])).first()
        if row is None or row[0] != "pending":
            return
        attempts = entry["attempts"] + 1
        status = "delivered" if delivered else ("failed" if failed else "pending")
        s.execute(
            tabs.outbox.update()
            .where(tabs.outbox.c.seq == entry["seq"])
            .values(
                status=status, attempts=attempts, last_error=error, delivered_at=now if delivered else None
            )
        )
        rec = s.execute(select(tabs.records).where(tabs.records.c.custody_id == entry["custody_id"])).first()
        if rec is None:
            return
        sync = {
            "status": status,
            "attempts": attempts,
            "last_attempt_at": isoformat(now),
            "last_error": error,
            "delivered_at": isoformat(now) if delivered else None,
        }
        s.execute(
            tabs.records.update()
            .where(tabs.records.c.custody_id == entry["custody_id"])
            .values(records_sync=sync, version=rec.version + 1, updated_at=now)
        )
        if delivered or failed:
            summary = (
                "Outcome delivered to the records system"
                if delivered
                else f"The records system refused the outcome: {error}"
            )
            insert_timeline(
                s,
                entry["custody_id"],
                [
                    {
                        "type": "outcome_delivered",
                        "at": now,
                        "by": None,
                        "summary": summary,
                        "data": {"occurrence_id": entry["occurrence_id"], "status": status},
                    }
                ],
                now,
            )
            record_event(
                s,
                ctx.tables.events,
                "custody.outcome_delivered" if delivered else "custody.outcome_refused",
                "custody_record",
                entry["custody_id"],
                {
                    "custody_number": rec.custody_number,
                    "occurrence_id": entry["occurrence_id"],
                    "status": status,
                },
            )


def _deliver(app: Flask, custody_id: str | None = None) -> dict[str, int]:
    """Try every pending delivery once (or those of one record); returns counts by result."""
    ctx = _ctx(app)
    counts = {"delivered": 0, "failed": 0, "pending": 0}
    with ctx.extras["custody_outbox_lock"], app.app_context():
        for entry in pending(ctx, custody_id):
            try:
                records_client(ctx).record_custody_outcome(entry["occurrence_id"], entry["payload"])
            except UpstreamError as exc:
                permanent = (
                    exc.status is not None and 400 <= exc.status < 500 and exc.status not in (401, 408, 429)
                )
                _finish(ctx, entry, delivered=False, failed=permanent, error=str(exc)[:500])
                counts["failed" if permanent else "pending"] += 1
                continue
            except Exception as exc:  # a bug or a broken peer answer: keep it pending, never lose it
                log.exception("outbox delivery of %s failed", entry["custody_id"])
                _finish(ctx, entry, delivered=False, failed=False, error=f"{type(exc).__name__}: {exc}"[:500])
                counts["pending"] += 1
                continue
            _finish(ctx, entry, delivered=True, failed=False, error=None)
            counts["delivered"] += 1
    return counts


def deliver_pending(app: Flask, custody_id: str | None = None) -> dict[str, int]:
    """Deliver now what can be delivered; leave the rest to the retry worker."""
    counts = _deliver(app, custody_id)
    if counts["pending"] or pending(_ctx(app)):
        ensure_worker(app)
    return counts


def ensure_worker(app: Flask) -> None:
    """Start the retry worker unless one is running (it stops when nothing is pending)."""
    ctx = _ctx(app)
    interval = float(ctx.config.extra.get("outbox_retry_seconds", DEFAULT_RETRY_SECONDS))
    if interval <= 0:
        return
    with ctx.extras["custody_worker_lock"]:
        worker = ctx.extras.get("custody_outbox_worker")
        if worker is not None and worker.is_alive():
            return
        worker = threading.Thread(
            target=_run_worker, args=(app, interval), daemon=True, name=f"custody-outbox-{id(app)}"
        )
        ctx.extras["custody_outbox_worker"] = worker
        worker.start()


def _run_worker(app: Flask, interval: float) -> None:
    """Retry with back-off until nothing is pending (bounded, so a dead peer does not spin forever)."""
    ctx = _ctx(app)
    delay = interval
    for _ in range(MAX_WORKER_ROUNDS):
        time.sleep(delay)
        try:
            if not pending(ctx):
                return
            counts = _deliver(app)
        except Exception:  # the database went away (app stopped) or similar: stop quietly
            log.debug("outbox worker stopping", exc_info=True)
            return
        if not counts["pending"]:
            return
        delay = min(delay * 2, MAX_BACKOFF_SECONDS)
