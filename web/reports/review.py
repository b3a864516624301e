"""The daily review page (CITY-7): the last three days of intake, each signed "reviewed".

Thin: the days, their counts and cases come from :mod:`casework.review`, which also keeps
the rule of one sign-off per tenant and day. "More" of one day is the same rows partial,
fetched by htmx (or as the whole page, with that day continued, without it).
"""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casework import queue as caseq
from casework import review
from tenants.db import utcnow

from ..forms import query_id
from ..htmx import render
from ..tenancy import staff_required
from ..transaction import Refused, attempt
from . import bp
from .review_forms import SignForm


@bp.app_template_global("may_review")
def may_review(user) -> bool:
    """Whether the desk's menu offers the daily review: the tenant's reviewers only."""
    return bool(user.is_authenticated) and review.may_review(user)


def _reviewer():
    user = current_user._get_current_object()
    if not review.may_review(user):
        abort(403, _("Your role does not sign the daily review."))
    return user


def _day(value: str | None) -> dt.date | None:
    """A day of the window from the query string, or None; anything else is a 400."""
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        abort(400, _("Give the day as YYYY-MM-DD."))
    return day


def _cursor(value: str | None) -> review.Cursor | None:
    """(bucket, id) from "bucket.id"; anything else is a 400, never a database error."""
    if not value:
        return None
    bucket, _dot, last = value.partition(".")
    if bucket not in {str(b) for b in range(4)} or query_id(last) is None:
        abort(400, _("This page address is not valid."))
    return int(bucket), int(last)


def _rows(user, day: dt.date, after: review.Cursor | None, now: dt.datetime) -> dict:
    cases, more = review.cases(user, day, after, now)
    next_url = None
    if more is not None:
        next_url = url_for("reports.review", day=day.isoformat(), after=f"{more[0]}.{more[1]}")
    return {"day": day, "rows": cases, "next_url": next_url}


def _page(
    forms: dict[dt.date, SignForm] | None = None, status: int = 200, refusal: str | None = None
):
    user = _reviewer()
    now = utcnow()
    days = review.window(g.tenant, now)
    asked, after = _day(request.args.get("day")), _cursor(request.args.get("after"))
    if asked is not None and asked not in days:
        abort(404)
    # "More" of one day: its next rows (the fragment), or the page with that day continued.
    continued = _rows(user, asked, after, now) if asked and after else None
    signed = review.reviews(g.tenant, days)
    forms = forms or {}
    listing = []
    for day in days:
        rows = continued if continued and day == asked else _rows(user, day, None, now)
        form = forms.get(day) or SignForm(formdata=None, day=day)
        for field in (form.day, form.note):  # one form a day: ids of their own for the labels
            field.id = field.label.field_id = f"{field.name}-{day.isoformat()}"
        listing.append(
            {
                **rows,
                "counts": review.counts(user, day, now),
                "signed": signed.get(day),
                "form": form,
            }
        )
    context = {"days": listing, "deadline_state": caseq.deadline_state, "refusal": refusal}
    if continued is not None:
        return render(
            "reports/review.html", "reports/_review_rows.html", status, **context, **continued
        )
    return render("reports/review.html", "reports/_review.html", status, **context)


@bp.get("/review", endpoint="review")
@staff_required()
def review_page():
    """The last three days of intake, repeats, overdue and unresolved first, per day."""
    return _page()


@bp.post("/review/sign")
@staff_required()
def sign():
    """Sign one day reviewed: once per day; a second sign-off is refused with who signed."""
    user = _reviewer()
    form = SignForm()
    refusal = None
    if form.validate_on_submit():
        try:
            done = attempt(
                form, lambda: review.sign(g.tenant, user, form.day.data, form.note.data or "")
            )
        except Refused as exc:
            refusal, done = exc.message, None
        if done is not None:
            flash(_("%(day)s signed as reviewed.", day=form.day.data.isoformat()), "success")
            return redirect(url_for("reports.review"), 303)
    # What is wrong with the day (signed already, not on the page) shows above the days, as
    # the day's own box may show its sign-off rather than the form; a note's error stays on it.
    errors = [str(e) for e in (*form.day.errors, *form.form_errors)]
    refusal = refusal or (errors[0] if errors else None)
    day = form.day.data if isinstance(form.day.data, dt.date) else None
    if day is None or day not in review.window(g.tenant):
        return _page({}, 422, refusal or _("Choose a day of the page."))
    return _page({day: form}, 422, refusal)
