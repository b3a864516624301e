"""Tenant administration: departments, categories, causes (原因分类) and the channels offered.

One page lists the four; every change is one verb of :mod:`casework.catalog`. The page's
forms post with htmx and get the page's fragment back, with the outcome beside the part that
changed; without JavaScript they post and are redirected back. Names are edited on a page of
their own per row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import orm
from werkzeug.wrappers import Response
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length

from casework import catalog, labels, routing
from casework.errors import InvalidInput, NotFound
from casework.models import Category, Cause
from casework.states import Channel, Priority
from tenants.db import db
from tenants.models import Department, Role

from ..forms import choices, coerce_id
from ..htmx import is_htmx, render
from ..tenancy import staff_required
from ..transaction import attempt
from . import bp, section

section("admin.catalogue", _l("Departments and categories"))

PAGE = "admin/catalogue.html"
FRAGMENT = "admin/_catalogue.html"
EDIT = "admin/catalogue_edit.html"


# Names are checked by the domain (empty, too long, taken); the form only bounds the request.
class DepartmentForm(FlaskForm):
    """A department's name."""

    name = StringField(_l("Department name"), validators=[Length(max=200)])


class CauseForm(FlaskForm):
    """A cause's name."""

    name = StringField(_l("Cause"), validators=[Length(max=200)])


class CategoryForm(FlaskForm):
    """A category: its name, the department it routes to and the priority its cases start at."""

    name = StringField(_l("Category name"), validators=[Length(max=200)])
    department_id = SelectField(_l("Routed to"), coerce=coerce_id)
    default_priority = SelectField(
        _l("Default priority"),
        choices=choices(labels.choices(Priority)),
        default=Priority.NORMAL.value,
    )
    # CITY-8: the handler records reaching the scene, within the on-site time limit.
    field_work = BooleanField(_l("Needs field work (arrival on site recorded)"))

    def fill(self, current: int | None = None) -> CategoryForm:
        """Offer the active departments (and the one the category routes to now)."""
        rows = [d for d in routing.departments() if d.active or d.id == current]
        self.department_id.choices = choices(
            (d.id, d.name if d.active else _("%(name)s (deactivated)", name=d.name)) for d in rows
        )
        return self


class ChannelsForm(FlaskForm):
    """The channels offered: the web on the portal, the others at the desk."""

    channels = SelectMultipleField(
        _l("Channels offered"), choices=choices(labels.choices(Channel)), validate_choice=False
    )


def _forms(**given: FlaskForm) -> dict[str, FlaskForm]:
    """The page's four forms, empty unless one comes back with its errors."""
    channels = ChannelsForm(formdata=None, prefix="channels")
    channels.channels.data = list(g.tenant.config.channels)
    forms: dict[str, FlaskForm] = {
        "department_form": DepartmentForm(formdata=None, prefix="department"),
        "category_form": CategoryForm(formdata=None, prefix="category").fill(),
        "cause_form": CauseForm(formdata=None, prefix="cause"),
        "channels_form": channels,
    }
    forms.update(given)
    return forms


def _context(notice: tuple[str, str, str] | None = None, **forms: FlaskForm) -> dict[str, Any]:
    departments = routing.departments()
    categories = list(
        db.session.scalars(
            sa.select(Category)
            .options(orm.joinedload(Category.department))
            .order_by(Category.position, Category.id)
        )
    )
    in_use: dict[int, int] = {}
    for c in categories:
        if c.active and c.department_id is not None:
            in_use[c.department_id] = in_use.get(c.department_id, 0) + 1
    return {
        "departments": departments,
        "categories": categories,
        "causes": catalog.causes(g.tenant),
        "category_counts": in_use,
        "offered": set(g.tenant.config.channels),
        "notice": notice,  # (box, kind, message): said beside the part that changed
        **_forms(**forms),
    }


def _done(box: str, message: str) -> Response:
    """After a change: the fragment for htmx, else back to the page at that part."""
    if is_htmx():
        return render(PAGE, FRAGMENT, **_context((box, "success", message)))
    flash(message, "success")
    return redirect(url_for("admin.catalogue", _anchor=box), 303)


def _refused(box: str, message: str, **forms: FlaskForm) -> Response:
    """A refused change: the page (or fragment) again, the reason beside the part."""
    return render(PAGE, FRAGMENT, status=422, **_context((box, "danger", message), **forms))


def _toggle(box: str, call: Callable[[], Any], message: str) -> Response:
    """Deactivate or reactivate a row: 404 for a row that is not the tenant's."""
    try:
        call()
    except NotFound:
        abort(404)
    except InvalidInput as exc:
        db.session.rollback()
        if is_htmx():
            return _refused(box, str(exc))
        flash(str(exc), "danger")
        return redirect(url_for("admin.catalogue", _anchor=box), 303)
    return _done(box, message)


def _row(model: type, row_id: int) -> Any:
    row = db.session.scalars(sa.select(model).where(model.id == row_id)).one_or_none()
    if row is None:
        abort(404)
    return row


def _actor():
    return current_user._get_current_object()


@bp.get("/catalogue")
@staff_required(Role.ADMIN)
def catalogue():
    """Departments, categories, causes and channels, each with its form."""
    return render(PAGE, FRAGMENT, **_context())


# Departments ------------------------------------------------------------------------------


@bp.post("/catalogue/departments")
@staff_required(Role.ADMIN)
def department_add():
    """Add a department."""
    form = DepartmentForm(prefix="department")
    if form.validate_on_submit() and attempt(
        form, lambda: catalog.add_department(g.tenant, _actor(), form.name.data)
    ):
        return _done("departments", _("Department added."))
    return _refused("departments", _("The department was not added."), department_form=form)


@bp.route("/catalogue/departments/<int:department_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def department_edit(department_id: int):
    """Rename a department."""
    row = _row(Department, department_id)
    form = DepartmentForm(prefix="department", data={"name": row.name})
    if form.validate_on_submit() and attempt(
        form, lambda: catalog.rename_department(g.tenant, _actor(), row.id, form.name.data)
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("admin.catalogue", _anchor="departments"), 303)
    return _edit_page(form, _("Department %(name)s", name=row.name), "departments")


@bp.post("/catalogue/departments/<int:department_id>/deactivate")
@staff_required(Role.ADMIN)
def department_deactivate(department_id: int):
    """Stop routing to a department; its cases and staff keep it."""
    return _toggle(
        "departments",
        lambda: catalog.deactivate_department(g.tenant, _actor(), department_id),
        _("Department deactivated."),
    )


@bp.post("/catalogue/departments/<int:department_id>/reactivate")
@staff_required(Role.ADMIN)
def department_reactivate(department_id: int):
    """Offer a department again."""
    return _toggle(
        "departments",
        lambda: catalog.reactivate_department(g.tenant, _actor(), department_id),
        _("Department reactivated."),
    )


# Categories -------------------------------------------------------------------------------


@bp.post("/catalogue/categories")
@staff_required(Role.ADMIN)
def category_add():
    """Add a category, routed to an active department."""
    form = CategoryForm(prefix="category").fill()
    if form.validate_on_submit() and attempt(
        form,
        lambda: catalog.add_category(
            g.tenant,
            _actor(),
            form.name.data,
            form.department_id.data,
            form.default_priority.data,
            bool(form.field_work.data),
        ),
    ):
        return _done("categories", _("Category added."))
    return _refused("categories", _("The category was not added."), category_form=form)


@bp.route("/catalogue/categories/<int:category_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def category_edit(category_id: int):
    """Rename a category, route it elsewhere or change its default priority."""
    row = _row(Category, category_id)
    data = {
        "name": row.name,
        "department_id": row.department_id,
        "default_priority": Priority(row.default_priority).value,
        "field_work": row.field_work,
    }
    form = CategoryForm(prefix="category", data=data).fill(row.department_id)
    if form.validate_on_submit() and attempt(
        form,
        lambda: catalog.edit_category(
            g.tenant,
            _actor(),
            row.id,
            form.name.data,
            form.department_id.data,
            form.default_priority.data,
            bool(form.field_work.data),
        ),
    ):
        flash(_("Saved. Cases already filed keep their department and priority."), "success")
        return redirect(url_for("admin.catalogue", _anchor="categories"), 303)
    return _edit_page(form, _("Category %(name)s", name=row.name), "categories")


@bp.post("/catalogue/categories/<int:category_id>/deactivate")
@staff_required(Role.ADMIN)
def category_deactivate(category_id: int):
    """Stop offering a category; its cases keep it."""
    return _toggle(
        "categories",
        lambda: catalog.deactivate_category(g.tenant, _actor(), category_id),
        _("Category deactivated: it is no longer offered."),
    )


@bp.post("/catalogue/categories/<int:category_id>/reactivate")
@staff_required(Role.ADMIN)
def category_reactivate(category_id: int):
    """Offer a category again."""
    return _toggle(
        "categories",
        lambda: catalog.reactivate_category(g.tenant, _actor(), category_id),
        _("Category reactivated: it is offered again."),
    )


# Causes -----------------------------------------------------------------------------------


@bp.post("/catalogue/causes")
@staff_required(Role.ADMIN)
def cause_add():
    """Add a cause (原因分类)."""
    form = CauseForm(prefix="cause")
    if form.validate_on_submit() and attempt(
        form, lambda: catalog.add_cause(g.tenant, _actor(), form.name.data)
    ):
        return _done("causes", _("Cause added."))
    return _refused("causes", _("The cause was not added."), cause_form=form)


@bp.route("/catalogue/causes/<int:cause_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def cause_edit(cause_id: int):
    """Rename a cause."""
    row = _row(Cause, cause_id)
    form = CauseForm(prefix="cause", data={"name": row.name})
    if form.validate_on_submit() and attempt(
        form, lambda: catalog.rename_cause(g.tenant, _actor(), row.id, form.name.data)
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("admin.catalogue", _anchor="causes"), 303)
    return _edit_page(form, _("Cause %(name)s", name=row.name), "causes")


@bp.post("/catalogue/causes/<int:cause_id>/deactivate")
@staff_required(Role.ADMIN)
def cause_deactivate(cause_id: int):
    """Stop offering a cause."""
    return _toggle(
        "causes",
        lambda: catalog.deactivate_cause(g.tenant, _actor(), cause_id),
        _("Cause deactivated."),
    )


@bp.post("/catalogue/causes/<int:cause_id>/reactivate")
@staff_required(Role.ADMIN)
def cause_reactivate(cause_id: int):
    """Offer a cause again."""
    return _toggle(
        "causes",
        lambda: catalog.reactivate_cause(g.tenant, _actor(), cause_id),
        _("Cause reactivated."),
    )


# Channels ---------------------------------------------------------------------------------


@bp.post("/catalogue/channels")
@staff_required(Role.ADMIN)
def channels_set():
    """Choose the channels offered on the portal and at the desk."""
    form = ChannelsForm(prefix="channels")
    if form.validate_on_submit() and attempt(
        form, lambda: catalog.set_channels(g.tenant, _actor(), form.channels.data or [])
    ):
        return _done("channels", _("Channels saved."))
    return _refused("channels", _("The channels were not saved."), channels_form=form)


def _edit_page(form: FlaskForm, title: str, box: str) -> Response:
    status = 422 if form.errors or form.form_errors else 200
    back = url_for("admin.catalogue", _anchor=box)
    return render_template(EDIT, form=form, title=title, back=back), status
