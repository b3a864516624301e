"""Faults in production mode that a request must ride out (issue 8, item 12): a Redis that
hangs must not hold the complainant's response, and a database that drops must still get a
rendered, translated error page, never the server's bare "Internal Server Error"."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from casework.models import Case, PendingJob
from jobs import runtime
from tenants.db import db, tenant_bound, unscoped


def _complaint(org) -> dict[str, str]:
    return {
        "category_id": str(org.category("service").id),
        "description": "服务台工作人员态度冷淡,希望加强培训。",
        "location": "一楼服务台",
        "name": "刘芳",
        "phone": "139 0000 1111",
        "email": "liufang@example.com",
        "preferred_contact": "phone",
    }


@pytest.mark.redis
def test_a_hung_redis_does_not_hold_the_intake(app, client, world, own_redis, monkeypatch):
    """With Redis stopped (SIGSTOP), every intake waited out the 5 s socket timeout, and
    redis-py's retries on top. The row is committed before the hand-over, so the hand-over
    may give up quickly and leave the row to the redrive."""
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    monkeypatch.setitem(app.config, "REDIS_URL", own_redis.url)
    runtime.set_app(app)

    def file_one() -> float:
        began = time.monotonic()
        response = client.post(f"/t/{world.a.slug}/", data=_complaint(world.a))
        assert response.status_code == 303
        return time.monotonic() - began

    try:
        healthy = file_one()  # the same intake with Redis answering: what the machine takes
        own_redis.pause()
        hung = file_one()
    finally:
        own_redis.resume()
        runtime.set_app(None)
    # The hand-over may cost its half-second timeout, once; never the 5 s and retries.
    assert hung - healthy < 1.5, f"{hung:.1f} s with Redis hung, {healthy:.1f} s without"
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 2
    with unscoped():
        waiting = db.session.scalars(sa.select(PendingJob).where(PendingJob.done_at.is_(None)))
        assert len(waiting.all()) == 2  # queued, or waiting for the redrive: none lost


class DroppedDatabase:
    """Makes the database connection fail the way a dropped one does, once armed: when the
    session flushes the new case (a failed flush rolls the session back and expires what it
    had loaded, the tenant included) or at the request's COMMIT, ``OperationalError``, and
    the same for every statement after it."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.at: str | None = None
        self.down = False
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "before_cursor_execute", self._execute)

    def _fail(self, statement: str) -> None:
        self.down = True
        raise sa.exc.OperationalError(
            statement, {}, ConnectionError("server closed the connection unexpectedly")
        )

    def _commit(self, _conn) -> None:
        if self.down or self.at == "commit":
            self._fail("COMMIT")

    def _execute(self, _conn, _cursor, statement: str, *_args) -> None:
        if self.down or (self.at == "flush" and statement.startswith("INSERT INTO cases ")):
            self._fail(statement)

    def remove(self) -> None:
        event.remove(self.engine, "commit", self._commit)
        event.remove(self.engine, "before_cursor_execute", self._execute)


@pytest.fixture
def dropped_database(app, monkeypatch):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production
    dropped = DroppedDatabase(db.engine)
    yield dropped
    dropped.remove()


@pytest.mark.parametrize(
    ("at", "locale", "words"),
    [("flush", "zh_CN", "系统出错了"), ("commit", "en", "Something went wrong")],
)
def test_a_dropped_database_gets_a_rendered_error_page_in_the_tenants_language(
    client, world, dropped_database, at, locale, words
):
    """The error page read the tenant's language and name through the failed session, failed
    in turn, and gunicorn answered with its bare "Internal Server Error"."""
    world.a.tenant.locale = locale
    db.session.commit()
    slug, name, form = world.a.slug, world.a.tenant.name, _complaint(world.a)
    dropped_database.at = at
    if at == "flush":  # filing a complaint: the connection drops under the case's INSERT
        page = client.post(f"/t/{slug}/", data=form)
    else:  # showing the form: the connection drops at the COMMIT after it
        page = client.get(f"/t/{slug}/")
    assert dropped_database.down  # the request did meet the dropped connection
    assert page.status_code == 500
    assert "<html" in page.text and words in page.text
    assert name in page.text  # the tenant's own frame, from plain values
