"""Case numbers (受理编号): prefix + a local date part + a per-tenant sequence.

The tenant's pattern (``settings.case_number``) says which date part and how many digits.
The sequence lives in ``case_counters``, one per *stem*, the number up to its sequence
("CG20261201-"), and is bumped with one atomic upsert inside the transaction that inserts
the case. The row lock it takes is held to commit, so concurrent intakes of one tenant queue
up for it, and a rolled-back intake rolls its number back: numbers stay unique and gap-free
per stem, on PostgreSQL and on SQLite.

Why per stem: the sequence is digits after the stem's final "-", and a prefix has no "-",
so two numbers read alike only if their stems do. A tenant who changes prefix, date part or
width can therefore never be issued a number it issued before.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tenants.db import db, upsert_returning
from tenants.models import Tenant
from tenants.settings import NumberPattern

from .models import CaseCounter


def stem(prefix: str, pattern: NumberPattern, day: dt.date) -> str:
    """The number up to its sequence, e.g. "XH20261128-"."""
    return f"{prefix}{day.strftime(pattern.date_part) if pattern.date_part else ''}-"


def next_sequence(tenant_id: int, stem: str) -> int:
    """Take the next sequence of the tenant's stem; call inside the intake transaction."""
    table = CaseCounter.__table__
    return upsert_returning(
        table,
        {"tenant_id": tenant_id, "stem": stem, "value": 1},
        ["tenant_id", "stem"],
        {"value": table.c.value + 1},
        table.c.value,
    )


def format_number(stem: str, pattern: NumberPattern, seq: int) -> str:
    """E.g. XH20261128-0007."""
    return f"{stem}{seq:0{pattern.width}d}"


def next_number(tenant: Tenant, day: dt.date) -> str:
    """Issue the tenant's next case number for its local ``day``."""
    pattern = tenant.config.case_number
    head = stem(tenant.case_prefix, pattern, day)
    return format_number(head, pattern, next_sequence(tenant.id, head))


def preview(prefix: str, pattern: NumberPattern, tenant_id: int, day: dt.date) -> str:
    """The number the next case of ``day`` would get under this prefix and pattern, taking none.

    Reads the counter without locking it, so it is a preview: a complaint filed meanwhile
    takes that number and the next case gets the one after.
    """
    head = stem(prefix, pattern, day)
    current = db.session.scalar(
        sa.select(CaseCounter.value).where(
            CaseCounter.tenant_id == tenant_id, CaseCounter.stem == head
        )
    )
    return format_number(head, pattern, (current or 0) + 1)
