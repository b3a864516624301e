"""Public pages. Nothing here needs a login; access to a case needs proof of it."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from casework import access, queries, routing
from casework.models import CaseEvent
from casework.operations import complainant, intake
from casework.states import Channel, Closure
from tenants.db import db

from ..extensions import limit_failures, limiter
from ..forms import ComplaintForm
from ..letters import letter_response
from ..transaction import Refused, attempt
from . import bp
from .forms import AddInformationForm, StatusForm

_SEEN = "cases_seen"  # case ids this browser has proved it may see (filed or looked up)


def _remember(case_id: int) -> None:
    seen = [i for i in session.get(_SEEN, []) if i != case_id][-19:]
    session[_SEEN] = seen + [case_id]


def _may_see(case_id: int) -> bool:
    return case_id in session.get(_SEEN, [])


@bp.route("/", methods=["GET", "POST"])
def complain():
    """The complaint form (投诉登记)."""
    form = ComplaintForm()
    form.set_categories(routing.active_categories(g.tenant))
    if Channel.WEB not in g.tenant.config.channels:
        # The organisation takes no complaints on the web for now: say where to go instead.
        form.form_errors.append(
            _(
                "Complaints are not taken on this website at present. Please contact "
                "%(name)s on %(phone)s.",
                name=g.tenant.duty_contact_name,
                phone=g.tenant.duty_contact_phone,
            )
        )
        return render_template("portal/complain.html", form=form)
    if form.validate_on_submit():
        complaint = form.to_complaint(Channel.WEB, g.tenant.timezone)
        complaint.locale = str(get_locale())  # the page's language is the complainant's
        case = attempt(form, lambda: intake.open_case(g.tenant, complaint))
        if case is not None:
            _remember(case.id)
            return redirect(url_for("portal.filed", number=case.number), 303)
    return render_template("portal/complain.html", form=form)


@bp.get("/filed/<number>")
def filed(number: str):
    """The confirmation after filing: number, access code, due date, receipt."""
    case = access.get_case_by_number(number, follow_merges=False)
    if not _may_see(case.id):
        abort(404)
    return render_template("portal/filed.html", case=case)


@bp.route("/status", methods=["GET", "POST"])
@limit_failures("10 per 10 minutes")
def status():
    """Look a case up by number plus the access code or the whole phone number.

    An unknown number, a wrong factor and a number whose phone path is locked get the same
    page, status and headers after the same work (casework.access.verify_public_access).
    """
    form = StatusForm()
    if request.method == "GET":
        form.number.data = request.args.get("number", "")
    elif form.validate_on_submit():
        case = access.verify_public_access(form.number.data, form.factor.data)
        if case is not None:
            _remember(case.id)
            return redirect(url_for("portal.case_status", number=case.number), 303)
        # One answer for an unknown number, a wrong factor and a lock: nothing to enumerate.
        flash(_("We could not find a case with that number and code."), "danger")
    return render_template("portal/status.html", form=form)


@bp.get("/status/<number>")
def case_status(number: str):
    """The public part of a case's history."""
    case = access.get_case_by_number(number, follow_merges=False)
    if not _may_see(case.id):
        abort(404)  # the same answer as an unknown number: nothing to enumerate
    return _status_page(case, AddInformationForm())


def _status_page(case, form: AddInformationForm):
    events = db.session.scalars(
        db.select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.public.is_(True))
        .order_by(CaseEvent.id)
    ).all()
    # A case merged into another (合并): the complainant proved this one, and follows the
    # survivor's progress from it, seeing that things happen but none of the text written
    # for the survivor's own complainant.
    survivor = access.survivor(case) if case.merged_into_id is not None else None
    return render_template(
        "portal/case_status.html",
        case=case,
        survivor=survivor,
        survivor_events=queries.events(survivor, public_only=True) if survivor else [],
        events=events,
        unit_notices={
            event_id: complainant.unit_notice(case.tenant, unit)
            for event_id, unit in complainant.units_told(case).items()
        },
        add_form=form,
        # A case answered at once has a receipt only when the complainant asked for one.
        receipt=not case.answered_at_once or access.get_letter(case, "ack") is not None,
    )


@bp.post("/status/<number>/add")
@limiter.limit(
    "20 per hour", key_func=lambda: f"add:{request.remote_addr}:{g.tenant.id}"
)  # every addition, kept or not: each one rings a handler's bell
def add_information(number: str):
    """The complainant adds information or a file to a case they have proved is theirs."""
    case = access.get_case_by_number(number, follow_merges=False)
    if not _may_see(case.id):
        abort(404)
    form = AddInformationForm()
    if form.validate_on_submit():
        upload = form.attachment.data
        try:
            done = attempt(
                form,
                lambda: complainant.add_information(
                    case,
                    form.text.data or "",
                    attachment_name=upload.filename if upload else "",
                    attachment_data=upload.read() if upload else b"",
                ),
            )
        except Refused as exc:
            form.form_errors.append(exc.message)
            done = None
        if done is not None:
            flash(_("Thank you: what you added is now part of your case."), "success")
            return redirect(url_for("portal.case_status", number=case.number), 303)
    return _status_page(case, form)


@bp.get("/status/<number>/receipt.pdf")
def receipt(number: str):
    """The acknowledgement letter, for a browser that filed or looked the case up."""
    case = access.get_case_by_number(number, follow_merges=False)
    if not _may_see(case.id):
        abort(404)
    return letter_response(case, "ack")


@bp.get("/status/<number>/result.pdf")
def result_letter(number: str):
    """The result notice letter, once the result was sent, for a browser that may see it."""
    case = access.get_case_by_number(number, follow_merges=False)
    if not _may_see(case.id) or case.result_sent_at is None:
        abort(404)
    return letter_response(case, "result")


@bp.get("/status/<number>/referral.pdf")
def referral_letter(number: str):
    """The referral notice letter (转办告知书, CITY-5) of a case referred out."""
    case = access.get_case_by_number(number)
    if not _may_see(case.id) or case.closure is not Closure.REFERRED_OUT:
        abort(404)
    return letter_response(case, "referral")
