"""The status lookup's second factor (issue 8, item 1).

The access code (40 bits) always opens a case; the phone opens it only as the whole number,
and only until that case number has been missed ``PHONE_MISSES`` times, from any address.
An unknown number, a wrong factor and a locked phone path get one answer after one amount
of work.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from casework import access
from casework.models import LookupFailures
from tenants.db import db, tenant_bound, utcnow
from tests.conftest import open_case

PHONE = "13812345678"  # the number open_case files with


def _lookup(app, org, number: str, factor: str, addr: str):
    """One lookup from a fresh browser at ``addr``."""
    return app.test_client().post(
        f"/t/{org.slug}/status?lang=en",
        data={"number": number, "factor": factor},
        environ_base={"REMOTE_ADDR": addr},
    )


def _miss(app, org, number: str, times: int, first: int = 0) -> None:
    """Wrong phone numbers, each from an address of its own (a spread attack)."""
    for i in range(first, first + times):
        wrong = _lookup(app, org, number, f"1391234{i:04d}", f"203.0.113.{i + 1}")
        assert wrong.status_code == 200 and "could not find" in wrong.text


def test_last_four_digits_no_longer_open_a_case(app, world):
    case = open_case(world.a)
    refused = _lookup(app, world.a, case.number, "5678", "198.51.100.1")
    assert refused.status_code == 200 and "could not find" in refused.text
    assert _lookup(app, world.a, case.number, "138 1234 5678", "198.51.100.2").status_code == 303


def test_misses_from_many_addresses_lock_the_phone_path_but_not_the_code(app, world):
    case = open_case(world.a)
    _miss(app, world.a, case.number, access.PHONE_MISSES)
    locked = _lookup(app, world.a, case.number, PHONE, "198.51.100.7")
    assert locked.status_code == 200 and "could not find" in locked.text
    # The complainant's code still works, and the lock is that case number's alone.
    assert _lookup(app, world.a, case.number, case.access_code, "198.51.100.8").status_code == 303
    other = open_case(world.a)
    assert _lookup(app, world.a, other.number, PHONE, "198.51.100.9").status_code == 303


def test_a_few_typos_by_the_complainant_do_not_lock_them_out(app, world):
    case = open_case(world.a)
    _miss(app, world.a, case.number, access.PHONE_MISSES - 1)
    assert _lookup(app, world.a, case.number, PHONE, "198.51.100.1").status_code == 303
    # Lookups that open the case are no misses: coming back does not use the tries up.
    assert _lookup(app, world.a, case.number, PHONE, "198.51.100.2").status_code == 303
    _miss(app, world.a, case.number, 1, first=10)
    assert _lookup(app, world.a, case.number, PHONE, "198.51.100.3").status_code == 200


def test_the_lock_lifts_after_a_quiet_day(world):
    case = open_case(world.a)
    now = utcnow()
    with tenant_bound(world.a.tenant.id):
        for i in range(access.PHONE_MISSES):
            assert access.verify_public_access(case.number, f"1391234{i:04d}", now) is None
        assert access.verify_public_access(case.number, PHONE, now) is None
        # Tries keep it locked: each one starts the quiet period again.
        later = now + access.QUIET - dt.timedelta(minutes=1)
        assert access.verify_public_access(case.number, PHONE, later) is None
        quiet = later + access.QUIET
        assert access.verify_public_access(case.number, PHONE, quiet).id == case.id


def test_misses_are_counted_per_tenant(app, world):
    case = open_case(world.a)
    _miss(app, world.b, case.number, access.PHONE_MISSES + 1)  # the same number, at B
    assert _lookup(app, world.a, case.number, PHONE, "198.51.100.1").status_code == 303
    with tenant_bound(world.b.tenant.id):
        counted = db.session.scalars(sa.select(LookupFailures)).one()
        assert (counted.number, counted.failures) == (case.number, access.PHONE_MISSES + 1)


@pytest.fixture
def statements():
    """The SQL each request runs, parameters aside."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(db.engine, "before_cursor_execute", record)


def _answer(response, sql: list[str]) -> dict:
    """What an observer can compare between two lookups, minus the number they typed."""
    volatile = {"Date", "X-RateLimit-Reset", "Retry-After"}
    headers = sorted(
        (name, re.sub(r"^session=[^;]*", "session=…", value))
        for name, value in response.headers.items()
        if name not in volatile
    )
    # Each fresh browser gets its own CSRF token: random, not a tell.
    body = re.sub(r'value="[^"]*"|"X-CSRFToken": "[^"]*"', "", response.text)
    return {"status": response.status_code, "headers": headers, "body": body, "sql": list(sql)}


def test_unknown_wrong_and_locked_look_alike(app, world, statements):
    case = open_case(world.a)
    locked = open_case(world.a)
    _miss(app, world.a, locked.number, access.PHONE_MISSES)
    # The tenant is already known to the process: the first request is no different.
    _lookup(app, world.a, "XH20000101-0002", "0000", "198.51.100.99")
    answers = []
    for i, (number, factor) in enumerate(
        (
            ("XH20000101-0001", PHONE),  # no such case
            (case.number, "13900000000"),  # a real case, a wrong phone
            (locked.number, PHONE),  # the right phone, but locked
        )
    ):
        statements.clear()
        response = _lookup(app, world.a, number, factor, f"192.0.2.{i + 1}")
        answers.append(_answer(response, statements))
    assert answers[0]["status"] == 200 and "could not find" in answers[0]["body"]
    assert answers[0]["sql"], "the lookup ran no SQL: the statement capture is broken"
    assert answers[1] == answers[0]
    assert answers[2] == answers[0]
