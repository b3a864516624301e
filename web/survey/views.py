"""The public questionnaire: open it (GET, which changes nothing: mail scanners follow
links), answer it (POST, one answer is enough), and the thank-you page after.

The token is the proof (casework.survey_links); every spent link gets a page of its own in
the person's language, never a 500: no such link (404), expired or overtaken (410), answered
already (409).
"""

from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from casework import questionnaire, stages, survey_links
from casework.operations import revisit_links, revisits
from casework.states import Stage

from ..extensions import limiter
from ..revisits.forms import ByKey, call_form, given_answers
from ..transaction import Refused, attempt
from . import bp

# Each spent link's status: "gone for good" for what will not come back, 409 for a link
# whose work is done.
SPENT = {"invalid": 404, "expired": 410, "superseded": 410, "closed": 410, "answered": 409}
TITLES = {
    "invalid": _l("This link does not work"),
    "expired": _l("This link has expired"),
    "superseded": _l("A newer link was sent"),
    "closed": _l("This questionnaire is closed"),
    "answered": _l("Already answered"),
}
# The answer buttons of the mail: ?solved=1 / ?solved=0 choose "yes" / "no".
PRESELECT = {"1": "yes", "0": "no"}


class SurveyForm(FlaskForm):
    """The questionnaire's form: the tenant's questions only (see call_form)."""


def _key() -> str:
    return f"survey:{request.remote_addr}:{g.tenant.id}"


def _open(token: str) -> survey_links.Opened:
    return survey_links.open_token(token, g.tenant, current_app.config["SECRET_KEY"])


def _spent(opened: survey_links.Opened):
    return render_template(
        "survey/spent.html",
        state=opened.state,
        title=TITLES[opened.state],
        link_days=g.tenant.config.revisiting.link_days,
    ), SPENT[opened.state]


def _form(submitted: bool):
    return call_form(
        questionnaire.questions(g.tenant), submitted=submitted, base=SurveyForm, prefix=""
    )


# Spent or forged tokens count against the address, as failed log-ins do; answers are few.
_GUESSES = limiter.limit(
    "30 per 10 minutes", key_func=_key, deduct_when=lambda r: r.status_code == 404
)


@bp.get("/<survey_token>")
@_GUESSES
def show(survey_token: str):
    """The questionnaire, with the answer chosen in the mail already ticked; records nothing."""
    opened = _open(survey_token)
    if not opened.ok:
        return _spent(opened)
    form = _form(submitted=False)
    chosen = PRESELECT.get(request.args.get("solved", ""))
    if chosen:
        form.q_solved.data = chosen
    return _page(opened, form)


@bp.post("/<survey_token>")
@_GUESSES
@limiter.limit("20 per hour", key_func=_key)
def answer(survey_token: str):
    """Record the answers on the case; not solved or not satisfied sends it back (PROP-12)."""
    opened = _open(survey_token)
    if not opened.ok:
        return _spent(opened)
    form = _form(submitted=True)
    if form.validate_on_submit():
        try:
            done = attempt(
                ByKey(form),
                lambda: revisit_links.answer_online(opened.revisit, given_answers(form)),
            )
        except Refused:  # answered by another tab a moment ago
            return _spent(_open(survey_token))
        if done is not None:
            return redirect(url_for("survey.thanks", survey_token=survey_token), 303)
    return _page(opened, form, 422)


def _page(opened: survey_links.Opened, form, status: int = 200):
    case = opened.revisit.case
    return render_template("survey/questionnaire.html", form=form, case=case), status


@bp.get("/<survey_token>/thanks")
@_GUESSES
def thanks(survey_token: str):
    """After the answers: thanks, and for a problem not solved, what happens next."""
    opened = _open(survey_token)
    if opened.ok:  # not answered yet: the questionnaire
        return redirect(url_for("survey.show", survey_token=survey_token), 303)
    if opened.state != "answered":
        return _spent(opened)
    revisit = opened.revisit
    taken_up = not revisits.satisfied(revisit)
    deadline = stages.open_deadline(revisit.case, Stage.SPECIAL_MEASURES) if taken_up else None
    return render_template(
        "survey/thanks.html", case=revisit.case, taken_up=taken_up, deadline=deadline
    )
