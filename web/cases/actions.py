"""How the desk offers each case action: one registry entry per action of the domain.

An entry names the action's form, how a submitted form calls the domain verb, whether the
action sits beside the main line of work (folded unless it is the only one) and, for forms
with lists, how to fill them. Its fields render in ``cases/actions/_<action>.html``. Which
actions a user sees is the domain's answer (:func:`~casework.operations.guards.available_actions`),
never decided here. The revisit has no entry: it is made on its own page (web/revisits), which
the case page links to, so there is one way to make a revisit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from casework import catalog, labels, queries, routing
from casework.models import Case
from casework.operations import (
    acceptance,
    confidentiality,
    dispatch,
    extensions,
    feedback,
    handling,
    investigation,
    oversight,
    plans,
    rectification,
    referrals,
    repeats,
    returns,
    site,
    teaching,
)
from casework.states import Action, Outcome, RemedyType
from tenants.models import User

from ..forms import choices
from . import (
    acceptance_forms,
    dispatch_forms,
    forms,
    investigation_forms,
    plan_forms,
    referral_forms,
    repeat_forms,
)

Perform = Callable[[Case, User, Any], object]
Prepare = Callable[[Any, Case, bool], None]


@dataclass(frozen=True)
class ActionView:
    """One action as the desk shows and submits it."""

    form: type[FlaskForm]
    perform: Perform
    side: bool = False  # beside the main line of work: folded unless it is the only one
    prepare: Prepare | None = None  # fills the form's lists; ``fresh`` when not submitted


def _prepare_dispatch(form: forms.DispatchForm, case: Case, fresh: bool) -> None:
    form.department_id.choices = choices(
        (d.id, d.name) for d in routing.department_entries(case.tenant) if d.active
    )
    if fresh and form.department_id.data is None:
        suggested = case.department or routing.suggest_department(case)
        if suggested is not None and suggested.name in queries.returned_by(case):
            suggested = None  # the unit returned it (退单): the dispatcher chooses again
        form.department_id.data = suggested.id if suggested else None
    if fresh and form.handler_id.data is None and case.handler_id:
        form.handler_id.data = case.handler_id
    handlers = routing.assignable_handlers(form.department_id.data)
    form.handler_id.choices = choices(
        [(0, _("— choose later —"))] + [(u.id, u.name) for u in handlers]
    )


def _prepare_rectify(form: forms.RectifyForm, case: Case, _fresh: bool) -> None:
    form.department_id.choices = choices(
        (d.id, d.name) for d in routing.department_entries(case.tenant) if d.active
    )
    if form.department_id.data is None and case.department_id:
        form.department_id.data = case.department_id


def _prepare_result(form: forms.ResultForm, case: Case, _fresh: bool) -> None:
    tenant = case.tenant
    form.cause_id.choices = choices(
        [(0, _("— none —"))] + [(c.id, c.name) for c in catalog.causes(tenant) if c.active]
    )
    form.remedy_type.choices = choices([("", _("— none —")), *labels.choices(RemedyType)])


def _result(case: Case, user: User, f: forms.ResultForm) -> object:
    return handling.record_result(
        case,
        user,
        f.result.data or "",
        f.remedy.data or "",
        finding=f.finding.data,
        cause_id=f.cause_id.data or None,
        cause_analysis=f.cause_analysis.data or "",
        remedy_type=f.remedy_type.data or None,
        remedy_amount=f.remedy_amount.data,
        remedy_approved_by=f.remedy_approved_by.data or "",
        not_waiting_reason=f.not_waiting_reason.data or "",
    )


def _prepare_not_satisfied(form: forms.NotSatisfiedForm, case: Case, fresh: bool) -> None:
    allowed = feedback.outcomes(case)
    form.outcome.choices = choices(labels.choices(Outcome, allowed))
    if fresh and len(allowed) == 1:
        form.outcome.data = allowed[0].value


def _prepare_teaching(form: forms.TeachingForm, case: Case, fresh: bool) -> None:
    if fresh:
        form.teaching.data = True
        form.lesson.data = case.lesson


def _prepare_plan(form: plan_forms.PlanForm, case: Case, _fresh: bool) -> None:
    form.remedy_type.choices = choices([("", _("— none —")), *labels.choices(RemedyType)])


def _prepare_refer(form: plan_forms.ReferUpForm, case: Case, _fresh: bool) -> None:
    targets = plans.refer_targets(case, current_user._get_current_object())
    form.to_id.choices = choices([(u.id, u.name) for u in targets])


def _prepare_assist(form: investigation_forms.AskAssistForm, case: Case, _fresh: bool) -> None:
    form.department_id.choices = choices(
        (d.id, d.name)
        for d in routing.department_entries(case.tenant)
        if d.active and d.id != case.department_id
    )


def _prepare_add_member(form: investigation_forms.AddMemberForm, case: Case, _fresh: bool) -> None:
    units = {d.id: d.name for d in routing.department_entries(case.tenant)}
    form.user_id.choices = choices(
        (u.id, f"{u.name} ({units[u.department_id]})" if u.department_id in units else u.name)
        for u in investigation.candidates(case)
    )


def _prepare_remove_member(
    form: investigation_forms.RemoveMemberForm, case: Case, _fresh: bool
) -> None:
    form.user_id.choices = choices((m.user_id, m.user.name) for m in queries.members(case))


def _file(f: Any) -> tuple[str, bytes]:
    """The name and bytes of an action form's optional upload."""
    upload = f.attachment.data
    return (upload.filename or "", upload.read()) if upload else ("", b"")


def _answer_assist(case: Case, user: User, f: investigation_forms.AnswerAssistForm) -> object:
    return investigation.answer_assist(case, user, f.answer.data or "", *_file(f))


def _add_evidence(case: Case, user: User, f: investigation_forms.EvidenceForm) -> object:
    return investigation.add_evidence(case, user, f.body.data or "", *_file(f))


def _prepare_repeat_contact(form: repeat_forms.RepeatContactForm, case: Case, fresh: bool) -> None:
    form.set_channels(case.tenant)
    if fresh:
        form.caller_name.data = case.complainant_name


def _repeat_contact(case: Case, user: User, f: repeat_forms.RepeatContactForm) -> object:
    return repeats.add_repeat_contact(
        case,
        user,
        f.channel.data or "",
        f.said.data or "",
        caller_name=f.caller_name.data or "",
        caller_phone=f.caller_phone.data or "",
        defect=bool(f.defect.data),
    )


ACTIONS: dict[Action, ActionView] = {
    Action.ACCEPT: ActionView(
        acceptance_forms.AcceptForm, lambda case, user, _f: acceptance.accept_case(case, user)
    ),
    Action.DECLINE: ActionView(
        acceptance_forms.DeclineForm,
        lambda case, user, f: acceptance.decline_case(case, user, f.reason.data or ""),
        side=True,
    ),
    Action.DISPATCH: ActionView(
        forms.DispatchForm,
        lambda case, user, f: dispatch.dispatch_case(
            case, user, f.department_id.data, f.handler_id.data or None, f.note.data or ""
        ),
        side=True,
        prepare=_prepare_dispatch,
    ),
    Action.TAKE: ActionView(forms.TakeForm, lambda case, user, _f: dispatch.take_case(case, user)),
    Action.NOTE: ActionView(
        forms.NoteForm,
        lambda case, user, f: handling.add_note(case, user, f.body.data or "", f.public.data),
    ),
    Action.CONTACT: ActionView(
        forms.ContactForm,
        lambda case, user, f: handling.record_contact(case, user, f.method.data, f.body.data or ""),
    ),
    Action.RESULT: ActionView(forms.ResultForm, _result, prepare=_prepare_result),
    Action.SEND_RESULT: ActionView(
        forms.SendResultForm, lambda case, user, _f: handling.send_result(case, user)
    ),
    Action.EXTEND: ActionView(
        forms.ExtendForm,
        lambda case, user, f: extensions.request_extension(
            case, user, f.days.data, f.reason.data or ""
        ),
        side=True,
    ),
    Action.DECIDE_EXTENSION: ActionView(
        forms.DecideExtensionForm,
        lambda case, user, f: extensions.decide_extension(
            case, user, f.decision.data == "approve", f.note.data or ""
        ),
        side=True,
    ),
    Action.URGE: ActionView(
        forms.OversightForm,
        lambda case, user, f: oversight.urge_case(case, user, f.note.data or ""),
        side=True,
    ),
    Action.SUPERVISE: ActionView(
        forms.OversightForm,
        lambda case, user, f: oversight.supervise_case(case, user, f.note.data or ""),
        side=True,
    ),
    Action.PAUSE: ActionView(
        forms.PauseForm,
        lambda case, user, f: extensions.pause_case(case, user, f.reason.data or ""),
    ),
    Action.RESUME: ActionView(
        forms.ResumeForm, lambda case, user, _f: extensions.resume_case(case, user)
    ),
    Action.MARK_REPEAT: ActionView(
        forms.RepeatForm,
        lambda case, user, f: repeats.mark_repeat(
            case, user, f.earlier.data or "", f.defect.data, f.note.data or ""
        ),
        side=True,
    ),
    Action.SPECIAL_MEASURES: ActionView(
        forms.SpecialMeasuresForm,
        lambda case, user, f: repeats.record_special_measures(case, user, f.measures.data or ""),
    ),
    Action.ORDER_RECTIFICATION: ActionView(
        forms.RectifyForm,
        lambda case, user, f: rectification.order_rectification(
            case, user, f.department_id.data, f.instructions.data or ""
        ),
        side=True,
        prepare=_prepare_rectify,
    ),
    Action.RECTIFIED: ActionView(
        forms.RectifiedForm,
        lambda case, user, f: rectification.complete_rectification(case, user, f.report.data or ""),
    ),
    Action.NOT_SATISFIED: ActionView(
        forms.NotSatisfiedForm,
        lambda case, user, f: feedback.record_not_satisfied(
            case, user, f.explanation.data or "", f.claim.data or "", f.outcome.data or ""
        ),
        side=True,
        prepare=_prepare_not_satisfied,
    ),
    Action.MARK_TEACHING: ActionView(
        forms.TeachingForm,
        lambda case, user, f: teaching.mark_teaching(
            case, user, bool(f.teaching.data), f.lesson.data or ""
        ),
        side=True,
        prepare=_prepare_teaching,
    ),
    Action.DRAFT_PLAN: ActionView(
        plan_forms.PlanForm,
        lambda case, user, f: plans.draft_plan(
            case,
            user,
            f.measures.data or "",
            f.remedy_type.data or None,
            f.remedy_amount.data,
            f.note.data or "",
        ),
        prepare=_prepare_plan,
    ),
    Action.SUBMIT_PLAN: ActionView(
        plan_forms.SubmitPlanForm, lambda case, user, _f: plans.submit_plan(case, user)
    ),
    Action.DECIDE_PLAN: ActionView(
        plan_forms.DecidePlanForm,
        lambda case, user, f: plans.decide_plan(
            case, user, f.decision.data == "approve", f.comment.data or ""
        ),
    ),
    Action.REFER_UP: ActionView(
        plan_forms.ReferUpForm,
        lambda case, user, f: plans.refer_up(case, user, f.to_id.data, f.proposal.data or ""),
        side=True,
        prepare=_prepare_refer,
    ),
    Action.RESTRICT: ActionView(
        forms.RestrictForm,
        lambda case, user, f: confidentiality.restrict_case(case, user, f.reason.data or ""),
        side=True,
    ),
    Action.LIFT_RESTRICTION: ActionView(
        forms.LiftRestrictionForm,
        lambda case, user, f: confidentiality.lift_restriction(case, user, f.reason.data or ""),
        side=True,
    ),
    Action.ASK_ASSIST: ActionView(
        investigation_forms.AskAssistForm,
        lambda case, user, f: investigation.ask_assist(
            case, user, f.department_id.data, f.instructions.data or ""
        ),
        side=True,
        prepare=_prepare_assist,
    ),
    Action.ANSWER_ASSIST: ActionView(investigation_forms.AnswerAssistForm, _answer_assist),
    Action.ADD_MEMBER: ActionView(
        investigation_forms.AddMemberForm,
        lambda case, user, f: investigation.add_member(case, user, f.user_id.data, f.role.data),
        side=True,
        prepare=_prepare_add_member,
    ),
    Action.REMOVE_MEMBER: ActionView(
        investigation_forms.RemoveMemberForm,
        lambda case, user, f: investigation.remove_member(case, user, f.user_id.data),
        side=True,
        prepare=_prepare_remove_member,
    ),
    Action.ADD_EVIDENCE: ActionView(investigation_forms.EvidenceForm, _add_evidence, side=True),
    Action.RETURN_CASE: ActionView(
        dispatch_forms.ReturnForm,
        lambda case, user, f: returns.return_case(case, user, f.basis.data or ""),
        side=True,
    ),
    Action.ARRIVE: ActionView(
        dispatch_forms.ArriveForm,
        lambda case, user, f: site.record_arrival(case, user, f.note.data or ""),
    ),
    Action.REPEAT_CONTACT: ActionView(
        repeat_forms.RepeatContactForm, _repeat_contact, side=True, prepare=_prepare_repeat_contact
    ),
    Action.MERGE: ActionView(
        repeat_forms.MergeForm,
        lambda case, user, f: repeats.merge_case(
            case, user, f.into.data or "", f.reason.data or ""
        ),
        side=True,
    ),
    Action.REFER_OUT: ActionView(
        referral_forms.ReferOutForm,
        lambda case, user, f: referrals.refer_out(
            case, user, f.reason.data or "", f.body.data or "", f.contact.data or ""
        ),
        side=True,
    ),
    Action.RETURN_UPSTREAM: ActionView(
        referral_forms.ReturnUpstreamForm,
        lambda case, user, f: referrals.return_upstream(
            case, user, f.reason.data or "", f.destination.data or ""
        ),
        side=True,
    ),
}


# Actions made on a page of their own, which the case page links to instead of a form.
OWN_PAGE = frozenset({Action.REVISIT})


def make_form(action: Action, case: Case, *, submitted: bool) -> FlaskForm:
    """The action's form, read from the request when ``submitted``, with its lists filled."""
    view = ACTIONS[action]
    if submitted:
        form = view.form(prefix=action.value)
    else:
        form = view.form(formdata=None, prefix=action.value)
    if view.prepare is not None:
        view.prepare(form, case, not submitted)
    return form
