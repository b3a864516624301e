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
