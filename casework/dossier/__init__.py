"""What the case dossier (案卷, MALL-7, HOSP-8) prints, as plain values, section by section.

The dossier is the whole case in one document: the intake record, every history entry,
contacts, notes, the finding, the remedy, rectification, extensions and oversight, the
letters, the revisits and the files. The renderer never sees an ORM object (as for letters):
each section is built by one small function that reads the case and returns a dict of
strings and lists, registered in :data:`SECTIONS` with :func:`section`. The job builds them
in order and records its progress between them.

A new part of a case (the handling plan and its approval, assisting units) joins the
dossier with one more function in :mod:`.sections`, decorated
``@section("plan", _l("Handling plan"))`` where it should print; the template and the job
need no change, since every section has the same shape:

``{"key", "title", "facts": [[label, value]…], "columns": [...], "rows": [[...]…]}``.

A masked dossier (asked for by someone without the personal-data right, CO-8) shows the
complainant's details through :func:`privacy.contact` with ``masked=True``, and every free
text (history bodies, changes, notes, comments) has the complainant's phone and email, and
anything that reads as a mobile number or an email address, masked the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tenants.db import db
from tenants.models import Tenant

from .. import labels, routing
from ..letters import logo_data_uri
from ..models import Case, CaseEvent, Letter
from . import sections as _sections  # noqa: F401  (registers the sections, in order)
from .reading import SECTIONS, Reading, Section, section

__all__ = ["SECTIONS", "Reading", "Section", "basis", "context", "cover", "section"]


def cover(reading: Reading, requested_by: str, requested_at: dt.datetime) -> dict[str, Any]:
    """The cover block: whose case, who asked for the dossier and when, masked or not."""
    c, t = reading.case, reading.tenant
    category = routing.category(t, c.category_id)
    return {
        "tenant_name": t.name,
        "letterhead": t.letterhead,
        "primary_color": t.primary_color,
        "logo_image": logo_data_uri(t),
        "locale": t.locale,
        "number": c.number,
        "facts": [
            [str(_l("Case number")), c.number],
            [str(_l("Status")), labels.label(c.status)],
            [str(_l("Category")), category.name if category else "—"],
            [str(_l("Department")), reading.department(c.department_id)],
            [str(_l("Handler")), reading.user(c.handler_id)],
            [str(_l("Complainant")), reading.text(c.complainant_name)],
            [str(_l("Requested by")), reading.text(requested_by)],
            [str(_l("Requested at")), reading.time(requested_at)],
            [
                str(_l("Personal data")),
                str(_l("Masked") if reading.masked else _l("Shown in full: keep this file safe")),
            ],
        ],
    }


def build_section(spec: Section, reading: Reading) -> dict[str, Any]:
    """One section, in the shape the template prints."""
    built = spec.build(reading)
    return {
        "key": spec.key,
        "title": str(spec.title),
        "facts": built.get("facts", []),
        "columns": built.get("columns", []),
        "rows": built.get("rows", []),
    }


def context(
    tenant: Tenant,
    case: Case,
    *,
    masked: bool,
    requested_by: str,
    requested_at: dt.datetime,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """The whole dossier as plain values; ``progress(n)`` after each of the n sections built.

    Call it in the tenant's locale: labels and headings are read as strings here.
    """
    reading = Reading(tenant, case, masked)
    built = []
    for done, spec in enumerate(SECTIONS, start=1):
        built.append(build_section(spec, reading))
        if progress is not None:
            progress(done)
    return {"cover": cover(reading, requested_by, requested_at), "sections": built}


def basis(case: Case) -> str:
    """The state of the case a dossier is built from: its last history entry, letter and
    change. A dossier asked for on the same basis is the same dossier."""
    last_event = db.session.scalar(
        sa.select(sa.func.max(CaseEvent.id)).where(CaseEvent.case_id == case.id)
    )
    last_letter = db.session.scalar(
        sa.select(sa.func.max(Letter.id)).where(Letter.case_id == case.id)
    )
    return f"e{last_event or 0}-l{last_letter or 0}-u{case.updated_at:%Y%m%d%H%M%S%f}"
