"""The desk's search page: one box for every member of staff, results within their sight,
ranked, keyset-paginated, with the queue's filters; the rows are the queue's own partial."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casework import queue as caseq
from casework import search as casesearch
from casework import searchtext

from ..htmx import render
from ..tenancy import staff_required
from . import bp
from .forms import SearchForm
from .views import STAFF, export_args, queue_filters


def refusal(reason: str) -> str:
    """Why a query cannot be searched, in the user's language."""
    if reason == "too_long":
        return _("Search for at most %(max)d characters.", max=searchtext.MAX_QUERY)
    if reason == "too_many":
        return _("Search for at most %(count)d words at once.", count=searchtext.MAX_TERMS)
    return _("Each word needs at least 3 letters, 4 digits or 2 Chinese characters.")


@bp.get("/search")
@staff_required(*STAFF)
def search():
    """Search (搜索): an empty box shows the form and reads no case."""
    form = SearchForm(request.args)
    filters = queue_filters(form, status="all")
    query = (form.q.data or "").strip()
    page, error = None, None
    if query and form.q.validate(form):
        try:
            page = casesearch.search(
                query,
                filters,
                current_user._get_current_object(),
                request.args.get("after", ""),
            )
        except searchtext.BadQuery as exc:
            error = refusal(exc.reason)
    args = {k: v for k, v in request.args.items() if k != "after" and v}
    next_url = None
    if page is not None and page.next_cursor:
        next_url = url_for("cases.search", after=page.next_cursor, **args)
    more = bool(request.args.get("after")) and page is not None
    return render(
        "cases/search.html",
        "cases/_rows.html" if more else "cases/_search.html",
        form=form,
        query=query,
        error=error,
        searched=page is not None,
        cases=page.cases if page is not None else [],
        next_url=next_url,
        deadline_state=caseq.deadline_state,
        export_args=export_args(),
    )
