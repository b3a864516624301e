"""What the console reads about tenants: names, counts and times, never a case's content.

These are the only reads of the console that cross tenants, each under
:func:`tenants.db.unscoped` and each bounded by one page of tenants: the case figures are
aggregated for the tenants on the page only, through the ``(tenant_id, status, …)`` index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from casework.models import Case
from casework.states import Status
from tenants.db import db, unscoped
from tenants.models import Tenant

PAGE_SIZE = 50


@dataclass(frozen=True)
class TenantRow:
    """One line of the tenant list: who the tenant is and how busy, in figures only."""

    id: int
    slug: str
    name: str
    preset: str
    created_at: dt.datetime
    suspended_at: dt.datetime | None
    cases: int
    open_cases: int
    last_activity: dt.datetime | None


@dataclass(frozen=True)
class TenantPage:
    """A page of the tenant list."""

    rows: list[TenantRow]
    page: int
    pages: int
    total: int


def tenant_page(page: int = 1) -> TenantPage:
    """Tenants ``PAGE_SIZE`` at a time, oldest first, with their case counts and last activity.

    The last activity is the latest time a case of theirs was filed or changed.
    """
    total = db.session.scalar(sa.select(sa.func.count(Tenant.id))) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    tenants = db.session.execute(
        sa.select(
            Tenant.id,
            Tenant.slug,
            Tenant.name,
            Tenant.preset,
            Tenant.created_at,
            Tenant.suspended_at,
        )
        .order_by(Tenant.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    figures = _case_figures([t.id for t in tenants])
    rows = [TenantRow(*t, *figures.get(t.id, (0, 0, None))) for t in tenants]
    return TenantPage(rows=rows, page=page, pages=pages, total=total)


def _case_figures(tenant_ids: list[int]) -> dict[int, tuple[int, int, dt.datetime | None]]:
    if not tenant_ids:
        return {}
    is_open = sa.case((Case.status != Status.CLOSED, 1), else_=0)
    query = (
        sa.select(
            Case.tenant_id,
            sa.func.count(Case.id),
            sa.func.coalesce(sa.func.sum(is_open), 0),
            sa.func.max(Case.created_at),
            sa.func.max(Case.updated_at),
        )
        .where(Case.tenant_id.in_(tenant_ids))
        .group_by(Case.tenant_id)
    )
    with unscoped():  # counts across tenants on purpose: no row's content leaves this query
        result = db.session.execute(query).all()
    return {
        tenant_id: (count, int(open_count), _latest(created, updated))
        for tenant_id, count, open_count, created, updated in result
    }


def _latest(*moments: dt.datetime | None) -> dt.datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def tenant_by_slug(slug: str) -> Tenant | None:
    """The tenant with this address name, or None (tenants are not scoped: they are the scope)."""
    return db.session.scalars(sa.select(Tenant).where(Tenant.slug == slug)).one_or_none()


def slug_taken(slug: str) -> bool:
    """Whether a tenant has this address name already."""
    return db.session.scalar(sa.select(Tenant.id).where(Tenant.slug == slug)) is not None
