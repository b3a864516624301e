"""Handing committed outbox rows to the runner: inline in embedded mode, RQ in production.

A listener notes the outbox rows each transaction flushes and hands their ids over after
commit, never before, so a job never sees a case that was rolled back. If Redis is down the
rows simply wait; :func:`redrive` (run by the periodic schedule) enqueues them later.
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from flask import current_app, has_app_context
from redis.exceptions import RedisError
from rq import Queue, Retry
from sqlalchemy import event, orm

from casework.models import PendingJob
from tenants.db import db, utcnow

from . import queues, runtime

log = logging.getLogger(__name__)
_KEY = "closeloop.pending_jobs"
REDRIVE_AFTER = dt.timedelta(minutes=5)


def _after_flush(session: orm.Session, _ctx) -> None:
    ids = [o.id for o in session.new if isinstance(o, PendingJob)]
    if ids:
        session.info.setdefault(_KEY, []).extend(ids)


def _after_rollback(session: orm.Session, *_args) -> None:
    session.info.pop(_KEY, None)


def _after_commit(session: orm.Session) -> None:
    ids = session.info.pop(_KEY, None)
    if ids and has_app_context():
        hand_over(ids)


def install() -> None:
    """Listen on every session (idempotent)."""
    for name, fn in (
        ("after_flush", _after_flush),
        ("after_soft_rollback", _after_rollback),
        ("after_commit", _after_commit),
    ):
        if not event.contains(orm.Session, name, fn):
            event.listen(orm.Session, name, fn)


def hand_over(ids: list[int]) -> list[int]:
    """Run or enqueue committed outbox rows; returns the ids handed over."""
    app = current_app._get_current_object()
    if app.config["JOBS_INLINE"]:
        for pending_id in ids:
            # A fresh app context is a fresh session: the committing one can't be reused here.
            with app.app_context():
                runtime.execute(pending_id, reraise=False)
        return ids
    queue = queues.queue()
    batch = [
        Queue.prepare_data(
            runtime.run_pending,
            (pending_id,),
            job_id=f"pending-{pending_id}",
            retry=_retry(),
            failure_ttl=7 * 86400,
        )
        for pending_id in ids
    ]
    try:
        queue.enqueue_many(batch)  # one round trip, however many rows the commit wrote
    except RedisError as exc:
        log.warning("Redis unavailable, jobs %s wait for the redrive: %s", ids, exc)
        return []
    return list(ids)


def _retry() -> Retry:
    return Retry(max=5, interval=[10, 30, 60, 300, 900])


def redrive(limit: int = 500) -> int:
    """Hand over outbox rows still not done a while after they were written or last redriven;
    returns how many were handed over.

    The intake path enqueues without writing anything back (one commit per request), so a row
    whose enqueue failed looks like one still waiting in the queue; after ``REDRIVE_AFTER`` both
    are handed over again, and the jobs' idempotence makes the second delivery harmless.
    """
    now = utcnow()
    table = PendingJob.__table__
    stale = now - REDRIVE_AFTER
    stmt = (
        sa.select(table.c.id)
        .where(
            table.c.done_at.is_(None),
            table.c.created_at < stale,
            sa.or_(table.c.enqueued_at.is_(None), table.c.enqueued_at < stale),
            table.c.attempts < 10,
        )
        .order_by(table.c.created_at)
        .limit(limit)
    )
    with db.engine.connect() as conn:
        ids = list(conn.scalars(stmt))
    handed = hand_over(ids) if ids else []
    if handed:
        with db.engine.begin() as conn:
            conn.execute(sa.update(table).where(table.c.id.in_(handed)).values(enqueued_at=now))
    return len(handed)
