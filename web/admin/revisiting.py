"""Tenant administration: the revisit settings (回访制度) — rules per kind of case (PROP-9,
CS-1), the sampling table (PROP-10), the questionnaire (PROP-5, CS-2) and the retries.

One page, four sections, each its own form posted whole; on htmx requests a section answers
with itself alone. Every save is one verb of :mod:`casework.revisit_settings`, audited with
the part before and after.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import Field, FieldList, FormField

from casework import labels, revisit_rules, revisit_settings
from casework.errors import InvalidInput
from casework.states import CaseKind
from tenants.db import db
from tenants.models import Role

from ..htmx import is_htmx, render
from ..tenancy import staff_required
from . import bp, section
from .revisiting_forms import (
    ALWAYS_ASKED,
    ContactsForm,
    QuestionsForm,
    RulesForm,
    SamplingForm,
    contacts_data,
    questions_data,
    rules_data,
    sampling_data,
)

section("admin.revisiting", _l("Revisits"))

PAGE = "admin/revisiting.html"
PARTS = {
    "rules": "admin/_revisiting_rules.html",
    "sampling": "admin/_revisiting_sampling.html",
    "questions": "admin/_revisiting_questions.html",
    "contacts": "admin/_revisiting_contacts.html",
}
FORMS: dict[str, type[FlaskForm]] = {
    "rules": RulesForm,
    "sampling": SamplingForm,
    "questions": QuestionsForm,
    "contacts": ContactsForm,
}
# Order counts the sampling table is shown at, as PROP-10's boundaries.
EXAMPLE_COUNTS = (5, 19, 20, 21, 50, 51, 100, 101, 300)
T = TypeVar("T")


def _saved(part: str) -> FlaskForm:
    """The section's form filled from the saved settings."""
    settings = g.tenant.config.revisiting
    data = {
        "rules": lambda: rules_data(settings, revisit_rules.DEFAULT_RULES),
        "sampling": lambda: sampling_data(settings),
        "questions": lambda: questions_data(settings),
        "contacts": lambda: contacts_data(settings),
    }[part]()
    return FORMS[part](formdata=None, prefix=part, data=data)


def _context(bound: dict[str, FlaskForm] | None = None, **extra: Any) -> dict[str, Any]:
    forms = {part: (bound or {}).get(part) or _saved(part) for part in PARTS}
    config = g.tenant.config
    revisit_limit = config.deadlines.get("revisit")
    bands = config.revisiting.sampling
    return {
        "forms": forms,
        "kinds": list(CaseKind),
        "complaint_limit": (
            f"{revisit_limit.value} {labels.label(revisit_limit.unit)}" if revisit_limit else None
        ),
        "examples": [(n, revisit_rules.sample_size(n, bands)[0]) for n in EXAMPLE_COUNTS],
        "always_asked": ALWAYS_ASKED,
        "notice": None,  # (section, kind, message)
        "focus": None,
        **extra,
    }


def _find(form: FlaskForm, path: str) -> Field | None:
    """The field a refusal names ("work_order-within_value", "bands-1-up_to"), if shown."""
    node: Any = form
    for part in path.split("-"):
        try:
            node = node.entries[int(part)] if isinstance(node, FieldList) else node[part]
        except (KeyError, IndexError, ValueError, TypeError):
            return None
    return None if isinstance(node, FieldList | FormField) else node


def _run(form: FlaskForm, call: Callable[[], T]) -> T | None:
    """Run a verb; a refusal lands on the field it names, else above the form."""
    try:
        return call()
    except InvalidInput as exc:
        db.session.rollback()
        field = _find(form, exc.field)
        if field is not None:
            field.errors = [*field.errors, str(exc)]
        else:
            form.form_errors.append(str(exc))
        return None


def _answer(part: str, form: FlaskForm, status: int, **extra: Any) -> Response:
    return render(PAGE, PARTS[part], status=status, **_context({part: form}, **extra))


def _save(part: str, call: Callable[[FlaskForm], bool | None]) -> Response:
    """Validate the section's form and save it; the section again, with the outcome."""
    form = FORMS[part](prefix=part)
    if form.validate_on_submit():
        changed = _run(form, lambda: call(form))
        if changed is not None:
            message = _("Saved.") if changed else _("Nothing changed.")
            if not is_htmx():
                flash(message, "success")
                return redirect(url_for("admin.revisiting", _anchor=part), 303)
            return render(PAGE, PARTS[part], **_context(notice=(part, "success", message)))
    notice = (part, "danger", _("Not saved: please correct what is marked."))
    return _answer(part, form, 422, notice=notice)


def _rows(part: str, field: str, blank: dict[str, Any]) -> Response | None:
    """Add, remove or move a row of a list (``do``) without saving; None for "save"."""
    action, _sep, index = (request.form.get("do") or "save").partition("-")
    if action == "save":
        return None
    form = FORMS[part](prefix=part)  # nothing is saved; the app checks the CSRF token
    rows = [e.data for e in getattr(form, field).entries]
    i = int(index) if index.isdigit() else -1
    focus = None
    if action == "add" and len(rows) < getattr(form, field).max_entries:
        rows.append(dict(blank))
        focus = len(rows) - 1
    elif action == "remove" and 0 <= i < len(rows):
        rows.pop(i)
    elif action in ("up", "down") and 0 <= i < len(rows):
        j = i - 1 if action == "up" else i + 1
        if 0 <= j < len(rows):
            rows[i], rows[j] = rows[j], rows[i]
            focus = j
    data = {k: v for k, v in form.data.items() if k not in (field, "csrf_token")}
    fresh = FORMS[part](formdata=None, prefix=part, data={**data, field: rows})
    return _answer(part, fresh, 200, focus=focus)


@bp.get("/revisiting")
@staff_required(Role.ADMIN)
def revisiting():
    """The revisit settings, each section with its saved values."""
    return render_template(PAGE, **_context())


@bp.post("/revisiting/rules")
@staff_required(Role.ADMIN)
def revisiting_rules():
    """Save the rules per kind of case."""
    user = current_user._get_current_object()
    return _save("rules", lambda f: revisit_settings.set_rules(g.tenant, user, f.values()))


@bp.post("/revisiting/sampling")
@staff_required(Role.ADMIN)
def revisiting_sampling():
    """Save the sampling table, or add or remove one of its rows."""
    moved = _rows("sampling", "bands", {"up_to": None, "amount": None, "per": "percent"})
    if moved is not None:
        return moved
    user = current_user._get_current_object()
    return _save(
        "sampling",
        lambda f: revisit_settings.set_sampling(g.tenant, user, f.values(), f.period.data),
    )


@bp.post("/revisiting/questions")
@staff_required(Role.ADMIN)
def revisiting_questions():
    """Save the questionnaire, or add, remove or move one of the tenant's questions."""
    blank = {
        "key": "",
        "text": "",
        "text_en": "",
        "kind": "scale",
        "options": "",
        "required": False,
    }
    moved = _rows("questions", "questions", blank)
    if moved is not None:
        return moved
    user = current_user._get_current_object()
    return _save(
        "questions",
        lambda f: revisit_settings.set_questionnaire(g.tenant, user, f.skip(), f.values()),
    )


@bp.post("/revisiting/contacts")
@staff_required(Role.ADMIN)
def revisiting_contacts():
    """Save the attempts, the wait, the satisfied score and the link's life."""
    user = current_user._get_current_object()
    return _save("contacts", lambda f: revisit_settings.set_contacts(g.tenant, user, **f.values()))
