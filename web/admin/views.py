"""The admin's views: each reads or calls one domain verb; the request hook commits."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from casework import alerts, calendar, deadlines, labels, policy, routing
from casework.deadlines import Unit
from casework.states import Channel, Priority
from tenants.db import utcnow
from tenants.models import Role

from ..tenancy import staff_required
from ..transaction import attempt
from . import bp, section
from .forms import (
    CalendarDayForm,
    ReminderForm,
    RuleForm,
    limit_label,
    policy_form,
    targets_from,
)

section("admin.policy_page", _l("Time limits"))
section("admin.calendar_page", _l("Calendar"))


@bp.route("/calendar", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def calendar_page():
    """The tenant's own closed and working days (工作日历)."""
    form = CalendarDayForm()
    if form.validate_on_submit():
        calendar.set_day(
            g.tenant,
            current_user._get_current_object(),
            form.day.data,
            form.working.data == "working",
            form.note.data or "",
        )
        flash(_("Saved."), "success")
        return redirect(url_for("admin.calendar_page"), 303)
    days = calendar.own_days(g.tenant, dt.date.today() - dt.timedelta(days=366))
    this_year = dt.date.today().year
    unknown = [y for y in (this_year, this_year + 1) if not calendar.official_schedule_known(y)]
    return render_template("admin/calendar.html", form=form, days=days, unknown_years=unknown)


@bp.post("/calendar/<int:day_id>/delete")
@staff_required(Role.ADMIN)
def calendar_delete(day_id: int):
    """Remove one of the tenant's own days (back to the official schedule)."""
    calendar.remove_day(g.tenant, current_user._get_current_object(), day_id)
    return redirect(url_for("admin.calendar_page"), 303)


@bp.route("/policy", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def policy_page():
    """The deadline policy per stage, with a live preview of what it means."""
    form = policy_form()()
    if request.method == "GET":
        for key, target in policy.limits(g.tenant).items():
            if target is not None:
                getattr(form, f"{key}_value").data = target.value
                getattr(form, f"{key}_unit").data = target.unit.value
    elif form.validate_on_submit():
        policy.set_limits(g.tenant, current_user._get_current_object(), targets_from(form))
        flash(_("Saved. Cases already running keep their deadlines."), "success")
        return redirect(url_for("admin.policy_page"), 303)
    categories = routing.categories(g.tenant)
    rule_form = RuleForm(formdata=None)
    rule_form.fill(g.tenant.config.channels, categories)
    first, second = alerts.fractions(g.tenant)[:2]
    reminder_form = ReminderForm(
        formdata=None, first=round(first * 100), second=round(second * 100)
    )
    return render_template(
        "admin/policy.html",
        reminder_form=reminder_form,
        form=form,
        keys=policy.KEYS,
        preview=_preview(form),
        rules=_rule_rows(policy.overrides(g.tenant), {c.code: c.name for c in categories}),
        rule_form=rule_form,
    )


@bp.post("/policy/rules")
@staff_required(Role.ADMIN)
def policy_rule_add():
    """Add a special rule to the policy."""
    form = RuleForm()
    form.fill(g.tenant.config.channels, routing.categories(g.tenant))
    added = form.validate_on_submit() and attempt(
        form,
        lambda: policy.add_override(
            g.tenant,
            current_user._get_current_object(),
            form.stage.data,
            deadlines.Target(form.value.data, Unit(form.unit.data)),
            channel=form.channel.data,
            category=form.category.data,
            priority=form.priority.data,
        ),
    )
    if added:
        flash(_("Saved. Cases already running keep their deadlines."), "success")
    else:
        flash(_("The rule was not added: give a stage and a time allowed of 1 or more."), "danger")
    return redirect(url_for("admin.policy_page"), 303)


@bp.post("/policy/reminders")
@staff_required(Role.ADMIN)
def policy_reminders():
    """Set the two reminder points; overdue and escalation stay at 100% and 200%."""
    form = ReminderForm()
    message = _("Give two percentages between 1 and 99, the first below the second.")
    if form.validate_on_submit():
        user = current_user._get_current_object()
        done = attempt(
            form,
            lambda: alerts.set_reminders(g.tenant, user, form.first.data, form.second.data) or True,
        )
        if done:
            flash(_("Saved. Deadlines already running keep their next reminder."), "success")
            return redirect(url_for("admin.policy_page"), 303)
        message = form.second.errors[-1]
    flash(message, "danger")
    return redirect(url_for("admin.policy_page"), 303)


@bp.post("/policy/rules/<int:index>/delete")
@staff_required(Role.ADMIN)
def policy_rule_delete(index: int):
    """Remove a special rule."""
    try:
        policy.remove_override(g.tenant, current_user._get_current_object(), index)
    except IndexError:
        abort(404)
    return redirect(url_for("admin.policy_page"), 303)


@bp.get("/policy/preview")
@staff_required(Role.ADMIN)
def policy_preview():
    """The preview alone, for htmx as the admin types."""
    form = policy_form()(request.args, meta={"csrf": False})
    return render_template("admin/_preview.html", preview=_preview(form))


def _preview(form) -> list[tuple[str, dt.datetime, deadlines.Due]]:
    """When each limit the form gives would fall due for a case filed at its start time."""
    tz = g.tenant.timezone
    start_local = form.preview_start.data
    start = utcnow() if start_local is None else deadlines.from_local(start_local, tz)
    cal = calendar.for_tenant(g.tenant)
    rows = []
    for key, target in targets_from(form).items():
        if target is None or key in (policy.EXTENSION, policy.RETURN):
            continue
        rows.append((limit_label(key), start, deadlines.compute(start, target, tz, cal)))
    return rows


def _rule_rows(rules, category_names: dict[str, str]) -> list[dict[str, str]]:
    """The special rules as the page shows them: what each matches and the time it allows."""
    rows = []
    for rule in rules:
        matches = [
            labels.label(Channel(rule.channel)) if rule.channel else "",
            category_names.get(rule.category, rule.category or ""),
            labels.label(Priority(rule.priority)) if rule.priority else "",
        ]
        rows.append(
            {
                "stage": limit_label(rule.stage),
                "matches": " ".join(m for m in matches if m),
                "limit": f"{rule.value} {labels.label(rule.unit)}",
            }
        )
    return rows
