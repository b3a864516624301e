"""A watch of an important repair (PROP-11): the row the watch pages (web/revisits) take."""

from __future__ import annotations

from casework.models import Case
from casework.operations import watches
from tenants.db import db, tenant_bound
from tests.conftest import open_case


def ids(org) -> dict[str, int | str]:
    case_id = open_case(org).id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        admin = next(u for u in org.users.values() if u.has_role(*_roles()))
        watch = watches.start_watch(case, admin, admin, 30, "屋面漏水修补后观察")
        db.session.commit()
        return {"watch_id": watch.id}


def _roles():
    from casework.states import Action
    from casework.transitions import TRANSITIONS

    return TRANSITIONS[Action.REVISIT].roles
