"""The revisit queue and the page of one revisit: thin views, each calls one verb of
casework.operations.revisits and renders the page (or its fragment, for htmx) again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from casework import (
    access,
    deadlines,
    disclosure,
    privacy,
    queries,
    questionnaire,
    stages,
    survey_links,
)
from casework import revisit_queue as rq
from casework.errors import DomainError
from casework.models import Revisit
from casework.operations import guards, revisit_links, revisit_questions, revisits
from casework.states import Action, CallOutcome, RevisitStatus, Stage
from casework.transitions import TRANSITIONS
from tenants.models import Role, User

from ..cases.forms import RevealForm
from ..forms import choices
from ..htmx import is_htmx, render
from ..privacy import contact, forget, reader
from ..tenancy import staff_required
from ..transaction import Refused, attempt
from . import bp
from .forms import (
    OUTCOMES,
    AnswerForm,
    AskForm,
    AssignForm,
    ByKey,
    QueueFilter,
    SendLinkForm,
    VisitForm,
    call_form,
    given_answers,
)

REVISITORS = tuple(sorted(TRANSITIONS[Action.REVISIT].roles))
MANAGERS = (Role.SUPERVISOR, Role.ADMIN)
DUE_TAGS = {
    "overdue": "tag is-danger",
    "today": "tag is-warning",
    "later": "tag is-success is-light",
}


def _user() -> User:
    return current_user._get_current_object()


@bp.get("/")
@staff_required(*REVISITORS)
def queue():
    """The open revisits, due soonest first (回访队列): mine, nobody's yet, or everyone's."""
    form = QueueFilter(request.args)
    filters = rq.RevisitFilters(
        who=form.who.data if form.who.data in rq.WHO else "all",
        kind=request.args.get("kind", ""),
        method=request.args.get("method", ""),
    )
    rows, next_cursor = rq.list_revisits(filters, _user(), request.args.get("after", ""))
    args = {k: v for k, v in request.args.items() if k != "after" and v}
    template = "revisits/_rows.html" if request.args.get("after") else "revisits/_queue.html"
    tz = g.tenant.timezone
    return render(
        "revisits/queue.html",
        template,
        form=form,
        revisits=rows,
        due_state=lambda r: rq.due_state(r, tz),
        DUE_TAGS=DUE_TAGS,
        next_url=url_for("revisits.queue", after=next_cursor, **args) if next_cursor else None,
    )


def _revisit(revisit_id: int) -> Revisit:
    return rq.get_revisit(revisit_id, _user())


def _staff_choices(empty: str) -> list:
    return choices([(0, empty)] + [(u.id, u.name) for u in rq.revisitors()])


def _forms(revisit: Revisit, submitted: dict[str, FlaskForm]) -> dict[str, Any]:
    """Each form of the page: the one submitted as it came, the others fresh."""
    case = revisit.case
    forms: dict[str, Any] = {
        "call": submitted.get("call")
        or call_form(questionnaire.questions(case.tenant), submitted=False),
        "assign": submitted.get("assign") or AssignForm(formdata=None, prefix="assign"),
        "visit": submitted.get("visit") or VisitForm(formdata=None, prefix="visit"),
        "ask": submitted.get("ask") or AskForm(formdata=None, prefix="ask"),
        "answer": submitted.get("answer") or AnswerForm(formdata=None, prefix="answer"),
        "reveal": submitted.get("reveal")
        or RevealForm(formdata=None, prefix="reveal", page="revisit"),
        "link": submitted.get("link") or SendLinkForm(formdata=None, prefix="link"),
    }
    if "link" not in submitted:
        sent = revisit.link_sent_at
        forms["link"].seen.data = str(survey_links.send_stamp(sent) if sent else 0)
    forms["assign"].revisitor_id.choices = _staff_choices(_("— everyone's queue —"))
    forms["visit"].visitor_id.choices = _staff_choices(_("— choose later —"))
    if "assign" not in submitted:
        forms["assign"].revisitor_id.data = revisit.assignee_id or 0
    if "visit" not in submitted:
        visit = forms["visit"]
        visit.visitor_id.data = revisit.assignee_id or _user().id
        if revisit.visit_address:
            visit.address.data = revisit.visit_address
        elif reader().sees(case):  # the address in full only to who may read it (CO-8)
            visit.address.data = contact(case).address or case.location
        if revisit.visit_at is not None:
            visit.at.data = deadlines.to_local(revisit.visit_at, g.tenant.timezone)
    return forms


def _may_revisit(revisit: Revisit) -> bool:
    try:
        guards.check(revisit.case, _user(), Action.REVISIT)
    except DomainError:
        return False
    return revisit.is_open


def _context(revisit: Revisit, submitted: dict[str, FlaskForm] | None = None) -> dict[str, Any]:
    case = revisit.case
    settings = case.tenant.config.revisiting
    user = _user()
    loop_back = None
    if revisit.status is RevisitStatus.DONE and not revisits.satisfied(revisit):
        loop_back = stages.open_deadline(case, Stage.SPECIAL_MEASURES)
    return {
        "revisit": revisit,
        "case": case,
        "attempts": queries.revisit_attempts(case),
        "forms": _forms(revisit, submitted or {}),
        "OUTCOMES": OUTCOMES,
        "may_revisit": _may_revisit(revisit),
        "is_manager": user.has_role(*MANAGERS),
        "max_attempts": settings.attempts,
        "retry_hours": settings.retry_hours,
        "satisfied": revisit.status is RevisitStatus.DONE and revisits.satisfied(revisit),
        "loop_back": loop_back,
        "revealed": not reader().holds and reader().sees(case),
        "reveal_minutes": privacy.REVEAL_MINUTES,
        "me": user,
        "link_channel": revisit_links.channel(revisit, staff=True) if revisit.is_open else None,
        "link_by_itself": revisit.method in revisit_links.LINK_METHODS,
    }


def _page(
    revisit: Revisit,
    status: int = 200,
    submitted: dict[str, FlaskForm] | None = None,
    refusal: str | None = None,
):
    """The revisit page (or its fragment, for htmx), with a submitted form as it came."""
    context = _context(revisit, submitted)
    return render(
        "revisits/revisit.html", "revisits/_revisit.html", status, refusal=refusal, **context
    )


@bp.get("/<int:revisit_id>")
@staff_required(*REVISITORS)
def show(revisit_id: int):
    """One revisit: the case, the person, the script and the outcome buttons."""
    return _page(_revisit(revisit_id))


def _act(
    revisit_id: int, name: str, form: FlaskForm, call: Callable[[Revisit], object], target=None
):
    """Validate ``form`` and run the verb; back to the page, with the form's errors (422)
    when the input or the change was refused."""
    revisit = _revisit(revisit_id)
    refusal = None
    if form.validate_on_submit():
        try:
            done = attempt(target or form, lambda: call(revisit) or True)
        except Refused as exc:
            done, refusal = None, exc.message
        if done:
            flash(_("Saved."), "success")
            if is_htmx():
                return _page(revisit)
            return redirect(url_for("revisits.show", revisit_id=revisit_id), 303)
    revisit = _revisit(revisit_id)  # read afresh after a rollback
    return _page(revisit, 422, {name: form}, refusal)


@bp.post("/<int:revisit_id>/call")
@staff_required(*REVISITORS)
def call(revisit_id: int):
    """An outcome button: reached records the answers (the loop closes or goes back to
    handling); no answer, a wrong number or a refusal records the attempt."""
    revisit = _revisit(revisit_id)
    form = call_form(questionnaire.questions(revisit.case.tenant), submitted=True)
    outcome = form.outcome.data or ""
    if outcome not in {o.value for o in OUTCOMES}:
        form.form_errors.append(_("Press the button that says how the call went."))

    def perform(r: Revisit) -> object:
        note = form.note.data or ""
        if outcome == CallOutcome.REACHED:
            answers = questionnaire.check_answers(r.case.tenant, given_answers(form))
            return revisits.record_answers(r, _user(), answers, note=note)
        return revisits.record_call(r, _user(), CallOutcome(outcome), note)

    if form.form_errors:
        return _page(revisit, 422, {"call": form})
    return _act(revisit_id, "call", form, perform, target=ByKey(form))


@bp.post("/<int:revisit_id>/assign")
@staff_required(*REVISITORS)
def assign(revisit_id: int):
    """Give the revisit to a revisitor, or back to everyone's queue."""
    form = AssignForm(prefix="assign")
    form.revisitor_id.choices = _staff_choices("")

    def perform(r: Revisit) -> object:
        who = next((u for u in rq.revisitors() if u.id == form.revisitor_id.data), None)
        return revisits.assign(r, _user(), who)

    return _act(revisit_id, "assign", form, perform)


@bp.post("/<int:revisit_id>/visit")
@staff_required(*REVISITORS)
def visit(revisit_id: int):
    """Book a home visit: the time typed is the organisation's local time."""
    form = VisitForm(prefix="visit")
    form.visitor_id.choices = _staff_choices("")

    def perform(r: Revisit) -> object:
        who = next((u for u in rq.revisitors() if u.id == form.visitor_id.data), None)
        at = deadlines.from_local(form.at.data, g.tenant.timezone)
        return revisits.schedule_visit(r, _user(), at, form.address.data or "", who)

    return _act(revisit_id, "visit", form, perform)


@bp.post("/<int:revisit_id>/ask")
@staff_required(*REVISITORS)
def ask(revisit_id: int):
    """A question for management, with the date the person was promised an answer by."""
    form = AskForm(prefix="ask")
    return _act(
        revisit_id,
        "ask",
        form,
        lambda r: revisit_questions.ask_management(
            r, _user(), form.question.data or "", form.answer_by.data
        ),
    )


@bp.post("/<int:revisit_id>/answer")
@staff_required(*REVISITORS)
def answer(revisit_id: int):
    """Management's answer to the question the revisit raised."""
    form = AnswerForm(prefix="answer")
    return _act(
        revisit_id,
        "answer",
        form,
        lambda r: revisit_questions.answer_question(r, _user(), form.answer.data or ""),
    )


@bp.post("/<int:revisit_id>/send-link")
@staff_required(*REVISITORS)
def send_link(revisit_id: int):
    """Send the questionnaire's link by mail or text (again: a lost mail, a new address)."""
    form = SendLinkForm(prefix="link")

    def perform(r: Revisit) -> object:
        seen = form.seen.data or ""
        return revisit_links.send_link(
            r, _user(), seen=int(seen) if seen.isascii() and seen.isdigit() else -1
        )

    return _act(revisit_id, "link", form, perform)


@bp.post("/<int:revisit_id>/reveal")
@staff_required(*REVISITORS)
def reveal(revisit_id: int):
    """Show the person's full details to dial them, with a reason for the access log (as on
    the case page)."""
    revisit = _revisit(revisit_id)
    if reader().holds:
        return redirect(url_for("revisits.show", revisit_id=revisit_id), 303)
    form = RevealForm(prefix="reveal")
    if form.validate_on_submit():
        done = attempt(
            form, lambda: disclosure.reveal(revisit.case, _user(), form.reason.data, "revisit")
        )
        if done is not None:
            forget()
            if is_htmx():
                return _page(revisit)
            return redirect(url_for("revisits.show", revisit_id=revisit_id), 303)
    return _page(revisit, 422, {"reveal": form})


@bp.post("/cases/<int:case_id>/start")
@staff_required(*REVISITORS)
def start(case_id: int):
    """From the case page: open the case's revisit, planned now if none was."""
    case = access.get_case(case_id, viewer=_user())
    try:
        revisit = revisits.start(case, _user())
    except DomainError as exc:
        flash(str(exc), "danger")
        return redirect(url_for("cases.show", case_id=case_id), 303)
    return redirect(url_for("revisits.show", revisit_id=revisit.id), 303)


@bp.app_template_global("revisit_menu")
def revisit_menu(user) -> int | None:
    """For the desk menu: None when the user's role makes no revisits, else how many open
    revisits are given to them (the badge; one indexed count)."""
    if not (user.is_authenticated and user.has_role(*REVISITORS)):
        return None
    return rq.count_mine(user)
