"""Case numbers: per tenant and day, unique and gap-free even under concurrent intake."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from casework import numbering
from casework.models import Case
from tenants.db import db, tenant_bound
from tests.conftest import open_case


def test_numbers_count_up_per_tenant_and_day(world):
    day = dt.date(2026, 11, 28)
    with tenant_bound(world.a.tenant.id):
        first = numbering.next_number(world.a.tenant, day)
        second = numbering.next_number(world.a.tenant, day)
        next_day = numbering.next_number(world.a.tenant, day + dt.timedelta(days=1))
    with tenant_bound(world.b.tenant.id):
        other = numbering.next_number(world.b.tenant, day)
    db.session.commit()
    assert (first, second) == ("XH20261128-0001", "XH20261128-0002")
    assert next_day == "XH20261129-0001"
    assert other == "RH20261128-0001"


def test_a_rolled_back_intake_gives_its_number_back(world):
    day = dt.date(2026, 11, 28)
    with tenant_bound(world.a.tenant.id):
        numbering.next_number(world.a.tenant, day)
        db.session.rollback()
        assert numbering.next_number(world.a.tenant, day).endswith("-0001")
        db.session.commit()


def test_case_numbers_are_unique_and_consecutive(world):
    numbers = [open_case(world.a).number for _ in range(3)]
    seqs = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert seqs == [1, 2, 3]


@pytest.mark.postgres
def test_concurrent_intake_on_postgres_is_gap_free(app, world):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("runs in the PostgreSQL pass of the suite")
    tenant_id = world.a.tenant.id
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def intake(n: int) -> None:
        try:
            with app.app_context(), tenant_bound(tenant_id):
                barrier.wait()
                for _ in range(n):
                    open_case(world.a)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=intake, args=(5,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with tenant_bound(tenant_id):
        numbers = db.session.scalars(sa.select(Case.number)).all()
    seqs = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert seqs == list(range(1, 41))


# Changing the pattern (casework.numbering.set_pattern).


def _issue(org, day: dt.date) -> str:
    with tenant_bound(org.tenant.id):
        number = numbering.next_number(org.tenant, day)
    db.session.commit()
    return number


def _set(org, prefix: str, date_part: str, width: int) -> None:
    numbering.set_pattern(org.tenant, org.users["admin"], prefix, date_part, width)
    db.session.commit()


def test_no_pattern_change_issues_a_number_twice(world):
    org = world.a
    days = [dt.date(2026, 12, 1), dt.date(2026, 12, 2), dt.date(2027, 1, 1)]
    patterns = [
        ("XH", "%Y%m%d", 4),
        ("XH", "%Y%m%d", 3),  # narrower: the sequence goes on, so 0003 then 004 differ
        ("XH", "%y%m%d", 4),
        ("XH", "%Y%m", 4),
        ("XH", "%Y", 4),
        ("XH", "", 4),
        ("XHA", "", 4),
        ("X", "%Y%m%d", 8),
        ("XH", "%Y%m%d", 4),  # back to the start: its stems' counters went on meanwhile
        ("XH", "", 4),  # and back to no date part
        ("XH", "%Y", 3),
    ]
    issued = []
    for prefix, date_part, width in patterns:
        _set(org, prefix, date_part, width)
        for day in days:
            issued += [_issue(org, day), _issue(org, day)]
    assert len(issued) == len(set(issued)), sorted(issued)
    # One stem's counter runs on through every change in between.
    assert [n for n in issued if n.startswith("XH20261201-")] == [
        "XH20261201-0001",
        "XH20261201-0002",
        "XH20261201-003",
        "XH20261201-004",
        "XH20261201-0005",
        "XH20261201-0006",
    ]
    assert [n for n in issued if n.startswith("XH-")][-2:] == ["XH-0011", "XH-0012"]


def test_dates_that_read_alike_share_one_counter(world):
    # "%Y%m" in May 2012 and "%y%m%d" on 5 December 2020 both write 201205.
    org = world.a
    _set(org, "AB", "%Y%m", 4)
    first = _issue(org, dt.date(2012, 5, 31))
    _set(org, "AB", "%y%m%d", 4)
    second = _issue(org, dt.date(2020, 12, 5))
    assert (first, second) == ("AB201205-0001", "AB201205-0002")
    # A prefix that ends where a date could begin cannot be mistaken: prefixes are letters.
    _set(org, "ABC", "%Y", 4)
    assert _issue(org, dt.date(2012, 1, 1)) == "ABC2012-0001"


def test_the_preview_is_the_number_then_issued(world):
    org = world.a
    day = dt.date(2026, 12, 1)
    for prefix, date_part, width in [("XH", "%Y%m%d", 4), ("QQ", "%Y%m", 6), ("XH", "", 3)]:
        _set(org, prefix, date_part, width)
        pattern = org.tenant.config.case_number
        for _ in range(2):
            with tenant_bound(org.tenant.id):
                shown = numbering.preview(prefix, pattern, org.tenant.id, day)
            assert _issue(org, day) == shown


def test_a_pattern_change_is_checked_and_audited(world):
    from casework.errors import InvalidInput
    from tenants.audit import AuditEvent

    org = world.a
    for args, field in [
        (("xh", "%Y", 4), "prefix"),
        (("ABCDEFGHIJK", "%Y", 4), "prefix"),
        (("X-", "%Y", 4), "prefix"),
        (("XH", "%d", 4), "date_part"),
        (("XH", "%Y", 2), "width"),
        (("XH", "%Y", 9), "width"),
    ]:
        with pytest.raises(InvalidInput) as caught:
            numbering.set_pattern(org.tenant, org.users["admin"], *args)
        assert caught.value.field == field
    _set(org, "XH", "%Y%m%d", 4)  # unchanged: nothing to record
    _set(org, "NEW", "", 6)
    with tenant_bound(org.tenant.id):
        events = db.session.scalars(sa.select(AuditEvent)).all()
    assert [(e.kind, e.subject, e.actor_label) for e in events] == [
        ("numbering.pattern", "case_number", org.users["admin"].name)
    ]
    assert events[0].changes == {
        "before": {"prefix": "XH", "date_part": "%Y%m%d", "width": 4},
        "after": {"prefix": "NEW", "date_part": "", "width": 6},
    }
    assert (org.tenant.case_prefix, org.tenant.config.case_number.width) == ("NEW", 6)
    assert open_case(org).number.startswith("NEW-")
