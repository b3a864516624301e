"""Case numbers (受理编号): prefix + local date + a per-tenant daily sequence.

The sequence lives in ``case_counters`` and is bumped with one atomic upsert inside the
transaction that inserts the case. The row lock it takes is held to commit, so concurrent
intakes of one tenant queue up for it, and a rolled-back intake rolls its number back:
numbers stay unique and gap-free per tenant and day, on PostgreSQL and on SQLite.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.dialects import postgresql, sqlite

from tenants.db import db
from tenants.models import Tenant

from .models import CaseCounter

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def next_sequence(tenant_id: int, day: dt.date) -> int:
    """Take the next number of the tenant's day; call inside the intake transaction."""
    table = CaseCounter.__table__
    insert = _INSERTS[db.session.get_bind().dialect.name]
    stmt = (
        insert(table)
        .values(tenant_id=tenant_id, day=day.strftime("%Y%m%d"), value=1)
        .on_conflict_do_update(
            index_elements=[table.c.tenant_id, table.c.day],
            set_={"value": table.c.value + 1},
        )
        .returning(table.c.value)
    )
    # Straight on the session's connection: a Core statement on the intake's hot path needs
    # none of the ORM's execution layer (it names its tenant itself).
    return db.session.connection().execute(stmt).scalar_one()


def format_number(tenant: Tenant, day: dt.date, seq: int) -> str:
    """E.g. XH20261128-0007."""
    return f"{tenant.case_prefix}{day:%Y%m%d}-{seq:04d}"


def next_number(tenant: Tenant, day: dt.date) -> str:
    """The next case number of the tenant for its local ``day``."""
    return format_number(tenant, day, next_sequence(tenant.id, day))
