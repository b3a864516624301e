"""The one job decorator and the runner that gives every job its app and tenant.

Jobs take ids, never objects, and run from a :class:`~casework.models.PendingJob` row: the
runner re-reads the row, binds its tenant, calls the job and marks the row done. A job that
finds its row done already, or its case gone, does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from casework.errors import NotFound
from casework.models import PendingJob
from tenants.db import db, tenant_bound, unscoped, utcnow

log = logging.getLogger(__name__)

JOBS: dict[str, Callable[..., Any]] = {}
_app: Flask | None = None


def job(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a function as the job ``name``; it runs with its tenant bound."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        if name in JOBS:
            raise RuntimeError(f"job {name!r} registered twice")
        JOBS[name] = fn
        return fn

    return register


def set_app(app: Flask) -> None:
    """Remember the app a worker process runs jobs for."""
    global _app
    _app = app


def run_pending(pending_id: int) -> str:
    """Entry point RQ calls: run one outbox row inside a fresh app context."""
    app = _app or current_app._get_current_object()
    with app.app_context():
        return execute(pending_id)


def execute(pending_id: int, *, reraise: bool = True) -> str:
    """Run the outbox row ``pending_id`` once; re-running a done row is a no-op."""
    with unscoped():
        pending = db.session.get(PendingJob, pending_id)
    if pending is None:
        return "missing"
    if pending.done_at is not None:
        return "done already"
    fn = JOBS[pending.name]
    with tenant_bound(pending.tenant_id):
        pending.attempts += 1
        args = dict(pending.args)
        db.session.commit()
        try:
            fn(**args)
        except NotFound:
            db.session.rollback()
            outcome = "gone"
        except Exception as exc:
            db.session.rollback()
            log.exception("job %s (%s) failed", pending.name, pending_id)
            pending.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            db.session.commit()
            if reraise:
                raise
            return "failed"
        else:
            outcome = "ok"
        pending.done_at = utcnow()
        db.session.commit()
    return outcome
