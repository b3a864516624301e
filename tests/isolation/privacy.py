"""A reveal of a case's personal data (the access log's row), so the walk runs over a log
that holds rows of both tenants; the log's URLs take no id, its rows are filtered by tenant."""

from __future__ import annotations

from casework import disclosure
from casework.models import Case
from tenants.db import db, tenant_bound
from tests.conftest import open_case


def ids(org) -> dict[str, int | str]:
    case = open_case(org, address=f"{org.slug} 路 1 号")
    with tenant_bound(org.tenant.id):
        user = next(u for u in org.users.values() if u.role.value == "handler")
        user = db.session.merge(user)
        disclosure.reveal(db.session.get(Case, case.id), user, f"isolation {org.slug}")
        db.session.commit()
    return {}
