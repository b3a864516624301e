"""The revisit record book (《回访记录本》, PROP-1) on the desk: the page for a period, its
printout (A4 landscape PDF) and its XLSX export, all three from the same rows
(casework.revisit_register) and the same cells (:func:`cells`), masked alike (CO-8)."""

from __future__ import annotations

import io
from typing import Any

from flask import g, make_response, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import Optional

from casework import deadlines, labels, plaintext
from casework import revisit_register as book
from casework.letters import logo_data_uri
from jobs import pdf
from tenants.db import utcnow

from ..exports import safe_cell
from ..htmx import render
from ..privacy import reader
from ..tenancy import staff_required
from . import bp
from .views import REVISITORS

# The most rows one printout holds: WeasyPrint lays out ~8 ms a row on this kind of machine
# (1,000 rows ≈ 8 s, 2,000 ≈ 16 s, measured 2026-12-07), and the printout is made in the
# request. A longer book is cut and says so; the XLSX holds up to book.MAX_EXPORT.
PDF_ROWS = 1000
# The longest period one book covers: a year, so a typo of a century asks for no scan.
MAX_DAYS = 366
HEADER = (
    _l("Date"),
    _l("Case number"),
    _l("Kind of case"),
    _l("Complainant"),
    _l("Method"),
    _l("Revisitor"),
    _l("Outcome"),
    _l("Satisfaction"),
    _l("Solved"),
    _l("Comments"),
)


class RegisterFilter(FlaskForm):
    """The book's period, read from the query string (the tenant's calendar days)."""

    class Meta:
        csrf = False

    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])

    def period(self, tz: str) -> book.Period | None:
        """The period asked for (this month by default); None, with the error on the form,
        when it cannot be read."""
        default = book.this_month(tz)
        if not self.validate():
            return None
        start = self.since.data or default.start
        end = self.until.data or default.end
        if end < start:
            self.until.errors = [_("The end of the period comes before its start.")]
            return None
        if (end - start).days >= MAX_DAYS:
            self.until.errors = [_("Choose a period of at most a year.")]
            return None
        return book.Period(start, end)


def _yes_no(value: bool | None) -> str:
    if value is None:
        return "—"
    return _("Yes") if value else _("No")


def outcome_text(row: book.Row) -> str:
    """What came of the revisit: revisited, or unreachable and why (the last attempt)."""
    text = str(labels.label(row.status))
    if row.status is not book.RevisitStatus.DONE and row.outcome is not None:
        text += "（" + str(labels.label(row.outcome)) + "）"
    return text


def cells(row: book.Row, tz: str) -> list[str]:
    """One line of the book as the page, the printout and the export show it."""
    done = deadlines.to_local(row.done_at, tz).strftime("%Y-%m-%d %H:%M")
    person = f"{row.complainant} {row.phone}".strip()
    online = row.outcome is book.CallOutcome.ANSWERED_ONLINE
    return [
        done,
        row.number,
        str(labels.label(row.kind)),
        person,
        str(labels.label(row.method)),
        row.revisitor or (_("Answered online") if online else "—"),
        outcome_text(row),
        str(row.satisfaction) if row.satisfaction is not None else "—",
        _yes_no(row.solved),
        row.comments,
    ]


def filtered_period() -> tuple[RegisterFilter, book.Period | None]:
    form = RegisterFilter(request.args)
    return form, form.period(g.tenant.timezone)


def _export_args(period: book.Period) -> dict[str, str]:
    return {"since": period.start.isoformat(), "until": period.end.isoformat()}


@bp.get("/register")
@staff_required(*REVISITORS)
def register():
    """The record book for a period (this month by default), a page at a time."""
    form, period = filtered_period()
    tz = g.tenant.timezone
    context: dict[str, Any] = {
        "form": form,
        "period": period,
        "rows": [],
        "next_url": None,
        "header": HEADER,
    }
    if period is None:
        return render("revisits/register.html", "revisits/_register.html", 422, **context)
    after = request.args.get("after", "")
    rows, next_cursor = book.page(period, tz, current_user, reader(), after)
    args = _export_args(period)
    context.update(
        rows=[(r, cells(r, tz)) for r in rows],
        next_url=url_for("revisits.register", after=next_cursor, **args) if next_cursor else None,
        pdf_url=url_for("revisits.register_pdf", **args),
        xlsx_url=url_for("revisits.register_xlsx", **args),
    )
    fragment = "revisits/_register_rows.html" if after else "revisits/_register.html"
    return render("revisits/register.html", fragment, **context)


def _whole(period: book.Period, limit: int = book.MAX_EXPORT) -> tuple[list[list[str]], bool]:
    rows, cut = book.all_rows(period, g.tenant.timezone, current_user, reader(), limit)
    return [cells(r, g.tenant.timezone) for r in rows], cut


def _download(data: bytes, mime: str, name: str, disposition: str = "attachment"):
    response = make_response(data)
    response.headers["Content-Type"] = mime
    response.headers.set("Content-Disposition", disposition, filename=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _filename(period: book.Period, suffix: str) -> str:
    return f"revisit-register-{period.start.isoformat()}-{period.end.isoformat()}.{suffix}"


def _title(period: book.Period) -> str:
    return _("Revisit record book %(start)s to %(end)s", start=period.start, end=period.end)


@bp.get("/register.pdf")
@staff_required(*REVISITORS)
def register_pdf():
    """The book printed: A4 landscape, the organisation's name and logo, in its language."""
    form, period = filtered_period()
    if period is None:
        return render("revisits/register.html", "revisits/_register.html", 422, form=form, rows=[])
    tenant = g.tenant
    with force_locale(tenant.locale):
        lines, cut = _whole(period, PDF_ROWS)
        html = render_template(
            "revisits/register_print.html",
            title=_title(period),
            header=[str(h) for h in HEADER],
            lines=[[plaintext.printable(c) for c in line] for line in lines],
            cut=cut,
            limit=PDF_ROWS,
            tenant_name=tenant.name,
            letterhead=tenant.letterhead,
            primary_color=tenant.primary_color,
            logo_image=logo_data_uri(tenant),
            printed_at=deadlines.to_local(utcnow(), tenant.timezone).strftime("%Y-%m-%d %H:%M"),
            locale=tenant.locale,
        )
    return _download(pdf.render_pdf(html), "application/pdf", _filename(period, "pdf"), "inline")


@bp.get("/register.xlsx")
@staff_required(*REVISITORS)
def register_xlsx():
    """The same rows as a spreadsheet: a title line, the header, one row per revisit."""
    from openpyxl import Workbook

    form, period = filtered_period()
    if period is None:
        return render("revisits/register.html", "revisits/_register.html", 422, form=form, rows=[])
    with force_locale(g.tenant.locale):
        lines, cut = _whole(period)
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Revisit record book")[:31]
        sheet.append([safe_cell(f"{g.tenant.name} {_title(period)}")])
        sheet.append([str(h) for h in HEADER])
        for line in lines:
            sheet.append([safe_cell(c) for c in line])
        if cut:
            sheet.append(
                [_("Cut at %(count)d rows; choose a shorter period.", count=book.MAX_EXPORT)]
            )
        sheet.freeze_panes = "A3"
        for column, width in zip("ABCDEFGHIJ", (17, 18, 12, 24, 10, 12, 16, 8, 8, 50), strict=True):
            sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(out.getvalue(), mime, _filename(period, "xlsx"))
