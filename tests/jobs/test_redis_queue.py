"""Against the real Redis: enqueue after commit, survive an outage, run each job once."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import sqlalchemy as sa
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from casework.models import Letter, Message, PendingJob
from jobs import dispatch, queues, runtime
from tenants.db import db, tenant_bound, unscoped
from tests.conftest import open_case, service_missing

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DEAD_REDIS = "redis://127.0.0.1:6399/0"

pytestmark = pytest.mark.redis


@pytest.fixture
def rq_mode(app):
    redis = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        redis.ping()
    except RedisConnectionError:
        service_missing("Redis")
    redis.flushdb()
    old = dict(app.config)
    app.config.update(JOBS_INLINE=False, REDIS_URL=REDIS_URL)
    runtime.set_app(app)
    yield redis
    app.config.update(JOBS_INLINE=old["JOBS_INLINE"], REDIS_URL=old["REDIS_URL"])
    runtime.set_app(None)
    redis.flushdb()


def _work(app) -> None:
    from rq import SimpleWorker

    with app.app_context():
        worker = SimpleWorker([queues.queue()], connection=queues.redis())
        worker.work(burst=True)


def _pending():
    with unscoped():
        db.session.expire_all()
        return db.session.scalars(sa.select(PendingJob).order_by(PendingJob.id)).all()


def _age(pending_id: int) -> None:
    """Make an outbox row look written ten minutes ago."""
    with unscoped():
        row = db.session.get(PendingJob, pending_id)
        row.created_at -= dt.timedelta(minutes=10)
        db.session.commit()


def test_jobs_are_enqueued_after_commit_and_run_by_a_worker(app, world, rq_mode):
    case = open_case(world.a, email="zhang@example.com")
    [pending] = _pending()
    assert pending.done_at is None
    assert queues.queue().count == 1
    _work(app)
    [pending] = _pending()
    assert pending.done_at is not None
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalars(sa.select(Letter.case_id)).all() == [case.id]
        assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 1


def test_redis_down_delays_but_loses_nothing(app, world, rq_mode):
    app.config["REDIS_URL"] = DEAD_REDIS
    case = open_case(world.a)  # the complaint is accepted all the same
    [pending] = _pending()
    assert pending.done_at is None
    assert dispatch.redrive() == 0  # too fresh to redrive: it may still be in a queue
    _age(pending.id)
    assert dispatch.redrive() == 0  # Redis still down: it waits
    assert _pending()[0].enqueued_at is None
    app.config["REDIS_URL"] = REDIS_URL  # Redis is back
    assert dispatch.redrive() == 1
    assert dispatch.redrive() == 0  # handed over: not again until it looks lost
    _work(app)
    assert _pending()[0].done_at is not None
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalars(sa.select(Letter.case_id)).all() == [case.id]


def test_duplicate_deliveries_send_once(app, world, rq_mode):
    open_case(world.a, email="zhang@example.com")
    [pending] = _pending()
    # The same job enqueued again (a sweep racing a slow worker) and retried after a crash.
    for _ in range(2):
        queues.queue().enqueue(runtime.run_pending, pending.id)
    _work(app)
    with unscoped():
        db.session.execute(
            sa.update(PendingJob).where(PendingJob.id == pending.id).values(done_at=None)
        )
        db.session.commit()
    queues.queue().enqueue(runtime.run_pending, pending.id)
    _work(app)
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(Letter.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 1


def test_escalation_email_goes_out_once_through_the_worker(app, rq_mode):
    from casework import alerts
    from casework.models import Deadline
    from casework.states import Channel, Stage
    from tests.conftest import make_org

    city = make_org("city-r", "city")
    case = open_case(
        city, actor="desk", channel=Channel.HOTLINE, category_id=city.category("vendors").id
    )
    with tenant_bound(city.tenant.id):
        started = db.session.scalars(
            sa.select(Deadline.started_at).where(
                Deadline.case_id == case.id, Deadline.stage == Stage.DISPATCH
            )
        ).one()
    _work(app)  # the acknowledgement letter
    later = started + dt.timedelta(minutes=3, seconds=5)
    assert alerts.sweep(later) == 1
    assert alerts.sweep(later) == 0  # a second sweep, or a second clock
    [alert_job] = [p for p in _pending() if p.name == "notify.alert"]
    queues.queue().enqueue(runtime.run_pending, alert_job.id)  # and a duplicate delivery
    _work(app)
    head = city.users["cmd_head"]
    with tenant_bound(city.tenant.id):
        mails = db.session.scalars(sa.select(Message).where(Message.to == head.email)).all()
    assert len(mails) == 1


def test_the_clock_sweeps_and_the_worker_sends(app, rq_mode, monkeypatch):
    """The periodic schedule, as the clock process runs it, end to end with a real worker."""
    from casework.states import Channel
    from jobs import schedule, sweep
    from tests.conftest import make_org

    city = make_org("city-c", "city")
    case = open_case(
        city, actor="desk", channel=Channel.HOTLINE, category_id=city.category("vendors").id
    )
    _work(app)
    monkeypatch.setattr(sweep, "utcnow", lambda: case.created_at + dt.timedelta(minutes=4))
    schedule.run_due(app, {})  # one tick of `flask jobs clock`
    _work(app)
    head = city.users["cmd_head"]
    with tenant_bound(city.tenant.id):
        assert (
            db.session.scalar(sa.select(sa.func.count(Message.id)).where(Message.to == head.email))
            == 1
        )
    schedule.run_due(app, {})  # the next tick sends nothing again
    _work(app)
    with tenant_bound(city.tenant.id):
        assert (
            db.session.scalar(sa.select(sa.func.count(Message.id)).where(Message.to == head.email))
            == 1
        )


def test_an_escalation_swept_while_redis_is_down_goes_out_once_when_it_is_back(app, rq_mode):
    from casework import alerts
    from casework.models import Alert
    from casework.states import Channel
    from tests.conftest import make_org

    city = make_org("city-d", "city")
    case = open_case(
        city, actor="desk", channel=Channel.HOTLINE, category_id=city.category("vendors").id
    )
    _work(app)  # the acknowledgement letter, before the outage
    app.config["REDIS_URL"] = DEAD_REDIS
    later = case.created_at + dt.timedelta(minutes=4)
    assert alerts.sweep(later) == 1  # decided and recorded, though nothing can be enqueued
    assert alerts.sweep(later) == 0
    [job] = [p for p in _pending() if p.name == "notify.alert"]
    assert job.done_at is None and job.enqueued_at is None
    with tenant_bound(city.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(Alert.id))) == 1
    _age(job.id)
    assert dispatch.redrive() == 0  # still down: the alert waits in the database
    app.config["REDIS_URL"] = REDIS_URL
    assert dispatch.redrive() == 1
    queues.queue().enqueue(runtime.run_pending, job.id)  # and a stray duplicate
    _work(app)
    head = city.users["cmd_head"]
    with tenant_bound(city.tenant.id):
        mails = db.session.scalars(sa.select(Message).where(Message.to == head.email)).all()
    assert len(mails) == 1
    assert _pending()[-1].done_at is not None


@pytest.fixture
def silent_smtp():
    """An SMTP server that accepts connections and never answers: a send hangs in it."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_a_worker_killed_mid_send_leaves_one_message_and_the_job_finishes_on_retry(
    app, rq_mode, silent_smtp, tmp_path
):
    """kill -9 of a real worker process while it talks to the mail server: the retry sends
    nothing twice (at most once), finishes the rest, and the log flags the unknown delivery."""
    import signal
    import subprocess
    import sys
    import time

    from casework import alerts
    from casework.models import Message
    from casework.states import Channel
    from jobs import notify
    from tests.conftest import make_org

    city = make_org("city-k", "city")
    case = open_case(
        city, actor="desk", channel=Channel.HOTLINE, category_id=city.category("vendors").id
    )
    _work(app)  # the acknowledgement letter, in-process
    assert alerts.sweep(case.created_at + dt.timedelta(minutes=4)) == 1
    [job] = [p for p in _pending() if p.name == "notify.alert"]
    db.session.rollback()  # hold no SQLite read snapshot while the worker writes

    env = dict(
        os.environ,
        FLASK_APP="wsgi",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=REDIS_URL,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(silent_smtp),
        SECRET_KEY="test",
        CLOSELOOP_INSTANCE=str(tmp_path),
    )
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    worker = subprocess.Popen(
        [flask, "jobs", "worker", "--burst"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # wait until the worker has claimed a message and hangs in SMTP
            with unscoped():
                claimed = db.session.scalars(
                    sa.select(Message).where(Message.status == "sending")
                ).all()
            db.session.rollback()
            if claimed:
                break
            assert worker.poll() is None, "the worker stopped before it was killed"
            assert time.monotonic() < deadline, "the worker never reached the mail server"
            time.sleep(0.2)
        worker.send_signal(signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait()
    [hung] = claimed
    assert _pending()[-1].done_at is None  # killed: the job did not finish

    _age(job.id)
    assert dispatch.redrive() == 1  # the outbox hands it over again
    _work(app)  # a healthy worker (no SMTP server configured here: mail is logged)
    assert _pending()[-1].done_at is not None
    with tenant_bound(city.tenant.id):
        messages = db.session.scalars(sa.select(Message).order_by(Message.id)).all()
        per_recipient = {}
        for m in messages:
            per_recipient[m.to] = per_recipient.get(m.to, 0) + 1
        assert set(per_recipient.values()) == {1}  # nobody got it twice
        assert len(per_recipient) >= 2  # the other recipients were served by the retry
        again = db.session.get(Message, hung.id)
        assert again.status == "sending"
        later = again.created_at + notify.STUCK_AFTER + dt.timedelta(seconds=1)
        assert notify.delivery_state(again, later) == "unknown"
