"""Tenant administration: routing rules (分派规则) and a box to try them.

The rules are listed in the order they are tried, with buttons to move each up or down; the
"try it" box sends a sample complaint through :func:`casework.routing.route`, the function
intake uses, as the admin types (htmx) or with its button (without JavaScript). Every
change is one verb of :mod:`casework.routing`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length

from casework import labels, routing
from casework.errors import InvalidInput, NotFound
from casework.states import Channel
from tenants.db import db
from tenants.models import Role

from ..forms import choices, coerce_id
from ..htmx import is_htmx, render
from ..tenancy import staff_required
from ..transaction import attempt
from . import bp, section

section("admin.routing", _l("Routing rules"))

PAGE = "admin/routing.html"
RULES = "admin/_routing_rules.html"
TRY = "admin/_routing_try.html"
ANY = 0  # "any category": ids start at 1


def _channel_choices(current: str | None = None, blank: str | None = None) -> list:
    offered = list(g.tenant.config.channels)
    if current and current not in offered and current in {c.value for c in Channel}:
        offered.append(current)
    head = [("", blank)] if blank is not None else []
    return choices(head + labels.choices(Channel, [Channel(c) for c in offered]))


def _category_choices(blank: str, current: int | None = None) -> list:
    rows = [c for c in routing.categories(g.tenant) if c.active or c.id == current]
    return choices(
        [(ANY, blank)]
        + [(c.id, c.name if c.active else _("%(name)s (deactivated)", name=c.name)) for c in rows]
    )


class RuleForm(FlaskForm):
    """A routing rule: its conditions (at least one) and the department it sends to."""

    category_id = SelectField(_l("Category is"), coerce=coerce_id, default=ANY)
    channel = SelectField(_l("Channel is"), default="")
    keyword = StringField(
        _l("Description contains"),
        validators=[Length(max=200)],
        description=_l(
            "Words separated by spaces or commas: the description must contain every one. "
            "Capitals and full-width letters count as the same."
        ),
    )
    location = StringField(
        _l("Location contains"),
        validators=[Length(max=200)],
        description=_l("Text the location must contain, as one piece."),
    )
    department_id = SelectField(_l("Send to"), coerce=coerce_id)

    def fill(self, rule: routing.RuleEntry | None = None) -> RuleForm:
        """Offer the active categories, departments and the tenant's channels, and whatever
        the rule names now (marked when deactivated)."""
        self.category_id.choices = _category_choices(_("Any"), rule.category_id if rule else None)
        self.channel.choices = _channel_choices(rule.channel if rule else None, _("Any"))
        current = rule.department_id if rule else None
        self.department_id.choices = choices(
            (d.id, d.name if d.active else _("%(name)s (deactivated)", name=d.name))
            for d in routing.department_entries(g.tenant)
            if d.active or d.id == current
        )
        return self

    def values(self) -> dict[str, Any]:
        """The form as the verbs take it."""
        return {
            "category_id": self.category_id.data or None,
            "channel": self.channel.data or None,
            "keyword": self.keyword.data or "",
            "location": self.location.data or "",
            "department_id": self.department_id.data,
        }


class TryForm(FlaskForm):
    """A sample complaint, read from the query string: nothing is saved."""

    class Meta:
        csrf = False

    category_id = SelectField(_l("Category"), coerce=coerce_id, default=ANY)
    channel = SelectField(_l("Channel"))
    description = TextAreaField(
        _l("What happened"), validators=[Length(max=5000)], render_kw={"rows": 3}
    )
    location = StringField(_l("Where"), validators=[Length(max=300)])


def _try_form() -> TryForm:
    form = TryForm(request.args, prefix="try")
    form.category_id.choices = _category_choices(_("None"))
    form.channel.choices = _channel_choices()
    return form


def _outcome(form: TryForm) -> dict[str, Any] | None:
    """Which rule fires for the sample and where the case would go; None before any input."""
    if not any(k.startswith("try-") for k in request.args):
        return None
    form.validate()
    category_id = form.category_id.data if form.category_id.data else None
    channel = form.channel.data or None
    rule, department_id = routing.route(
        g.tenant, category_id, channel, form.description.data or "", form.location.data or ""
    )
    category = routing.category(g.tenant, category_id)
    return {
        "rule": rule,
        "department": _departments().get(department_id),
        "category": category,
    }


def _departments() -> dict[int, routing.DepartmentEntry]:
    return {d.id: d for d in routing.department_entries(g.tenant)}


def _conditions(rule: routing.RuleEntry) -> list[tuple[str, str]]:
    """What a rule asks, in the user's words, as (label, value) pairs."""
    out = []
    if rule.category_id is not None:
        category = routing.category(g.tenant, rule.category_id)
        name = category.name if category else "?"
        if category is not None and not category.active:
            name = _("%(name)s (deactivated)", name=name)
        out.append((_("Category is"), name))
    if rule.channel:
        try:
            out.append((_("Channel is"), labels.label(Channel(rule.channel))))
        except ValueError:
            out.append((_("Channel is"), rule.channel))
    if rule.terms:
        out.append((_("Description contains"), " + ".join(rule.terms)))
    if rule.location:
        out.append((_("Location contains"), rule.location))
    return out


def _context(
    notice: tuple[str, str, str] | None = None, form: RuleForm | None = None
) -> dict[str, Any]:
    try_form = _try_form()
    return {
        "rules": routing.rules(g.tenant),
        "conditions": _conditions,
        "departments": _departments(),
        "form": form or RuleForm(formdata=None, prefix="rule").fill(),
        "try_form": try_form,
        "outcome": _outcome(try_form),
        "notice": notice,  # (box, kind, message)
    }


def _done(message: str) -> Response:
    if is_htmx():
        return render(PAGE, RULES, **_context(("rules", "success", message)))
    flash(message, "success")
    return redirect(url_for("admin.routing", _anchor="rules"), 303)


def _change(call: Callable[[], Any], message: str) -> Response:
    """One change to a rule by its buttons: 404 for a rule that is not the tenant's."""
    try:
        call()
    except NotFound:
        abort(404)
    except InvalidInput as exc:
        db.session.rollback()
        if is_htmx():
            return render(PAGE, RULES, status=422, **_context(("rules", "danger", str(exc))))
        flash(str(exc), "danger")
        return redirect(url_for("admin.routing", _anchor="rules"), 303)
    return _done(message)


def _rule(rule_id: int) -> routing.RuleEntry:
    rule = next((r for r in routing.rules(g.tenant) if r.id == rule_id), None)
    if rule is None:
        abort(404)
    return rule


def _actor():
    return current_user._get_current_object()


@bp.get("/routing", endpoint="routing")
@staff_required(Role.ADMIN)
def routing_page():
    """The rules in the order they are tried, a form to add one, and the "try it" box."""
    return render_template(PAGE, **_context())


@bp.get("/routing/try")
@staff_required(Role.ADMIN)
def routing_try():
    """Where a sample complaint would go: the result alone for htmx, else the whole page."""
    context = _context()
    if is_htmx():
        return render(PAGE, TRY, **context)
    return render_template(PAGE, **context)


@bp.post("/routing/rules")
@staff_required(Role.ADMIN)
def routing_add():
    """Add a rule at the end of the order."""
    form = RuleForm(prefix="rule").fill()
    if form.validate_on_submit() and attempt(
        form, lambda: routing.add_rule(g.tenant, _actor(), **form.values())
    ):
        return _done(_("Rule added at the end of the list."))
    return render(
        PAGE,
        RULES,
        status=422,
        **_context(("rules", "danger", _("The rule was not added.")), form=form),
    )


@bp.route("/routing/rules/<int:rule_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def routing_edit(rule_id: int):
    """Change a rule's conditions or department; it keeps its place."""
    rule = _rule(rule_id)
    data = {
        "category_id": rule.category_id or ANY,
        "channel": rule.channel or "",
        "keyword": rule.keyword,
        "location": rule.location,
        "department_id": rule.department_id,
    }
    form = RuleForm(prefix="rule", data=data).fill(rule)
    if form.validate_on_submit() and attempt(
        form, lambda: routing.edit_rule(g.tenant, _actor(), rule.id, **form.values())
    ):
        flash(_("Saved. Cases already filed keep their department."), "success")
        return redirect(url_for("admin.routing", _anchor="rules"), 303)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("admin/routing_edit.html", form=form, rule=rule), status


@bp.post("/routing/rules/<int:rule_id>/up")
@staff_required(Role.ADMIN)
def routing_up(rule_id: int):
    """Try a rule one place earlier."""
    return _change(lambda: routing.move_rule(g.tenant, _actor(), rule_id, -1), _("Rule moved."))


@bp.post("/routing/rules/<int:rule_id>/down")
@staff_required(Role.ADMIN)
def routing_down(rule_id: int):
    """Try a rule one place later."""
    return _change(lambda: routing.move_rule(g.tenant, _actor(), rule_id, 1), _("Rule moved."))


@bp.post("/routing/rules/<int:rule_id>/deactivate")
@staff_required(Role.ADMIN)
def routing_deactivate(rule_id: int):
    """Keep a rule but stop applying it."""
    return _change(
        lambda: routing.deactivate_rule(g.tenant, _actor(), rule_id), _("Rule deactivated.")
    )


@bp.post("/routing/rules/<int:rule_id>/reactivate")
@staff_required(Role.ADMIN)
def routing_reactivate(rule_id: int):
    """Apply a deactivated rule again."""
    return _change(
        lambda: routing.reactivate_rule(g.tenant, _actor(), rule_id), _("Rule reactivated.")
    )


@bp.post("/routing/rules/<int:rule_id>/delete")
@staff_required(Role.ADMIN)
def routing_delete(rule_id: int):
    """Remove a rule for good (recorded in the audit log)."""
    return _change(lambda: routing.delete_rule(g.tenant, _actor(), rule_id), _("Rule removed."))
