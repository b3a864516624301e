"""Desk views: thin, each resolves the case, calls one domain verb and renders."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from casework import access, operations, policy, routing, stages
from casework import queue as caseq
from casework.models import Attachment, CaseEvent, Revisit
from casework.states import Action, Channel, Stage, Status, allowed_actions
from tenants.db import db, utcnow
from tenants.models import Role

from ..forms import MAX_ID, choices
from ..htmx import is_htmx, render
from ..i18n import CHANNEL_LABELS
from ..letters import letter_response
from ..tenancy import staff_required
from ..transaction import Refused, attempt
from . import bp
from .forms import (
    ContactForm,
    DecideExtensionForm,
    DispatchForm,
    ExtendForm,
    NoteForm,
    OversightForm,
    PauseForm,
    QueueFilter,
    RectifiedForm,
    RectifyForm,
    RepeatForm,
    ResultForm,
    ResumeForm,
    RevisitForm,
    SendResultForm,
    SpecialMeasuresForm,
)

STAFF = tuple(Role)
FORMS = {
    Action.DISPATCH: DispatchForm,
    Action.NOTE: NoteForm,
    Action.CONTACT: ContactForm,
    Action.RESULT: ResultForm,
    Action.SEND_RESULT: SendResultForm,
    Action.REVISIT: RevisitForm,
    Action.EXTEND: ExtendForm,
    Action.DECIDE_EXTENSION: DecideExtensionForm,
    Action.URGE: OversightForm,
    Action.SUPERVISE: OversightForm,
    Action.PAUSE: PauseForm,
    Action.RESUME: ResumeForm,
    Action.MARK_REPEAT: RepeatForm,
    Action.SPECIAL_MEASURES: SpecialMeasuresForm,
    Action.ORDER_RECTIFICATION: RectifyForm,
    Action.RECTIFIED: RectifiedForm,
}
# Actions beside the main line of work: folded unless they are the only ones.
SIDE_ACTIONS = {
    Action.DISPATCH,
    Action.EXTEND,
    Action.DECIDE_EXTENSION,
    Action.URGE,
    Action.SUPERVISE,
    Action.MARK_REPEAT,
    Action.ORDER_RECTIFICATION,
}


ACTION_TITLES = {
    Action.DISPATCH.value: _l("Dispatch"),
    Action.NOTE.value: _l("Investigation note"),
    Action.CONTACT.value: _l("Contact with the complainant"),
    Action.RESULT.value: _l("Result and remedy"),
    Action.SEND_RESULT.value: _l("Send the result to the complainant"),
    Action.REVISIT.value: _l("Revisit"),
    Action.EXTEND.value: _l("Ask for more time"),
    Action.DECIDE_EXTENSION.value: _l("Decide the extension request"),
    Action.URGE.value: _l("Urge the handler"),
    Action.SUPERVISE.value: _l("Put under supervision"),
    Action.PAUSE.value: _l("Stop the clocks: waiting for the complainant"),
    Action.RESUME.value: _l("Restart the clocks"),
    Action.MARK_REPEAT.value: _l("Mark as a repeat complaint"),
    Action.SPECIAL_MEASURES.value: _l("Special measures"),
    Action.ORDER_RECTIFICATION.value: _l("Order rectification"),
    Action.RECTIFIED.value: _l("Report the rectification done"),
}


def _int(value: str | None) -> int | None:
    """A positive id from a query string, or None for anything else."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


@bp.get("/")
@staff_required(*STAFF)
def queue():
    """The queue (案件队列) with filters and keyset pagination."""
    form = QueueFilter(request.args)
    any_ = [("", _("Any"))]
    form.status.choices = choices(
        [("open", _("Open")), ("all", _("All"))]
        + [(s.value, operations.status_label(s)) for s in Status]
    )
    form.category.choices = choices(
        any_ + [(str(c.id), c.name) for c in routing.categories(g.tenant)]
    )
    form.department.choices = choices(any_ + [(str(d.id), d.name) for d in routing.departments()])
    channels = g.tenant.setting("channels", [c.value for c in Channel])
    form.channel.choices = choices(any_ + [(c, CHANNEL_LABELS[Channel(c)]) for c in channels])
    filters = caseq.Filters(
        status=request.args.get("status", "open"),
        category_id=_int(request.args.get("category")),
        department_id=_int(request.args.get("department")),
        channel=request.args.get("channel", "") if request.args.get("channel") in channels else "",
        due=request.args.get("due", ""),
        handler_id=current_user.id if request.args.get("mine") else None,
        number=request.args.get("q", ""),
    )
    cases, next_cursor = caseq.list_cases(filters, request.args.get("after", ""))
    args = {k: v for k, v in request.args.items() if k != "after" and v}
    template = "cases/_rows.html" if request.args.get("after") else "cases/_queue.html"
    return render(
        "cases/queue.html",
        template,
        form=form,
        cases=cases,
        next_url=url_for("cases.queue", after=next_cursor, **args) if next_cursor else None,
        deadline_state=caseq.deadline_state,
    )


def _case_context(case, forms: dict | None = None) -> dict:
    pending = operations.pending_extension(case)
    hidden = {Action.EXTEND} if pending else {Action.DECIDE_EXTENSION}
    if case.under_supervision:
        hidden.add(Action.SUPERVISE)
    hidden.add(Action.PAUSE if case.paused_at else Action.RESUME)
    if case.repeat_of_id is not None:
        hidden.add(Action.MARK_REPEAT)
    deadlines = stages.of_case(case)
    special_measures = next(
        (d for d in deadlines if d.stage == Stage.SPECIAL_MEASURES and d.done_at is None), None
    )
    if special_measures is None:
        hidden.add(Action.SPECIAL_MEASURES)
    rectifications = operations.rectifications(case)
    rectification = next((r for r in rectifications if r.done_at is None), None)
    hidden.add(Action.RECTIFIED if rectification is None else Action.ORDER_RECTIFICATION)
    actions = [a for a in allowed_actions(case.status, current_user.role) if a not in hidden]
    submitted = dict(forms or {})
    forms = {a: submitted.get(a) or FORMS[a](formdata=None, prefix=a.value) for a in actions}
    if Action.DISPATCH in forms:
        _fill_dispatch(forms[Action.DISPATCH], case, prefill=Action.DISPATCH not in submitted)
    if Action.ORDER_RECTIFICATION in forms:
        _fill_rectify(forms[Action.ORDER_RECTIFICATION], case)
    events = db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    ).all()
    attachments = db.session.scalars(
        sa.select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.id)
    ).all()
    revisits = db.session.scalars(
        sa.select(Revisit).where(Revisit.case_id == case.id).order_by(Revisit.id)
    ).all()
    # The step that moves the case on is open; the others are a click away.
    primary = next((a for a in actions if a not in SIDE_ACTIONS), next(iter(actions), None))
    return {
        "case": case,
        "pending_extension": pending,
        "extension_limit": policy.extension_limit(g.tenant, case),
        "special_measures": special_measures,
        "rectification": rectification,
        "rectifications": rectifications,
        "primary": primary,
        "action_titles": ACTION_TITLES,
        "forms": forms,
        "actions": actions,
        "events": events,
        "attachments": attachments,
        "revisits": revisits,
        "suggested": routing.suggest_department(case),
        "letter": access.get_letter(case, "ack"),
        "deadlines": deadlines,
        "now": utcnow(),
        "deadline_state": caseq.deadline_state(case),
        "Action": Action,
    }


def _fill_dispatch(form: DispatchForm, case, prefill: bool) -> None:
    form.department_id.choices = choices((d.id, d.name) for d in routing.departments())
    if prefill and form.department_id.data is None:
        suggested = case.department or routing.suggest_department(case)
        form.department_id.data = suggested.id if suggested else None
    if prefill and form.handler_id.data is None and case.handler_id:
        form.handler_id.data = case.handler_id
    handlers = routing.assignable_handlers(form.department_id.data)
    form.handler_id.choices = choices(
        [(0, _("— choose later —"))] + [(u.id, u.name) for u in handlers]
    )


def _fill_rectify(form: RectifyForm, case) -> None:
    form.department_id.choices = choices((d.id, d.name) for d in routing.departments())
    if form.department_id.data is None and case.department_id:
        form.department_id.data = case.department_id


@bp.get("/cases/<int:case_id>")
@staff_required(*STAFF)
def show(case_id: int):
    """The case page: details, deadline, actions for the user's role and the full timeline."""
    case = access.get_case(case_id)
    return render("cases/case.html", "cases/_case.html", **_case_context(case))


@bp.post("/cases/<int:case_id>/<action>")
@staff_required(*STAFF)
def act(case_id: int, action: str):
    """Take one action on a case; errors come back on the form, in the user's language."""
    try:
        verb = Action(action)
    except ValueError:
        abort(404)
    case = access.get_case(case_id)
    form = FORMS[verb](prefix=verb.value)
    if verb is Action.DISPATCH:
        _fill_dispatch(form, case, prefill=False)
    elif verb is Action.ORDER_RECTIFICATION:
        _fill_rectify(form, case)
    refusal = None
    if form.validate_on_submit():
        try:
            done = attempt(form, lambda: _perform(verb, case, form) or True)
        except Refused as exc:  # a refused transition or role: said above the case
            done, refusal = None, exc.message
        if done:
            flash(_("Saved."), "success")
            if is_htmx():
                case = access.get_case(case_id)
                return render("cases/case.html", "cases/_case.html", **_case_context(case))
            return redirect(url_for("cases.show", case_id=case_id), 303)
    case = access.get_case(case_id)
    context = _case_context(
        case, {verb: form} if verb in allowed_actions(case.status, current_user.role) else {}
    )
    return render("cases/case.html", "cases/_case.html", status=422, refusal=refusal, **context)


def _perform(verb: Action, case, form) -> None:
    user = current_user._get_current_object()
    if verb is Action.DISPATCH:
        operations.dispatch_case(
            case, user, form.department_id.data, form.handler_id.data or None, form.note.data or ""
        )
    elif verb is Action.NOTE:
        operations.add_note(case, user, form.body.data or "", form.public.data)
    elif verb is Action.CONTACT:
        operations.record_contact(case, user, form.method.data, form.body.data or "")
    elif verb is Action.RESULT:
        operations.record_result(case, user, form.result.data or "", form.remedy.data or "")
    elif verb is Action.SEND_RESULT:
        operations.send_result(case, user)
    elif verb is Action.EXTEND:
        operations.request_extension(case, user, form.days.data, form.reason.data or "")
    elif verb is Action.DECIDE_EXTENSION:
        operations.decide_extension(
            case, user, form.decision.data == "approve", form.note.data or ""
        )
    elif verb is Action.URGE:
        operations.urge_case(case, user, form.note.data or "")
    elif verb is Action.SUPERVISE:
        operations.supervise_case(case, user, form.note.data or "")
    elif verb is Action.PAUSE:
        operations.pause_case(case, user, form.reason.data or "")
    elif verb is Action.RESUME:
        operations.resume_case(case, user)
    elif verb is Action.MARK_REPEAT:
        operations.mark_repeat(
            case, user, form.earlier.data or "", form.defect.data, form.note.data or ""
        )
    elif verb is Action.SPECIAL_MEASURES:
        operations.record_special_measures(case, user, form.measures.data or "")
    elif verb is Action.ORDER_RECTIFICATION:
        operations.order_rectification(
            case, user, form.department_id.data, form.instructions.data or ""
        )
    elif verb is Action.RECTIFIED:
        operations.complete_rectification(case, user, form.report.data or "")
    elif verb is Action.REVISIT:
        reached = form.reached.data == "yes"
        score = int(form.satisfaction.data) if form.satisfaction.data else None
        operations.record_revisit(
            case, user, form.method.data, reached, score, form.comments.data or ""
        )


@bp.get("/cases/<int:case_id>/handlers")
@staff_required(*STAFF)
def handler_options(case_id: int):
    """The handler choices of a department, for the dispatch form (htmx)."""
    access.get_case(case_id)
    handlers = routing.assignable_handlers(_int(request.args.get("dispatch-department_id")))
    return render_template("cases/_handler_options.html", handlers=handlers)


@bp.get("/cases/<int:case_id>/letter.pdf")
@staff_required(*STAFF)
def letter(case_id: int):
    """The acknowledgement letter of the case."""
    return letter_response(access.get_case(case_id), "ack")


@bp.get("/cases/<int:case_id>/attachments/<int:attachment_id>")
@staff_required(*STAFF)
def attachment(case_id: int, attachment_id: int):
    """Download an attachment; always as a download, never rendered inline."""
    case = access.get_case(case_id)
    att = db.session.scalars(
        sa.select(Attachment).where(Attachment.id == attachment_id, Attachment.case_id == case.id)
    ).one_or_none()
    if att is None:
        abort(404)
    response = send_file(
        io.BytesIO(att.data),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=att.filename,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
