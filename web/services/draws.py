"""The sample draws (抽样, PROP-10): draw a finished period now, and the audit of every draw.

Each draw shows its period, how many orders there were, the sampling row that applied, the
seed and the orders picked with their revisits; its page redoes the draw from the seed, so
an auditor sees for themselves that the same orders come out.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casework import sampling
from casework.models import SampleDraw
from casework.operations import draws
from casework.states import CaseKind
from tenants.db import db, utcnow
from tenants.models import Role

from ..forms import query_id
from ..htmx import render
from ..tenancy import staff_required
from ..transaction import attempt
from . import bp
from .forms import DrawForm

DRAW_ROLES = (Role.SUPERVISOR, Role.ADMIN)


def _page(form: DrawForm, status: int = 200):
    after = query_id(request.args.get("after"))
    rows, more = draws.draws(after)
    next_url = url_for("services.draws_list", after=more) if more else None
    return render(
        "services/draws.html",
        "services/_draw_rows.html",
        status,
        form=form,
        rows=rows,
        next_url=next_url,
        sampled=sampling.sampled_kinds(g.tenant),
    )


def _form() -> DrawForm:
    form = DrawForm()
    start, _end = sampling.last_period(g.tenant, utcnow())
    form.set_choices(sampling.sampled_kinds(g.tenant), start)
    return form


@bp.get("/draws", endpoint="draws_list")
@staff_required(*DRAW_ROLES)
def draws_list():
    """Every draw, newest first, and the form to draw a finished period now."""
    return _page(_form())


@bp.post("/draws")
@staff_required(*DRAW_ROLES)
def draw_now():
    """Draw a finished period of one kind now (the job would do it on its next run)."""
    form = _form()
    if form.validate_on_submit():
        kind = CaseKind(form.kind.data)
        user = current_user._get_current_object()
        drawn = attempt(
            form, lambda: draws.draw_period(g.tenant, kind, form.period.data, user) or False
        )
        if drawn is False:
            form.period.errors = [_("No completed orders of this kind in that period.")]
        elif drawn is not None:
            if drawn.new:
                flash(
                    _(
                        "Drew %(size)s of %(population)s orders.",
                        size=drawn.draw.size,
                        population=drawn.draw.population,
                    ),
                    "success",
                )
            else:
                flash(_("This period was drawn before: here is that draw."), "info")
            return redirect(url_for("services.draw", draw_id=drawn.draw.id), 303)
    return _page(form, 422)


@bp.get("/draws/<int:draw_id>")
@staff_required(*DRAW_ROLES)
def draw(draw_id: int):
    """One draw for the audit: its population, row, seed, the orders picked and a redo."""
    record = db.session.get(SampleDraw, draw_id)
    if record is None:
        abort(404)
    return render(
        "services/draw.html",
        "services/_draw.html",
        record=record,
        cases=draws.picked_cases(record),
        revisits=draws.planned_for(record),
        redone=draws.redo(g.tenant, record),
    )
