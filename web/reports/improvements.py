"""Improvement actions' desk pages (改进措施, PROP-8, MALL-8, HOSP-10): the list, the form
that opens one from a dashboard figure or the queue's filters, one action's page with its
history and its effect (the group's count before and after it was opened).

Thin: rights, rules and counts are :mod:`casework.operations.improvements`'s. The group an
action came from travels as the queue's own query parameters, so the form's address is the
figure's drill-down with ``/improvements/new`` in place of the queue.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from casework import deadlines, routing
from casework.models import ImprovementAction
from casework.operations import improvements as imp
from casework.stats import effect
from casework.stats import scope as stats_scope
from tenants.db import utcnow
from tenants.models import Role, User

from ..forms import choices
from ..htmx import render
from ..tenancy import staff_required
from ..transaction import Refused, attempt
from . import bp
from .improvement_forms import ActionForm, CancelForm, CompleteForm

STAFF = tuple(Role)
MANAGERS = stats_scope.READERS  # who opens, changes and cancels actions
STATUS_LABELS = {imp.OPEN: _l("Open"), imp.DONE: _l("Done"), imp.CANCELLED: _l("Cancelled")}
EVENT_LABELS = {
    "opened": _l("Opened"),
    "updated": _l("Changed"),
    "done": _l("Marked done"),
    "cancelled": _l("Cancelled"),
    "reminder": _l("Owner reminded before the due day"),
    "overdue": _l("Overdue: owner and opener told"),
}


@bp.app_template_global("improvement_status")
def improvement_status(status: str) -> str:
    """An action's status in the user's language."""
    return str(STATUS_LABELS.get(status, status))


@bp.app_template_global("improvement_event")
def improvement_event(kind: str) -> str:
    """One line of an action's history in the user's language."""
    return str(EVENT_LABELS.get(kind, kind))


def _user() -> User:
    return current_user._get_current_object()


def _manager() -> User:
    user = _user()
    if not imp.may_manage(user):
        abort(403, _("Your role does not open improvement actions."))
    return user


def _today():
    return deadlines.local_today(utcnow(), g.tenant.timezone)


@bp.app_template_global("improvement_link")
def improvement_link(queue_url: str, source: str = "") -> str | None:
    """The "open an improvement action" address for a queue link's group, or None for
    someone who may not open one."""
    if not imp.may_manage(_user()):
        return None
    query = queue_url.partition("?")[2]
    base = url_for("reports.new_improvement", source=source) if source else None
    base = base or url_for("reports.new_improvement")
    return base + (("&" if "?" in base else "?") + query if query else "")


def _filters() -> dict[str, str]:
    return imp.clean_filters(request.args.to_dict())


def _action_form(submitted: ActionForm | None = None, action: ImprovementAction | None = None):
    form = submitted or ActionForm(formdata=None, obj=action)
    form.owner_id.choices = choices([(u.id, u.name) for u in imp.owners()])
    form.department_id.choices = choices(
        [(0, _("None"))] + [(d.id, d.name) for d in routing.department_entries(g.tenant)]
    )
    if submitted is None and action is None:
        form.owner_id.data = _user().id
        form.department_id.data = int(_filters().get("department", 0) or 0)
    return form


def _edit_form(action: ImprovementAction) -> ActionForm:
    form = _action_form(action=action)
    del form.department_id
    return form


def _new_page(form: ActionForm, status: int = 200):
    return render(
        "reports/improvement_new.html",
        "reports/_improvement_new.html",
        status,
        form=form,
        group=_filters(),
        source=request.args.get("source", "")[:200],
        queue_url=url_for("cases.queue", **_filters()),
    )


@bp.get("/improvements")
@staff_required(*STAFF)
def improvements():
    """The actions the user sees (theirs as owner, or their unit's), open ones first."""
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() else 1
    rows, more = imp.list_actions(_user(), page)
    return render(
        "reports/improvements.html",
        "reports/_improvements.html",
        actions=rows,
        today=_today(),
        page_number=page,
        next_url=url_for("reports.improvements", page=page + 1) if more else None,
        prev_url=url_for("reports.improvements", page=page - 1) if page > 1 else None,
        may_open=imp.may_manage(_user()),
    )


@bp.get("/improvements/new")
@staff_required(*MANAGERS)
def new_improvement():
    """The form, carrying the group of cases it came from in its address."""
    _manager()
    return _new_page(_action_form())


@bp.post("/improvements/new")
@staff_required(*MANAGERS)
def open_improvement():
    """Open the action; to its page, or the form again with the errors."""
    user = _manager()
    form = _action_form(ActionForm())
    if form.validate_on_submit():
        owner = next((u for u in imp.owners() if u.id == form.owner_id.data), None)
        try:
            action = attempt(
                form,
                lambda: imp.open_action(
                    user,
                    form.title.data or "",
                    owner,
                    form.due_on.data,
                    form.department_id.data or None,
                    _filters(),
                    request.args.get("source", ""),
                ),
            )
        except Refused as exc:
            form.form_errors.append(exc.message)
            action = None
        if action is not None:
            flash(_("Saved."), "success")
            return redirect(url_for("reports.improvement", action_id=action.id), 303)
    return _new_page(form, 422)


def _action(action_id: int) -> ImprovementAction:
    return imp.get_action(action_id, _user())


def _page(action: ImprovementAction, status: int = 200, submitted: dict | None = None):
    submitted = submitted or {}
    user = _user()
    manager = imp.may_manage(user)
    return render(
        "reports/improvement.html",
        "reports/_improvement.html",
        status,
        action=action,
        history=imp.events(action),
        effect=effect.effect(action, user),
        queue_url=url_for("cases.queue", **action.filters) if action.filters else None,
        today=_today(),
        overdue=imp.overdue(action, _today()),
        edit_form=(submitted.get("edit") or _edit_form(action)) if manager else None,
        complete_form=submitted.get("complete") or CompleteForm(formdata=None),
        cancel_form=(submitted.get("cancel") or CancelForm(formdata=None)) if manager else None,
    )


@bp.get("/improvements/<int:action_id>")
@staff_required(*STAFF)
def improvement(action_id: int):
    """One action: what, who, by when, its history and its effect."""
    return _page(_action(action_id))


def _act(action_id: int, name: str, form: FlaskForm, call: Callable[[ImprovementAction], object]):
    action = _action(action_id)
    if form.validate_on_submit():
        try:
            done = attempt(form, lambda: call(action) or True)
        except Refused as exc:
            form.form_errors.append(exc.message)
            done = None
        if done:
            flash(_("Saved."), "success")
            return redirect(url_for("reports.improvement", action_id=action_id), 303)
    return _page(_action(action_id), 422, {name: form})


@bp.post("/improvements/<int:action_id>/edit")
@staff_required(*MANAGERS)
def edit_improvement(action_id: int):
    """Change what, who or by when."""
    _manager()
    form = _action_form(ActionForm())
    del form.department_id  # the department stays the one it was opened for

    def call(action: ImprovementAction):
        owner = next((u for u in imp.owners() if u.id == form.owner_id.data), None)
        return imp.update_action(action, _user(), form.title.data or "", owner, form.due_on.data)

    return _act(action_id, "edit", form, call)


@bp.post("/improvements/<int:action_id>/complete")
@staff_required(*STAFF)
def complete_improvement(action_id: int):
    """Mark the action done, with its outcome (the owner or a manager)."""
    form = CompleteForm()
    return _act(
        action_id,
        "complete",
        form,
        lambda a: imp.complete_action(a, _user(), form.outcome.data or ""),
    )


@bp.post("/improvements/<int:action_id>/cancel")
@staff_required(*MANAGERS)
def cancel_improvement(action_id: int):
    """Drop the action, with the reason."""
    _manager()
    form = CancelForm()
    return _act(
        action_id, "cancel", form, lambda a: imp.cancel_action(a, _user(), form.reason.data or "")
    )
