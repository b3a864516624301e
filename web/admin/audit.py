"""Tenant administration: the audit log, who changed which setting when, from what, to what.

Read a page at a time through :func:`tenants.audit.events` (newest first, keyset on
(at, id)), filtered by kind, actor and dates; the CSV export streams the same filtered list in
chunks, so neither ever loads the whole table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import g, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from casework import deadlines, labels, policy
from casework.deadlines import Unit
from casework.queue import decode_cursor
from casework.states import CaseKind, Channel, ContactMethod, Priority
from tenants import audit
from tenants.db import db
from tenants.models import Role, User

from .. import exports
from ..forms import choices, query_id
from ..htmx import render
from ..i18n import change_field, colon
from ..tenancy import staff_required
from . import bp, section
from .forms import limit_label
from .numbers import DATE_PART_NAMES

section("admin.audit", _l("Audit log"))

PAGE_SIZE = 50
CSV_CHUNK = audit.MAX_LIMIT
NO_ACTOR = "none"

# What each kind of event is called. A kind not listed here is shown as it is stored.
KINDS: dict[str, Any] = {
    "calendar.day_set": _l("Calendar day set"),
    "calendar.day_removed": _l("Calendar day removed"),
    "policy.limits": _l("Time limits changed"),
    "review.day": _l("Daily review signed"),
    "review.reviewers": _l("Who signs the daily review changed"),
    "policy.rule_added": _l("Special rule added"),
    "policy.rule_removed": _l("Special rule removed"),
    "policy.reminders": _l("Reminder points changed"),
    "numbering.pattern": _l("Case-number pattern changed"),
    "user.add": _l("Staff member added"),
    "user.name": _l("Name changed"),
    "user.email": _l("Email changed"),
    "user.phone": _l("Phone changed"),
    "user.role": _l("Role changed"),
    "user.department": _l("Department changed"),
    "user.active": _l("Account activated or deactivated"),
    "user.password": _l("Password changed"),
    "user.password_link": _l("Password link sent"),
    "department.added": _l("Department added"),
    "department.renamed": _l("Department renamed"),
    "department.deactivated": _l("Department deactivated"),
    "department.reactivated": _l("Department reactivated"),
    "category.added": _l("Category added"),
    "category.edited": _l("Category changed"),
    "category.deactivated": _l("Category deactivated"),
    "category.reactivated": _l("Category reactivated"),
    "cause.added": _l("Cause added"),
    "cause.renamed": _l("Cause renamed"),
    "cause.deactivated": _l("Cause deactivated"),
    "cause.reactivated": _l("Cause reactivated"),
    "channels.set": _l("Channels changed"),
    "sight.set": _l("Who sees cases changed"),
    "routing.rule_added": _l("Routing rule added"),
    "routing.rule_edited": _l("Routing rule changed"),
    "routing.rule_deactivated": _l("Routing rule deactivated"),
    "routing.rule_reactivated": _l("Routing rule reactivated"),
    "routing.rule_deleted": _l("Routing rule removed"),
    "routing.rule_moved": _l("Routing rule moved"),
    "branding.color": _l("Colour changed"),
    "branding.letterhead": _l("Letterhead changed"),
    "branding.duty_contact": _l("Duty contact changed"),
    "branding.logo": _l("Logo changed"),
    "tenant.created": _l("Organisation created"),
    "tenant.suspended": _l("Service paused by the platform"),
    "tenant.resumed": _l("Service resumed by the platform"),
    "rules.set": _l("Handling rules changed"),
    "dossier.requested": _l("Case dossier requested"),
    "sight.restricted": _l("Who sees restricted cases changed"),
    "privacy.roles": _l("Personal-data roles changed"),
    "mailbox.set": _l("Mailbox settings changed"),
    "sms.set": _l("Text message settings changed"),
    "revisiting.rules": _l("Revisit rules changed"),
    "revisiting.sampling": _l("Sampling table changed"),
    "revisiting.questionnaire": _l("Revisit questionnaire changed"),
    "revisiting.contacts": _l("Revisit attempts and links changed"),
    "assessment.set": _l("Assessment weights changed"),
    "export.cases": _l("Case list exported"),
    "export.figures": _l("Dashboard figures exported"),
}

# The lists an export is made of (export.cases).
EXPORTED_LISTS: dict[str, Any] = {"queue": _l("Queue"), "search": _l("Search")}

# The kind filter's choices: the part of a kind before its dot.
AREAS: dict[str, Any] = {
    "user": _l("Staff"),
    "department": _l("Departments"),
    "category": _l("Categories"),
    "cause": _l("Causes"),
    "channels": _l("Channels"),
    "routing": _l("Routing rules"),
    "branding": _l("Branding"),
    "letter": _l("Letters"),
    "numbering": _l("Case numbers"),
    "policy": _l("Time limits"),
    "calendar": _l("Calendar"),
    "tenant": _l("Platform"),
    "rules": _l("Handling rules"),
    "dossier": _l("Case dossiers"),
    "privacy": _l("Personal data"),
    "mailbox": _l("Mailbox"),
    "sms": _l("Text messages"),
    "revisiting": _l("Revisits"),
    "assessment": _l("Assessment weights"),
    "export": _l("Exports"),
}

# Names of the keys the verbs record; a stage key is named as the time-limits page names it.
FIELDS: dict[str, Any] = {
    "working": _l("Working day"),
    "note": _l("Note"),
    "prefix": _l("Prefix"),
    "date_part": _l("Date part"),
    "width": _l("Sequence digits"),
    "name": _l("Name"),
    "code": _l("Code"),
    "active": _l("Active"),
    "role": _l("Role"),
    "email": _l("Email"),
    "phone": _l("Phone"),
    "category": _l("Category"),
    "keyword": _l("Keyword"),
    "location": _l("Location"),
    "default_priority": _l("Default priority"),
    "stage": _l("Stage"),
    "value": _l("Time allowed"),
    "unit": _l("Unit"),
    "preset": _l("Preset"),
    "admin": _l("First admin"),
    "channels": _l("Channels"),
    "department": _l("Department"),
    "color": _l("Colour"),
    "letterhead": _l("Letterhead"),
    "type": _l("Type"),
    "sha256": "SHA-256",
    "size": _l("Size in bytes"),
    "title": _l("Title"),
    "opening": _l("Opening"),
    "closing": _l("Closing"),
    "number": _l("Position"),
    "not_satisfied": _l("After “not satisfied”"),
    "dispatch_notice": _l("Dispatch notice"),
    "masked": _l("Personal data masked"),
    "roles": _l("Roles"),
    "provider": _l("How texts are sent"),
    "url": _l("Gateway address (URL)"),
    "sign_name": _l("Sign name"),
    "account": _l("Account"),
    "api_key": _l("API key"),
    "rules": _l("Rules"),
    "within": _l("Revisit within"),
    "method": _l("Preferred method"),
    "rate": _l("Rate"),
    "every": _l("Again every"),
    "sampling": _l("Sampling table"),
    "period": _l("Period"),
    "up_to": _l("Up to (orders)"),
    "take": _l("Orders revisited"),
    "percent": _l("Percent revisited"),
    "questions": _l("Questions"),
    "skip_questions": _l("Aspects left out"),
    "attempts": _l("Attempts"),
    "retry_hours": _l("Hours between attempts"),
    "satisfied_from": _l("Satisfied from the score"),
    "link_days": _l("Days a link stays good"),
    "list": _l("List"),
    "format": _l("Format"),
    "filters": _l("Filters"),
    "rows": _l("Rows"),
    "cut": _l("Cut at the most an export holds"),
    "q": _l("Search"),
}


# Kinds named by their first part alone: "letter.ack", "letter.result"…
KIND_FAMILIES: dict[str, Any] = {"letter": _l("Letter wording changed")}


def kind_label(kind: str) -> str:
    """The kind in the user's words where it is known, else as stored."""
    known = KINDS.get(kind) or KIND_FAMILIES.get(kind.split(".", 1)[0])
    return str(known) if known is not None else kind


def field_label(key: str) -> str:
    """A recorded key in the user's words."""
    if key in FIELDS:
        return str(FIELDS[key])
    if key in policy.KEYS:
        return limit_label(key)
    if key in CaseKind.__members__.values():
        return labels.label(CaseKind(key))
    return change_field(key)


def show(value: Any, key: str = "", kind: str = "") -> str:
    """A recorded value in the user's words: labels for the domain's words, a time limit as
    "5 working days", a list joined, a record as "key: value; …"."""
    if value is None or (value == "" and key != "date_part"):
        return "—"
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, dict):
        if set(value) == {"value", "unit"}:
            return f"{value['value']} {_word(Unit, value['unit'])}"
        return "; ".join(f"{colon(field_label(k))}{show(v, k, kind)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(show(v, key, kind) for v in value)
    if kind == "policy.reminders" and isinstance(value, float):
        return f"{round(value * 100)}%"
    if key == "date_part":
        return str(DATE_PART_NAMES.get(value, value))
    if key == "list":
        return str(EXPORTED_LISTS.get(value, value))
    if kind == "sms.set" and key == "api_key":  # the key itself is never recorded
        return str(_l("Replaced") if value == "replaced" else _l("Stored"))
    if key in ("channel", "channels"):
        return _word(Channel, value)
    if key in ("priority", "default_priority"):
        return _word(Priority, value)
    if key == "unit":
        return _word(Unit, value)
    if key == "method":
        return _word(ContactMethod, value)
    if key in ("role", "roles"):
        return _word(Role, value)
    if key == "stage" and value in policy.KEYS:
        return limit_label(value)
    return str(value)


def _word(enum_class, value: Any) -> str:
    try:
        return labels.label(enum_class(value))
    except (ValueError, KeyError):
        return str(value)


@dataclass(frozen=True)
class Change:
    """One line of an event's before and after."""

    field: str
    before: str
    after: str


def changes(event: audit.AuditEvent) -> list[Change]:
    """What the event changed: key by key when the values are records (only the keys that
    changed, when there is a before and an after), else one line."""
    recorded = event.changes if isinstance(event.changes, dict) else {}
    before, after = recorded.get("before"), recorded.get("after")
    kind = event.kind
    if before is None and after is None:
        return []
    if isinstance(before, dict | None) and isinstance(after, dict | None):
        old, new = before or {}, after or {}
        keys = [*old, *(k for k in new if k not in old)]
        return [
            Change(
                field_label(k),
                "—" if before is None else show(old.get(k), k, kind),
                "—" if after is None else show(new.get(k), k, kind),
            )
            for k in keys
            if before is None or after is None or old.get(k) != new.get(k)
        ]
    # A single value: named by the kind ("user.role" changed a role).
    key = next((part for part in reversed(kind.split(".")) if part in FIELDS), "")
    return [
        Change(field_label(key) if key else "", show(before, key, kind), show(after, key, kind))
    ]


class AuditFilter(FlaskForm):
    """The log's filters; a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), default="")
    actor = SelectField(_l("Changed by"), default="")
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])


@dataclass
class Query:
    """The filters as :func:`tenants.audit.events` takes them."""

    kind: str = ""
    actor_id: int | None = None
    no_actor: bool = False
    since: dt.datetime | None = None
    until: dt.datetime | None = None

    def args(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _filters() -> tuple[AuditFilter, Query]:
    form = AuditFilter(request.args)
    kind = request.args.get("kind", "").strip()[:40]
    areas = list(AREAS.items())
    if kind and kind not in AREAS:
        areas.append((kind, kind))
    form.kind.choices = choices([("", _("Any")), *areas])
    staff = db.session.scalars(sa.select(User).order_by(User.name, User.id)).all()
    form.actor.choices = choices(
        [("", _("Anyone")), (NO_ACTOR, _("The system or the platform"))]
        + [
            (str(u.id), u.name if u.active else _("%(name)s (deactivated)", name=u.name))
            for u in staff
        ]
    )
    form.validate()
    tz = g.tenant.timezone
    query = Query(kind=kind)
    actor = request.args.get("actor", "")
    if actor == NO_ACTOR:
        query.no_actor = True
    else:
        query.actor_id = query_id(actor)
    # A day at either end of the calendar (0001-01-01 is before year 1 in UTC, 9999-12-31
    # has no next day) bounds nothing: no limit rather than an OverflowError.
    if form.since.data and not form.since.errors:
        try:
            query.since = deadlines.from_local(dt.datetime.combine(form.since.data, dt.time()), tz)
        except OverflowError:
            query.since = None
    if form.until.data and not form.until.errors:
        try:
            end = dt.datetime.combine(form.until.data + dt.timedelta(days=1), dt.time())
            query.until = deadlines.from_local(end, tz)
        except OverflowError:
            query.until = None
    return form, query


def _cursor(event: audit.AuditEvent) -> str:
    return f"{event.at.isoformat()}_{event.id}"


@bp.get("/audit", endpoint="audit")
@staff_required(Role.ADMIN)
def audit_log():
    """The audit log, newest first, a page at a time."""
    form, query = _filters()
    before = decode_cursor(request.args.get("before", ""))
    rows = audit.events(**query.args(), before=before, limit=PAGE_SIZE + 1)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    args = {k: v for k, v in request.args.items() if k not in ("before", "lang") and v}
    return render(
        "admin/audit.html",
        "admin/_audit_rows.html",
        form=form,
        events=[(e, kind_label(e.kind), changes(e)) for e in rows],
        next_url=url_for("admin.audit", before=_cursor(rows[-1]), **args) if more else None,
        first_url=url_for("admin.audit", **args) if before else None,
        csv_url=url_for("admin.audit_csv", **args),
    )


@bp.get("/audit.csv")
@staff_required(Role.ADMIN)
def audit_csv():
    """The filtered log as CSV, streamed in chunks; UTF-8 with a BOM, so Excel reads Chinese."""
    _form, query = _filters()
    tz = g.tenant.timezone
    header = [
        _("Time (%(zone)s)", zone=tz),
        _("Changed by"),
        _("Kind"),
        _("What"),
        _("Subject"),
        _("Changes"),
        _("Before"),
        _("After"),
    ]

    return exports.streamed(
        f"{g.tenant.slug}-audit.csv",
        header,
        lambda before: audit.events(**query.args(), before=before, limit=CSV_CHUNK),
        lambda event: _csv_row(event, tz),
        CSV_CHUNK,
    )


def _csv_row(event: audit.AuditEvent, tz: str) -> list[str]:
    recorded = event.changes if isinstance(event.changes, dict) else {}
    return [
        deadlines.to_local(event.at, tz).strftime("%Y-%m-%d %H:%M:%S"),
        event.actor_label,
        event.kind,
        kind_label(event.kind),
        event.subject,
        "; ".join(
            f"{colon(c.field) if c.field else ''}{c.before} → {c.after}" for c in changes(event)
        ),
        _json(recorded.get("before")),
        _json(recorded.get("after")),
    ]


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=False)
