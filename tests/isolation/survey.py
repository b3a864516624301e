"""A revisit by email whose questionnaire link was sent: the ``<survey_token>`` of the
public questionnaire (web/survey). The token is the proof there, so tenant B's own link
under B's path answers anyone (tests/test_tenant_isolation.py lists it as public by token);
under tenant A's path it is a 404."""

from __future__ import annotations

import datetime as dt

from flask import current_app

from casework import survey_links
from casework.models import Case
from casework.operations import revisit_links, revisits
from casework.states import ContactMethod, Occasion
from tenants.db import db, tenant_bound, utcnow
from tests.conftest import open_case


def ids(org) -> dict[str, int | str]:
    case_id = open_case(org, email=f"survey@{org.slug}.example.com").id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        now = utcnow()
        revisit = revisits.plan(
            case, Occasion.AFTER_HANDLING, now, now + dt.timedelta(days=3), ContactMethod.EMAIL
        )
        db.session.flush()
        revisit_links.send_link(revisit, None, now=now)
        db.session.commit()
        return {"survey_token": survey_links.make_token(revisit, current_app.config["SECRET_KEY"])}
