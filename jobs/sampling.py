"""The periodic sample draw (PROP-10): each period's work orders drawn once it is over.

For every active tenant and every kind it revisits by sampling, the latest period that is
over is drawn through :func:`casework.operations.draws.draw_period` and committed; a period
drawn already is left alone, so the schedule may run this as often as it likes, from one
clock or two (the draw's unique key refuses a second one, which is rolled back and shrugged
off). A period with nothing completed yet is tried again at the next run.
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from casework import sampling
from casework.operations import draws
from tenants.db import db, tenant_bound, unscoped, utcnow
from tenants.models import Tenant

log = logging.getLogger(__name__)


def run(now: dt.datetime | None = None) -> int:
    """Draw every tenant's last finished period of each sampled kind; the draws made."""
    now = now or utcnow()
    with unscoped():
        tenant_ids = list(
            db.session.scalars(
                sa.select(Tenant.id).where(Tenant.suspended_at.is_(None)).order_by(Tenant.id)
            )
        )
    db.session.rollback()
    made = 0
    for tenant_id in tenant_ids:
        with tenant_bound(tenant_id):
            made += _draw_tenant(tenant_id, now)
    return made


def _draw_tenant(tenant_id: int, now: dt.datetime) -> int:
    tenant = db.session.get(Tenant, tenant_id)
    start, _end = sampling.last_period(tenant, now)
    made = 0
    for kind in sampling.sampled_kinds(tenant):
        try:
            drawn = draws.draw_period(tenant, kind, start, None, now)
            db.session.commit()
        except IntegrityError:  # another clock drew it a moment ago
            db.session.rollback()
            continue
        except Exception:
            db.session.rollback()
            log.exception("sample draw of %s for tenant %s failed", kind.value, tenant_id)
            continue
        made += 1 if drawn is not None and drawn.new else 0
    return made
