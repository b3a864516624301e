"""A case with an attachment, filed through the portal, and one of the tenant's own days."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from casework.models import Attachment, CalendarDay
from tenants.db import db, tenant_bound
from tests.conftest import open_case


def ids(org) -> dict[str, int | str]:
    case = open_case(org, attachment_name="a.txt", attachment_data=b"hello")
    with tenant_bound(org.tenant.id):
        att = db.session.scalars(sa.select(Attachment).where(Attachment.case_id == case.id)).one()
        day = CalendarDay(day=dt.date(2030, 1, 2), working=False, note=org.slug)
        db.session.add(day)
        db.session.commit()
        return {
            "case_id": case.id,
            "number": case.number,
            "attachment_id": att.id,
            "action": "note",
            "day_id": day.id,
            "index": 0,
        }
