"""Handing committed outbox rows to the runner: inline in embedded mode, RQ in production.

A listener notes the outbox rows each transaction flushes and hands their ids over after
commit, never before, so a job never sees a case that was rolled back. If Redis is down the
rows simply wait; :func:`redrive` (run by the periodic schedule) enqueues them when it is
back, and again whatever a killed worker dropped.
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from flask import current_app, has_app_context
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry
from rq.utils import as_text, parse_composite_key
from sqlalchemy import event, orm

from casework.models import PendingJob
from tenants.db import db, utcnow

from . import queues, runtime

log = logging.getLogger(__name__)
_KEY = "closeloop.pending_jobs"
# A row is the after-commit hand-over's for this long; only then may the redrive take it.
HANDOVER_GRACE = dt.timedelta(seconds=10)
# A job that ran out of retries, or a job that failed in-process, is tried again after this.
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
            job_id=_job_id(pending_id),
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


def _job_id(pending_id: int) -> str:
    return f"pending-{pending_id}"


def redrive(limit: int = 500, now: dt.datetime | None = None) -> int:
    """Hand over again every outbox row whose job is not alive in RQ; returns how many.

    The clock runs this every 20 s. The intake path hands a row over without writing
    anything back (one commit per request), so RQ itself says which rows are lost: a row
    with no job in Redis was never handed over (Redis was down at commit) or Redis lost it;
    a job "started" whose heartbeat has expired belonged to a worker that was killed. Both
    are handed over at once. Queued, scheduled and running jobs are left alone. A job that
    ran out of retries is tried again ``REDRIVE_AFTER`` after its last hand-over, up to ten
    attempts in all. The jobs' idempotence makes any second delivery harmless.
    """
    now = now or utcnow()
    table = PendingJob.__table__
    stmt = (
        sa.select(table.c.id, table.c.created_at, table.c.enqueued_at)
        .where(
            table.c.done_at.is_(None),
            table.c.created_at < now - HANDOVER_GRACE,
            table.c.attempts < 10,
        )
        .order_by(table.c.created_at)
        .limit(limit)
    )
    with db.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    if not rows:
        return 0
    slow = now - REDRIVE_AFTER
    if current_app.config["JOBS_INLINE"]:
        # In-process, a row left open is one whose job failed: retry it now and then.
        due = [r.id for r in rows if r.created_at < slow and (r.enqueued_at or r.created_at) < slow]
    else:
        try:
            states, stale = _rq_states([r.id for r in rows], now)
            due = [
                r.id
                for r in rows
                if states[r.id] in (None, LOST)
                or (states[r.id] not in ALIVE and (r.enqueued_at or r.created_at) < slow)
            ]
            _forget(stale, due)
        except RedisError as exc:
            log.warning("Redis unavailable, the outbox waits: %s", exc)
            return 0
    handed = hand_over(due) if due else []
    if handed:
        with db.engine.begin() as conn:
            conn.execute(sa.update(table).where(table.c.id.in_(handed)).values(enqueued_at=now))
    return len(handed)


# Job states in which RQ still has the job in hand.
ALIVE = frozenset(
    s.value for s in (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED, JobStatus.STARTED)
)
LOST = "lost"  # started, but no worker has sent its heartbeat in time


def _rq_states(
    ids: list[int], now: dt.datetime
) -> tuple[dict[int, str | None], dict[int, list[str]]]:
    """Each row's job state in RQ (None: no job) in one round trip, and the running
    entries of lost jobs, keyed by row id."""
    redis = queues.redis()
    running_key = StartedJobRegistry(queues.DEFAULT, connection=redis).key
    with redis.pipeline(transaction=False) as pipe:
        for pending_id in ids:
            pipe.hget(Job.key_for(_job_id(pending_id)), "status")
        pipe.zrange(running_key, 0, -1, withscores=True)
        *statuses, running = pipe.execute()
    deadline = now.replace(tzinfo=dt.UTC).timestamp()
    alive_until: dict[str, float] = {}
    entries: dict[str, list[str]] = {}
    for member, expires in running:
        job_id, _execution = parse_composite_key(as_text(member))
        alive_until[job_id] = max(alive_until.get(job_id, 0.0), expires)
        entries.setdefault(job_id, []).append(as_text(member))
    states: dict[int, str | None] = {}
    stale: dict[int, list[str]] = {}
    for pending_id, raw in zip(ids, statuses, strict=True):
        state = as_text(raw) if raw is not None else None
        job_id = _job_id(pending_id)
        if state == JobStatus.STARTED and alive_until.get(job_id, 0.0) <= deadline:
            state = LOST
            stale[pending_id] = entries.get(job_id, [])
        states[pending_id] = state
    return states, stale


def _forget(stale: dict[int, list[str]], due: list[int]) -> None:
    """Drop a lost job's expired running entries, so RQ's housekeeping does not take the
    new delivery, once it runs, for the abandoned one."""
    members = [m for pending_id in due for m in stale.get(pending_id, [])]
    if members:
        redis = queues.redis()
        redis.zrem(StartedJobRegistry(queues.DEFAULT, connection=redis).key, *members)
