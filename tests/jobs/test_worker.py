"""The worker process (``flask jobs worker``) through Redis outages and kills (issue 8, item 12).

Each test runs a real worker process against a Redis of its own, which it stops and starts.
Every wait is for an explicit signal (the mail server reached, a row done, a line in the
worker's log); the timeouts only keep a hang from lasting forever.
"""

from __future__ import annotations

import signal

import pytest
import sqlalchemy as sa
from redis import Redis
from rq import Worker as RQWorker

from casework.models import PendingJob
from jobs import runtime
from tenants.db import db, unscoped
from tests.conftest import open_case

pytestmark = pytest.mark.redis


@pytest.fixture
def production(app, own_redis):
    """The app handing work over to ``own_redis``, as in production."""
    old = dict(app.config)
    app.config.update(JOBS_INLINE=False, REDIS_URL=own_redis.url)
    runtime.set_app(app)
    yield own_redis
    app.config.update(JOBS_INLINE=old["JOBS_INLINE"], REDIS_URL=old["REDIS_URL"])
    runtime.set_app(None)


def _done(pending_id: int):
    def check() -> bool:
        with unscoped():
            done = db.session.get(PendingJob, pending_id).done_at is not None
        db.session.rollback()  # hold no read snapshot while the worker writes
        return done

    return check


def _last_pending() -> PendingJob:
    with unscoped():
        pending = db.session.scalars(sa.select(PendingJob).order_by(PendingJob.id.desc())).first()
    db.session.rollback()
    return pending


def test_the_worker_survives_redis_dropping_mid_job_and_stops_only_on_a_signal(
    app, world, production, silent_smtp, start_worker
):
    """RQ's loop quit ("found an unhandled exception") when Redis dropped while a job was
    finishing, and nothing restarted it. Now the process carries on with a new worker."""
    redis = production
    worker = start_worker(redis.url, mail_port=silent_smtp.port)
    open_case(world.a, email="zhang@example.com")  # its letter is emailed: the send hangs
    first = _last_pending()
    worker.wait_for("reaching the mail server", silent_smtp.reached.is_set)

    redis.stop()  # Redis drops while the job is in the middle of its work
    silent_smtp.hang_up()  # the send fails, the job finishes, and RQ's bookkeeping hits the gap
    worker.wait_for("finishing the job", _done(first.id))
    worker.wait_for("replacing its RQ worker", lambda: "starting a new one" in worker.output())

    redis.start()  # back, on the same port, empty
    open_case(world.a)  # no email: a letter only
    second = _last_pending()
    worker.wait_for("running work handed over after the outage", _done(second.id))
    client = Redis.from_url(redis.url)
    # Its scheduler is back too, at once rather than at RQ's 10-minute housekeeping.
    worker.wait_for("scheduling again", lambda: client.exists("rq:scheduler-lock:default"))
    client.close()
    assert worker.alive()

    worker.popen.send_signal(signal.SIGTERM)
    assert worker.popen.wait(timeout=60) == 0, worker.output()
    assert not worker.group_alive(), "a process of the worker outlived it"


def test_a_killed_worker_leaves_no_scheduler_behind(app, world, production, start_worker):
    """After kill -9, RQ's forked scheduler lived on holding the scheduler lock; the
    scheduler is now a thread of the worker and dies with it."""
    redis = production
    worker = start_worker(redis.url)
    client = Redis.from_url(redis.url)
    lock = "rq:scheduler-lock:default"
    worker.wait_for("registering", lambda: RQWorker.count(connection=client) == 1)
    # The scheduler itself has started (it writes its own record), not only taken the lock.
    worker.wait_for("starting its scheduler", lambda: any(client.scan_iter("rq:scheduler:*")))
    assert client.exists(lock)

    worker.popen.send_signal(signal.SIGKILL)
    worker.popen.wait()
    assert not worker.group_alive(), "a process of the killed worker lives on"
    # Nothing refreshes the lock any more: it lapses, and a new worker can take it.
    assert 0 < client.ttl(lock) <= 61
    client.close()
