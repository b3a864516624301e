"""The dispatch board (派单台, CITY-4): the cases waiting for dispatch with their clocks, each
dispatched from its row, and below them the field work whose handler is not on the scene yet;
the board polls every few seconds, so new cases appear and dispatched ones go without a
reload.

Rows carry ``hx-preserve``: a poll adds the new rows and drops the dispatched ones but leaves
a row already shown as it is, so a dispatcher choosing a unit is never interrupted. Its
clock counts down in the browser (``static/js/board.js``) from the seconds the server gave.
"""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired

from casework import access, board, routing
from casework.models import Case
from casework.operations import dispatch
from casework.states import Action
from casework.transitions import TRANSITIONS
from tenants.db import utcnow
from tenants.models import Role

from ..forms import choices, coerce_id
from ..htmx import is_htmx, render
from ..tenancy import staff_required
from ..transaction import Refused, attempt
from . import bp

# Who may dispatch, and so open the board: the dispatch transition's roles, in one place.
DISPATCHERS = tuple(r for r in Role if r in TRANSITIONS[Action.DISPATCH].roles)
POLL_SECONDS = 5


class BoardDispatchForm(FlaskForm):
    """Dispatch from the board: the unit, the suggested one chosen already."""

    department_id = SelectField(_l("Dispatch to"), coerce=coerce_id, validators=[InputRequired()])


def _form(case: Case, suggested_id: int | None, *, submitted: bool) -> BoardDispatchForm:
    prefix = f"case{case.id}"
    form = (
        BoardDispatchForm(prefix=prefix)
        if submitted
        else BoardDispatchForm(formdata=None, prefix=prefix, department_id=suggested_id)
    )
    form.department_id.choices = choices(
        [(0, _("— choose a unit —"))]
        + [(d.id, d.name) for d in routing.department_entries(case.tenant) if d.active]
    )
    return form


def countdown(seconds: float) -> str:
    """A clock's time as the board shows it (the same as board.js): d h:mm:ss, or m:ss."""
    whole = int(abs(seconds))
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}:{minutes:02d}:{secs:02d}"
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def _row(item: board.Waiting, now: dt.datetime, form: BoardDispatchForm | None = None) -> dict:
    remaining = (item.due_at - now).total_seconds() if item.due_at is not None else None
    suggested = item.suggested.id if item.suggested is not None else None
    return {
        "item": item,
        "case": item.case,
        "remaining": remaining,
        "clock": countdown(remaining) if remaining is not None else "",
        "form": form or _form(item.case, suggested, submitted=False),
    }


def _clock(item: board.Arriving, remaining: float) -> tuple[board.Arriving, float, str]:
    return item, remaining, countdown(remaining)


def _rows_context() -> dict:
    viewer = current_user._get_current_object()
    items, more = board.waiting(viewer)
    arriving, more_arriving = board.awaiting_arrival(viewer)
    now = utcnow()
    return {
        "rows": [_row(i, now) for i in items],
        "more": more,
        "limit": board.BOARD_SIZE,
        "arriving": [_clock(a, (a.due_at - now).total_seconds()) for a in arriving],
        "more_arriving": more_arriving,
    }


@bp.get("/board")
@staff_required(*DISPATCHERS)
def dispatch_board():
    """The dispatch board: full page, or its live part alone for the poll (htmx)."""
    return render(
        "cases/board.html", "cases/_board_live.html", poll=POLL_SECONDS, **_rows_context()
    )


@bp.post("/board/<int:case_id>/dispatch")
@staff_required(*DISPATCHERS)
def board_dispatch(case_id: int):
    """Dispatch one waiting case from its row; the row says the outcome, errors included."""
    user = current_user._get_current_object()
    case = access.get_case(case_id, viewer=user)  # outside sight or another tenant's: 404
    form = _form(case, None, submitted=True)
    refusal = None
    if form.validate_on_submit():
        if not form.department_id.data:
            form.department_id.errors = [_("Choose a unit to dispatch to.")]
        else:
            try:
                done = attempt(
                    form,
                    lambda: dispatch.dispatch_waiting(case, user, form.department_id.data),
                )
            except Refused as exc:
                done, refusal = None, exc.message
            if done is not None:
                unit = case.department.name if case.department else ""
                message = _("%(number)s dispatched to %(unit)s.", number=case.number, unit=unit)
                if is_htmx():
                    return render(
                        "cases/board.html", "cases/_board_done.html", case=case, message=message
                    )
                flash(message, "success")
                return redirect(url_for("cases.dispatch_board"), 303)
    case = access.get_case(case_id, viewer=user)  # read afresh after a rollback
    rows = _rows_context()
    found = next((r for r in rows["rows"] if r["case"].id == case.id), None)
    if found is None:  # dispatched meanwhile (or never waiting): said on the row, no form
        item = board.Waiting(case, None, None, None, frozenset())
        row = {**_row(item, utcnow(), form), "gone": True}
        refusal = refusal or _("This case has been dispatched already.")
    else:
        row = {**found, "form": form}
    if is_htmx():
        return render(
            "cases/board.html", "cases/_board_row.html", status=422, refusal=refusal, **row
        )
    rows["rows"] = [row] + [r for r in rows["rows"] if r["case"].id != case.id]
    return render(
        "cases/board.html",
        "cases/_board_live.html",
        status=422,
        refusal=refusal,
        refused_id=case.id,
        poll=POLL_SECONDS,
        **rows,
    )
