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
import re
import typing

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tenants import audit
from tenants.db import db, tenant_bound, upsert_returning
from tenants.models import Tenant, User
from tenants.settings import NumberPattern

from .errors import InvalidInput
from .models import CaseCounter

# The date parts a pattern may have, longest first; "" for none.
DATE_PARTS: tuple[str, ...] = typing.get_args(NumberPattern.model_fields["date_part"].annotation)
PREFIX = re.compile(r"[A-Z]{1,10}")
_WIDTH = {type(m).__name__: m for m in NumberPattern.model_fields["width"].metadata}
WIDTHS = range(_WIDTH["Ge"].ge, _WIDTH["Le"].le + 1)


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


def set_pattern(
    tenant: Tenant, actor: User | None, prefix: str, date_part: str, width: int
) -> bool:
    """Change how the tenant's case numbers read; False when nothing changed.

    Numbers issued before stay as they are. Each stem keeps its own counter, so no pattern,
    nor going back to an earlier one, can issue a number twice. InvalidInput names the field
    at fault; a change is audited with the values before and after.
    """
    if not PREFIX.fullmatch(prefix or ""):
        raise InvalidInput("prefix", _l("Use 1 to 10 capital letters A to Z."))
    if date_part not in DATE_PARTS:
        raise InvalidInput("date_part", _l("Choose a date part."))
    if width not in WIDTHS:
        raise InvalidInput(
            "width",
            _l("Use %(low)s to %(high)s digits.", low=WIDTHS.start, high=WIDTHS.stop - 1),
        )
    before = _pattern_values(tenant)
    if before == {"prefix": prefix, "date_part": date_part, "width": width}:
        return False
    tenant.case_prefix = prefix
    tenant.update_config(case_number=NumberPattern(date_part=date_part, width=width))
    with tenant_bound(tenant.id):
        audit.record(
            actor,
            "numbering.pattern",
            "case_number",
            {"before": before, "after": _pattern_values(tenant)},
        )
    return True


def _pattern_values(tenant: Tenant) -> dict[str, object]:
    pattern = tenant.config.case_number
    return {"prefix": tenant.case_prefix, "date_part": pattern.date_part, "width": pattern.width}
