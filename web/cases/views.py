"""Desk views of the queue and of one case: thin, each resolves the case, calls one domain
verb through the action registry (:mod:`.actions`) and renders."""

from __future__ import annotations

import datetime as dt
import io

from flask import (
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from casework import (
    access,
    deadlines,
    disclosure,
    labels,
    policy,
    privacy,
    queries,
    routing,
    stages,
    uploads,
)
from casework import queue as caseq
from casework.models import Case
from casework.operations import dossiers, guards, plans
from casework.states import Action, Channel, DeadlineState, PlanState, Stage, Status
from tenants.db import utcnow
from tenants.models import Role

from ..forms import choices, query_id
from ..htmx import is_htmx, render
from ..letters import letter_response
from ..privacy import forget, reader
from ..tenancy import staff_required
from ..transaction import Refused, attempt
from . import bp
from .actions import ACTIONS, make_form
from .forms import DRILL_DOWN, QueueFilter, RevealForm

STAFF = tuple(Role)
# How each deadline state looks in the case page's table of time limits.
DEADLINE_TAGS = {
    DeadlineState.OK: "has-text-grey",
    DeadlineState.SOON: "tag is-warning is-light",
    DeadlineState.OVERDUE: "tag is-danger",
    DeadlineState.ON_TIME: "tag is-success is-light",
    DeadlineState.LATE: "tag is-danger is-light",
}


@bp.get("/")
@staff_required(*STAFF)
def queue():
    """The queue (案件队列) with filters and keyset pagination."""
    form = QueueFilter(request.args)
    filters = queue_filters(form)
    filters.number = request.args.get("q", "")
    cases, next_cursor = caseq.list_cases(
        filters, request.args.get("after", ""), viewer=current_user._get_current_object()
    )
    args = {k: v for k, v in request.args.items() if k != "after" and v}
    template = "cases/_rows.html" if request.args.get("after") else "cases/_queue.html"
    return render(
        "cases/queue.html",
        template,
        form=form,
        cases=cases,
        next_url=url_for("cases.queue", after=next_cursor, **args) if next_cursor else None,
        deadline_state=caseq.deadline_state,
        drill_down={k: request.args[k] for k in DRILL_DOWN if request.args.get(k)},
        export_args=export_args(),
    )


# Query-string keys that are no filter: the page's position and the language.
NOT_FILTERS = ("after", "lang")


def export_args() -> dict[str, str]:
    """The list's filters as its export links (CSV, XLSX) carry them."""
    return {k: v for k, v in request.args.items() if k not in NOT_FILTERS and v}


def queue_filters(form: QueueFilter, status: str = "open") -> caseq.Filters:
    """Fill the filter form's choices and read the filters from the query string: the
    queue's, and the search's (which defaults to every status)."""
    any_ = [("", _("Any"))]
    form.status.choices = choices([("open", _("Open")), ("all", _("All"))] + labels.choices(Status))
    form.category.choices = choices(
        any_ + [(str(c.id), c.name) for c in routing.categories(g.tenant)]
    )
    form.department.choices = choices(
        any_ + [(str(d.id), d.name) for d in routing.department_entries(g.tenant)]
    )
    channels = g.tenant.config.channels
    form.channel.choices = choices(any_ + labels.choices(Channel, [Channel(c) for c in channels]))
    filters = caseq.Filters(
        status=request.args.get("status", status),
        category_id=query_id(request.args.get("category")),
        department_id=query_id(request.args.get("department")),
        channel=request.args.get("channel", "") if request.args.get("channel") in channels else "",
        due=request.args.get("due", ""),
        handler_id=current_user.id
        if request.args.get("mine")
        else query_id(request.args.get("handler")),
        unassigned=bool(request.args.get("unassigned")),
        since=_local_day(form.received_from.data),
        until=_local_day(form.received_to.data, 1),
        kind=request.args.get("kind", ""),
        cause_id=query_id(request.args.get("cause")),
        location=(request.args.get("location") or "").strip()[:300],
        finding=request.args.get("finding", ""),
        repeated=bool(request.args.get("repeated")),
        answered_at_once=bool(request.args.get("answered")),
        reopened=bool(request.args.get("reopened")),
    )
    if filters.unassigned and current_user.department_id is not None:
        filters.department_id = current_user.department_id  # "my department"
    return filters


def _local_day(day: dt.date | None, after: int = 0) -> dt.datetime | None:
    """The start of the tenant's local ``day`` (plus ``after`` days) as stored UTC; a date
    the form could not read is no filter."""
    if not isinstance(day, dt.date):
        return None
    start = dt.datetime.combine(day + dt.timedelta(days=after), dt.time())
    return deadlines.from_local(start, g.tenant.timezone)


def _case(case_id: int) -> Case:
    """The case, if it is in the user's sight (CO-8); a 404 like another tenant's if not."""
    return access.get_case(case_id, viewer=current_user._get_current_object())


def plan_context(case: Case, plan) -> dict:
    """The plan box: the newest plan, its versions, and who must act on it now."""
    waiting_for = None
    if plan is not None and plan.state is PlanState.SUBMITTED:
        waiting_for = plans.approver_label(case, plan)
    return {
        "plan": plan,
        "plan_versions": queries.plans(case) if plan is not None else [],
        "plan_waiting_for": waiting_for,
    }


def _case_context(
    case: Case, submitted: dict | None = None, reveal_form: RevealForm | None = None
) -> dict:
    facts = guards.Facts(case)
    user = current_user._get_current_object()
    actions = guards.available_actions(case, user, facts)
    dossier = dossiers.latest_dossier(case, user)
    submitted = submitted or {}
    forms = {
        a: submitted.get(a) or make_form(a, case, submitted=False) for a in actions if a in ACTIONS
    }
    # The step that moves the case on is open; the others are a click away. A plan waiting
    # to be submitted or decided is that step.
    waiting = [a for a in (Action.DECIDE_PLAN, Action.SUBMIT_PLAN) if a in actions]
    primary = next(
        iter(waiting),
        next(
            (a for a in actions if a in ACTIONS and not ACTIONS[a].side), next(iter(actions), None)
        ),
    )
    now = utcnow()
    return {
        "case": case,
        "actions": actions,
        "forms": forms,
        "primary": primary,
        "pending_extension": facts.pending_extension,
        "extension_limit": policy.extension_limit(case.tenant, case),
        "special_measures": facts.open_deadline(Stage.SPECIAL_MEASURES),
        "rectification": facts.open_rectification,
        "rectifications": queries.rectifications(case),
        **plan_context(case, facts.plan),
        "assists": facts.assists,
        "open_assists": facts.open_assists,
        "assist_for_me": facts.open_assist_of(current_user.department_id),
        "members": facts.members,
        "department_names": {d.id: d.name for d in routing.department_entries(case.tenant)},
        "events": queries.events(case),
        "attachments": queries.attachments(case),
        "revisits": queries.revisits(case),
        # The revisit is made on its page; the case page links to the one due first.
        "open_revisit": queries.open_revisit(case) if Action.REVISIT in actions else None,
        "repeat_contacts": queries.repeat_contacts(case),
        "merged_cases": queries.merged_into(case),
        "suggested": routing.suggest_department(case),
        "letter": access.get_letter(case, "ack"),
        "dossier": dossier,
        "downloadable": dossier is not None and dossiers.may_download(dossier, user),
        "deadlines": [(d, stages.state(d.due_at, now, done_at=d.done_at)) for d in facts.deadlines],
        "deadline_state": caseq.deadline_state(case, now),
        "DEADLINE_TAGS": DEADLINE_TAGS,
        # Without the personal-data right the details are masked and a reveal is offered.
        "reveal_form": reveal_form or (None if reader().holds else _reveal_form(submitted=False)),
        "revealed": not reader().holds and reader().sees(case),
        "reveal_minutes": privacy.REVEAL_MINUTES,
    }


@bp.get("/cases/<int:case_id>")
@staff_required(*STAFF)
def show(case_id: int):
    """The case page: details, deadline, the actions open to the user and the timeline."""
    case = _case(case_id)
    return render("cases/case.html", "cases/_case.html", **_case_context(case))


@bp.get("/cases/number/<number>")
@staff_required(*STAFF)
def by_number(number: str):
    """The case page of a case number; a number merged into another case (合并) leads to the
    survivor. 404 for a number not in the user's sight, as for an id."""
    case = access.get_case_by_number(number, viewer=current_user._get_current_object())
    return redirect(url_for("cases.show", case_id=case.id), 303)


@bp.post("/cases/<int:case_id>/<action>")
@staff_required(*STAFF)
def act(case_id: int, action: str):
    """Take one action on a case; errors come back on the form, in the user's language."""
    try:
        verb = Action(action)
    except ValueError:
        abort(404)
    if verb not in ACTIONS:  # made on a page of its own (the revisit)
        abort(404)
    case = _case(case_id)
    form = make_form(verb, case, submitted=True)
    refusal = None
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            done = attempt(form, lambda: ACTIONS[verb].perform(case, user, form) or True)
        except Refused as exc:  # a refused transition or role: said above the case
            done, refusal = None, exc.message
        if done:
            flash(_("Saved."), "success")
            if not access.in_sight(user, [case.id]):  # handed to a unit the user does not see
                return _to_queue()
            if is_htmx():
                return render("cases/case.html", "cases/_case.html", **_case_context(case))
            return redirect(url_for("cases.show", case_id=case_id), 303)
    case = _case(case_id)  # the refusal rolled back: read the case afresh
    context = _case_context(case, {verb: form})
    return render("cases/case.html", "cases/_case.html", status=422, refusal=refusal, **context)


def _to_queue():
    """Back to the queue, for htmx too (its target, the case, is no longer the user's)."""
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url_for("cases.queue")
        return response
    return redirect(url_for("cases.queue"), 303)


@bp.get("/cases/<int:case_id>/handlers")
@staff_required(*STAFF)
def handler_options(case_id: int):
    """The handler choices of a department, for the dispatch form (htmx).

    The handler chosen so far comes along and stays chosen when it belongs to the department;
    without a department there is nobody to list (not everybody).
    """
    _case(case_id)
    department_id = query_id(request.args.get("dispatch-department_id"))
    handlers = routing.assignable_handlers(department_id) if department_id is not None else []
    chosen = query_id(request.args.get("dispatch-handler_id"))
    return render_template("cases/_handler_options.html", handlers=handlers, selected=chosen)


@bp.get("/cases/<int:case_id>/letter.pdf")
@staff_required(*STAFF)
def letter(case_id: int):
    """The acknowledgement letter of the case.

    The letter is what the complainant received, unmasked (their name, their own words);
    staff without the personal-data right open it by revealing, with a reason, like the
    case page's details: a 403 with the reveal form until they do (CO-8).
    """
    case = _case(case_id)
    if not reader().sees(case):
        form = _reveal_form(submitted=False, page="letter")
        return render_template("cases/letter_reveal.html", case=case, reveal_form=form), 403
    return letter_response(case, "ack")


def _reveal_form(*, submitted: bool, page: str = "case") -> RevealForm:
    if submitted:
        return RevealForm(prefix="reveal")
    return RevealForm(formdata=None, prefix="reveal", page=page)


@bp.post("/cases/<int:case_id>/reveal")
@staff_required(*STAFF)
def reveal(case_id: int):
    """Show the complainant's full details (查看完整信息) for a while, with a reason that
    goes to the access log; holders of the right have nothing to reveal."""
    case = _case(case_id)
    form = _reveal_form(submitted=True)
    page = form.page.data if form.page.data in disclosure.PAGES else "case"
    if reader().holds:
        return redirect(url_for("cases.show", case_id=case_id), 303)
    if form.validate_on_submit():
        user = current_user._get_current_object()
        done = attempt(form, lambda: disclosure.reveal(case, user, form.reason.data, page))
        if done is not None:
            forget()  # the new window shows in this response already
            if page == "letter":
                return redirect(url_for("cases.letter", case_id=case_id), 303)
            if is_htmx():
                return render("cases/case.html", "cases/_case.html", **_case_context(case))
            return redirect(url_for("cases.show", case_id=case_id), 303)
    if page == "letter":
        return render_template("cases/letter_reveal.html", case=case, reveal_form=form), 422
    context = _case_context(case, reveal_form=form)
    return render("cases/case.html", "cases/_case.html", status=422, **context)


@bp.get("/cases/<int:case_id>/attachments/<int:attachment_id>")
@staff_required(*STAFF)
def attachment(case_id: int, attachment_id: int):
    """An attachment: a photo shown inline with its real type, any other file downloaded.

    The type is read from the bytes again here, so nothing but a real JPEG, PNG, GIF or WebP
    is ever served for a browser to render, and nosniff keeps it from guessing otherwise.
    """
    att = queries.attachment(_case(case_id), attachment_id)
    if att is None:
        abort(404)
    image = uploads.inline_type(att.data)
    response = send_file(
        io.BytesIO(att.data),
        mimetype=image or "application/octet-stream",
        as_attachment=image is None,
        download_name=att.filename,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
