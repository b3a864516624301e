"""An improvement action (PROP-8): the row the improvement pages (web/reports) take."""

from __future__ import annotations

import datetime as dt

from casework.operations import improvements
from tenants.db import db, tenant_bound


def ids(org) -> dict[str, int | str]:
    with tenant_bound(org.tenant.id):
        boss = next(u for u in org.users.values() if u.has_role(*_roles()))
        owner = db.session.merge(boss)
        action = improvements.open_action(
            owner,
            "收银多收问题专项整改",
            owner,
            dt.date.today() + dt.timedelta(days=30),
            filters={"category": "1", "status": "all"},
        )
        db.session.commit()
        return {"action_id": action.id}


def _roles():
    from tenants.models import Role

    return (Role.SUPERVISOR, Role.ADMIN)
