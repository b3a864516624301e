"""Case numbers (受理编号): prefix + local date + a per-tenant daily sequence.

The sequence lives in ``case_counters`` and is bumped with one atomic upsert inside the
transaction that inserts the case. The row lock it takes is held to commit, so concurrent
intakes of one tenant queue up for it, and a rolled-back intake rolls its number back:
numbers stay unique and gap-free per tenant and day, on PostgreSQL and on SQLite.
"""

from __future__ import annotations

import datetime as dt

from tenants.db import upsert_returning
from tenants.models import Tenant

from .models import CaseCounter


def next_sequence(tenant_id: int, day: dt.date) -> int:
    """Take the next number of the tenant's day; call inside the intake transaction."""
    table = CaseCounter.__table__
    return upsert_returning(
        table,
        {"tenant_id": tenant_id, "day": day.strftime("%Y%m%d"), "value": 1},
        ["tenant_id", "day"],
        {"value": table.c.value + 1},
        table.c.value,
    )


def format_number(tenant: Tenant, day: dt.date, seq: int) -> str:
    """E.g. XH20261128-0007."""
    return f"{tenant.case_prefix}{day:%Y%m%d}-{seq:04d}"


def next_number(tenant: Tenant, day: dt.date) -> str:
    """The next case number of the tenant for its local ``day``."""
    return format_number(tenant, day, next_sequence(tenant.id, day))
