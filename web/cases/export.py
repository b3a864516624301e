"""Downloads of the queue and of search results as CSV or XLSX (导出, issue 13): every page
of the list the viewer sees, with its filters, in its order, at most
:func:`casework.exports.most` rows, the complainant's details and the description masked as
the viewer's reader masks them on screen (CO-8), dates in the tenant's zone.

Each export leaves a line in the audit log (who, which list and filters, how many rows),
written with the request's commit, before the first row leaves: a CSV streams after it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Sequence

from flask import Response, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casework import deadlines, labels, privacy, searchtext
from casework import exports as case_exports
from casework import queue as caseq
from casework import search as casesearch
from casework.models import Case
from tenants.db import db, utcnow
from tenants.models import User

from .. import exports
from ..privacy import reader
from ..tenancy import staff_required
from . import bp
from .forms import QueueFilter, SearchForm
from .views import STAFF, export_args, queue_filters

WIDTHS = (20, 17, 10, 14, 10, 10, 14, 10, 17, 17, 10, 14, 22, 22, 60)


def header() -> list[str]:
    """The columns, in the user's language; the times' zone named."""
    zone = g.tenant.timezone
    return [
        _("Case number"),
        _("Received (%(zone)s)", zone=zone),
        _("Kind"),
        _("Category"),
        _("Channel"),
        _("Status"),
        _("Department"),
        _("Handler"),
        _("Next deadline (%(zone)s)", zone=zone),
        _("Reply due (%(zone)s)", zone=zone),
        _("Complainant"),
        _("Phone"),
        _("Email"),
        _("Address"),
        _("Description"),
    ]


def _local(moment: dt.datetime | None, zone: str) -> dt.datetime | None:
    return deadlines.to_local(moment, zone).replace(tzinfo=None) if moment else None


def row(case: Case, seen_by: privacy.Reader, zone: str) -> list[object]:
    """One case as the reader may see it: details masked without the right or a reveal."""
    who = seen_by.contact(case)
    return [
        case.number,
        _local(case.created_at, zone),
        labels.label(case.kind),
        case.category.name if case.category else "",
        labels.label(case.channel),
        labels.label(case.status),
        case.department.name if case.department else "",
        case.handler.name if case.handler else "",
        _local(case.next_due_at, zone),
        _local(case.reply_due_at, zone),
        who.name,
        who.phone,
        who.email,
        who.address,
        seen_by.redact(case.description, case),
    ]


def cut_note(fmt: str) -> str:
    """The last line of an export cut at the most it holds."""
    if fmt == "xlsx":
        return _(
            "Only the first %(most)s cases are in this workbook; the CSV holds up to "
            "%(csv)s, or narrow the filters for the rest.",
            most=f"{case_exports.most(fmt):,}",
            csv=f"{case_exports.most('csv'):,}",
        )
    return _(
        "Only the first %(most)s cases are in this file; narrow the filters for the rest.",
        most=f"{case_exports.most(fmt):,}",
    )


def _queue_pages(filters: caseq.Filters, viewer: User) -> case_exports.Pages:
    return lambda cursor, n: caseq.list_cases(filters, cursor, n, viewer=viewer)


def _search_pages(query: str, filters: caseq.Filters, viewer: User) -> case_exports.Pages:
    def pages(cursor: str, n: int) -> tuple[list[Case], str | None]:
        page = casesearch.search(query, filters, viewer, cursor, n)
        return page.cases, page.next_cursor

    return pages


def _download(list_name: str, fmt: str, total: int, pages_of) -> Response:
    """Record the export and send it; ``pages_of(viewer)`` reads the list for a viewer."""
    user = current_user._get_current_object()
    limit = case_exports.most(fmt)
    cut = total > limit
    case_exports.record(
        user,
        "cases",
        {
            "list": list_name,
            "format": fmt,
            "filters": export_args(),
            "rows": min(total, limit),
            "cut": cut,
        },
    )
    zone, stamp = g.tenant.timezone, deadlines.local_today(utcnow(), g.tenant.timezone)
    filename = f"{g.tenant.slug}-{list_name}-{stamp.isoformat()}.{fmt}"
    note = [[cut_note(fmt)]] if cut else []
    if fmt == "xlsx":
        seen_by = reader()
        rows = (
            row(c, seen_by, zone)
            for cases in case_exports.batches(pages_of(user), limit)
            for c in cases
        )
        sheet = exports.Sheet(_("Case list"), header(), itertools.chain(rows, note), WIDTHS)
        return exports.xlsx_download(filename, [sheet])
    viewer_id = user.id

    def chunks() -> Iterator[Sequence[Sequence[object]]]:
        # In the stream's own context: the viewer and their reader read afresh.
        viewer = db.session.get(User, viewer_id)
        seen_by = privacy.Reader(viewer)
        for cases in case_exports.batches(pages_of(viewer), limit):
            yield [row(c, seen_by, zone) for c in cases]
        yield note

    return exports.csv_download(filename, header(), chunks)


def _queue_export(fmt: str) -> Response:
    form = QueueFilter(request.args)
    filters = queue_filters(form)
    filters.number = request.args.get("q", "")
    total = caseq.count_cases(
        filters, case_exports.most(fmt), viewer=current_user._get_current_object()
    )
    return _download("queue", fmt, total, lambda viewer: _queue_pages(filters, viewer))


def _search_export(fmt: str) -> Response:
    form = SearchForm(request.args)
    filters = queue_filters(form, status="all")
    query = (form.q.data or "").strip()
    back = redirect(url_for("cases.search", **export_args()), 303)
    if not query or not form.q.validate(form):
        return back  # the search page says what is wrong with the query
    try:
        total = casesearch.count(
            query, filters, current_user._get_current_object(), case_exports.most(fmt)
        )
    except searchtext.BadQuery:
        return back
    return _download("search", fmt, total, lambda viewer: _search_pages(query, filters, viewer))


@bp.get("/queue.csv")
@staff_required(*STAFF)
def queue_csv():
    """The queue with its filters as CSV (UTF-8 with a BOM, so Excel reads Chinese)."""
    return _queue_export("csv")


@bp.get("/queue.xlsx")
@staff_required(*STAFF)
def queue_xlsx():
    """The queue with its filters as an Excel workbook."""
    return _queue_export("xlsx")


@bp.get("/search.csv")
@staff_required(*STAFF)
def search_csv():
    """The search's results as CSV, in their ranked order."""
    return _search_export("csv")


@bp.get("/search.xlsx")
@staff_required(*STAFF)
def search_xlsx():
    """The search's results as an Excel workbook."""
    return _search_export("xlsx")
