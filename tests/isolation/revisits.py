"""A revisit planned on a complaint: the row the revisit pages (web/revisits) take."""

from __future__ import annotations

import datetime as dt

from casework.models import Case
from casework.operations import revisits
from casework.states import ContactMethod, Occasion
from tenants.db import db, tenant_bound, utcnow
from tests.conftest import open_case


def ids(org) -> dict[str, int | str]:
    case_id = open_case(org).id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        now = utcnow()
        revisit = revisits.plan(
            case, Occasion.AFTER_HANDLING, now, now + dt.timedelta(days=3), ContactMethod.PHONE
        )
        db.session.commit()
        return {"revisit_id": revisit.id}
