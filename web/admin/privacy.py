"""Tenant administration: personal data (CO-8). Who holds the right to read complainants'
details unmasked, and the access log of every reveal (查看完整信息) by everyone else.

The log reads a page at a time through :func:`casework.disclosure.accesses` (newest first,
keyset on (at, id)), filtered by dates, person and case number; the CSV export streams the
same filtered list in chunks. Nothing here changes or removes a row of the log.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length, Optional

from casework import deadlines, disclosure, labels
from casework.models import PersonalDataAccess
from casework.queue import decode_cursor
from tenants.db import db
from tenants.models import Role, User

from .. import exports
from ..forms import choices, query_id
from ..htmx import render
from ..tenancy import staff_required
from ..transaction import attempt
from . import bp, section

section("admin.personal_data", _l("Personal data"))

PAGE_SIZE = 50
CSV_CHUNK = disclosure.MAX_LIMIT
# The words for what a reveal showed and where it was asked.
FIELD_NAMES = {
    "phone": _l("Phone"),
    "email": _l("Email"),
    "address": _l("Address"),
    "id_number": _l("ID number"),
}
PAGE_NAMES = {"case": _l("Case page"), "letter": _l("Acknowledgement letter")}


class AccessFilter(FlaskForm):
    """The log's filters; a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    user = SelectField(_l("Viewed by"), default="")
    case = StringField(_l("Case number"), validators=[Optional(), Length(max=40)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])


class RolesForm(FlaskForm):
    """The roles that read personal data unmasked."""

    roles = SelectMultipleField(
        _l("Roles that see complainants’ details in full"),
        choices=choices(labels.choices(Role)),
    )


def _day(day: dt.date | None, tz: str, *, end: bool = False) -> dt.datetime | None:
    if day is None:
        return None
    try:
        start = dt.datetime.combine(day + dt.timedelta(days=1) if end else day, dt.time())
        return deadlines.from_local(start, tz)
    except OverflowError:  # a day at either end of the calendar bounds nothing
        return None


def _filters() -> tuple[AccessFilter, dict]:
    form = AccessFilter(request.args)
    staff = db.session.scalars(sa.select(User).order_by(User.name, User.id)).all()
    form.user.choices = choices([("", _("Anyone")), *((str(u.id), u.name) for u in staff)])
    form.validate()
    tz = g.tenant.timezone
    query = {
        "user_id": query_id(request.args.get("user")),
        "case_number": (request.args.get("case") or "")[:40],
        "since": _day(form.since.data, tz) if not form.since.errors else None,
        "until": _day(form.until.data, tz, end=True) if not form.until.errors else None,
    }
    return form, query


def fields_label(row: PersonalDataAccess) -> str:
    """What the reveal showed, in the reader's words."""
    names = [str(FIELD_NAMES.get(f, f)) for f in row.fields.split(",") if f]
    return "、".join(names) if str(get_locale()).startswith("zh") else ", ".join(names)


def page_label(row: PersonalDataAccess) -> str:
    return str(PAGE_NAMES.get(row.page, row.page))


@bp.get("/personal-data")
@staff_required(Role.ADMIN)
def personal_data():
    """The access log, newest first, a page at a time, and who holds the right."""
    form, query = _filters()
    before = decode_cursor(request.args.get("before", ""))
    rows = disclosure.accesses(**query, before=before, limit=PAGE_SIZE + 1)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    args = {k: v for k, v in request.args.items() if k not in ("before", "lang") and v}
    last = rows[-1] if rows else None
    return render(
        "admin/personal_data.html",
        "admin/_personal_data_rows.html",
        form=form,
        rows=rows,
        fields_label=fields_label,
        page_label=page_label,
        holders=[labels.label(Role(r)) for r in g.tenant.config.personal_data_roles],
        next_url=(
            url_for("admin.personal_data", before=f"{last.at.isoformat()}_{last.id}", **args)
            if more and last
            else None
        ),
        first_url=url_for("admin.personal_data", **args) if before else None,
        csv_url=url_for("admin.personal_data_csv", **args),
    )


@bp.get("/personal-data.csv")
@staff_required(Role.ADMIN)
def personal_data_csv():
    """The filtered log as CSV, streamed in chunks; UTF-8 with a BOM, so Excel reads Chinese.

    Every cell is quoted against spreadsheet formulas (a reason is typed by staff).
    """
    _form, query = _filters()
    tz = g.tenant.timezone
    header = [
        _("Time (%(zone)s)", zone=tz),
        _("Viewed by"),
        _("Case number"),
        _("Reason"),
        _("What was shown"),
        _("Where"),
    ]
    return exports.streamed(
        f"{g.tenant.slug}-personal-data-access.csv",
        header,
        lambda before: disclosure.accesses(**query, before=before, limit=CSV_CHUNK),
        lambda r: [
            deadlines.to_local(r.at, tz).strftime("%Y-%m-%d %H:%M:%S"),
            r.user_label,
            r.case_number,
            r.reason,
            fields_label(r),
            page_label(r),
        ],
        CSV_CHUNK,
    )


@bp.route("/personal-data/roles", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def personal_data_roles():
    """Which roles read personal data unmasked; the others reveal it with a reason."""
    form = RolesForm(data={"roles": list(g.tenant.config.personal_data_roles)})
    if form.validate_on_submit():
        wanted = form.roles.data or []
        changed = attempt(
            form,
            lambda: disclosure.set_roles(g.tenant, current_user._get_current_object(), wanted),
        )
        if changed is not None:
            flash(_("Saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("admin.personal_data"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("admin/personal_data_roles.html", form=form), status
