"""Watches of important repairs (PROP-11) on the desk: the panel on the case page that starts
one, the watch list (the next inspection due first) and the page of one watch, where each
inspection is recorded and the watch is closed. Thin views over casework.operations.watches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from casework import access, deadlines
from casework import revisit_queue as rq
from casework import watch_list as wl
from casework.models import Case, RepairWatch
from casework.operations import watches
from tenants.db import utcnow
from tenants.models import User

from ..forms import choices
from ..htmx import render
from ..tenancy import staff_required
from ..transaction import Refused, attempt
from . import bp
from .views import REVISITORS
from .watch_forms import CloseWatchForm, InspectForm, WatchForm


def _user() -> User:
    return current_user._get_current_object()


def _watch(watch_id: int) -> RepairWatch:
    return watches.get_watch(watch_id, access.sight(_user()))


def _today():
    return deadlines.local_today(utcnow(), g.tenant.timezone)


def _watch_form(submitted: WatchForm | None = None) -> WatchForm:
    form = submitted or WatchForm(formdata=None, prefix="watch")
    form.inspector_id.choices = choices([(u.id, u.name) for u in rq.revisitors()])
    if submitted is None:
        form.inspector_id.data = _user().id
    return form


@bp.app_template_global("watch_panel")
def watch_panel(case: Case) -> dict[str, Any] | None:
    """For the case page: None unless the viewer may watch; else the case's open watch, or
    the form that starts one."""
    user = _user()
    if not (user.is_authenticated and user.has_role(*REVISITORS)):
        return None
    found = watches.open_watch(case)
    return {"watch": found, "form": None if found else _watch_form(), "today": _today()}


@bp.post("/cases/<int:case_id>/watch")
@staff_required(*REVISITORS)
def start_watch(case_id: int):
    """Put the case's repair under watch; to the watch's page, or back with the errors."""
    case = access.get_case(case_id, viewer=_user())
    form = _watch_form(WatchForm(prefix="watch"))
    if form.validate_on_submit():
        inspector = next((u for u in rq.revisitors() if u.id == form.inspector_id.data), None)
        try:
            watch = attempt(
                form,
                lambda: watches.start_watch(
                    case, _user(), inspector, form.interval_days.data, form.subject.data or ""
                ),
            )
        except Refused as exc:
            flash(exc.message, "danger")
            return redirect(url_for("cases.show", case_id=case_id), 303)
        if watch is not None:
            flash(_("Saved."), "success")
            return redirect(url_for("revisits.watch", watch_id=watch.id), 303)
    errors = [e for f in form for e in f.errors] + list(form.form_errors)
    for error in errors:
        flash(f"{_('Put under watch')}：{error}", "danger")
    return redirect(url_for("cases.show", case_id=case_id), 303)


@bp.get("/watches")
@staff_required(*REVISITORS)
def watch_list():
    """The open watches, the next inspection due first: mine or everyone's."""
    who = request.args.get("who", "all")
    who = who if who in wl.WHO else "all"
    after = request.args.get("after", "")
    rows, next_cursor = wl.list_watches(_user(), who, after)
    template = "revisits/_watch_rows.html" if after else "revisits/_watches.html"
    return render(
        "revisits/watches.html",
        template,
        watches=rows,
        who=who,
        today=_today(),
        next_url=url_for("revisits.watch_list", who=who, after=next_cursor)
        if next_cursor
        else None,
    )


def _page(watch: RepairWatch, status: int = 200, submitted: dict[str, FlaskForm] | None = None):
    submitted = submitted or {}
    inspect = submitted.get("inspect") or InspectForm(formdata=None, prefix="inspect")
    if "inspect" not in submitted:
        inspect.inspected_on.data = _today()
    return render(
        "revisits/watch.html",
        "revisits/_watch.html",
        status,
        watch=watch,
        case=watch.case,
        inspections=watches.inspections(watch),
        inspect_form=inspect,
        close_form=submitted.get("close") or CloseWatchForm(formdata=None, prefix="close"),
        today=_today(),
    )


@bp.get("/watches/<int:watch_id>")
@staff_required(*REVISITORS)
def watch(watch_id: int):
    """One watch: the repair, the inspector, every inspection, the next one due."""
    return _page(_watch(watch_id))


def _act(watch_id: int, name: str, form: FlaskForm, call: Callable[[RepairWatch], object]):
    watch_row = _watch(watch_id)
    if form.validate_on_submit():
        try:
            done = attempt(form, lambda: call(watch_row) or True)
        except Refused as exc:
            form.form_errors.append(exc.message)
            done = None
        if done:
            flash(_("Saved."), "success")
            return redirect(url_for("revisits.watch", watch_id=watch_id), 303)
    return _page(_watch(watch_id), 422, {name: form})


@bp.post("/watches/<int:watch_id>/inspect")
@staff_required(*REVISITORS)
def inspect(watch_id: int):
    """Record an inspection of the watched repair."""
    form = InspectForm(prefix="inspect")
    return _act(
        watch_id,
        "inspect",
        form,
        lambda w: watches.record_inspection(
            w, _user(), form.inspected_on.data, form.finding.data or "", form.note.data or ""
        ),
    )


@bp.post("/watches/<int:watch_id>/close")
@staff_required(*REVISITORS)
def close_watch(watch_id: int):
    """Close the watch, with its reason."""
    form = CloseWatchForm(prefix="close")
    return _act(
        watch_id, "close", form, lambda w: watches.close_watch(w, _user(), form.reason.data or "")
    )
