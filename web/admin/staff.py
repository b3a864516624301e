"""Tenant administration: staff (人员). Adding a member of staff, who gets a link to set
their password; changing their details, role and department; deactivating, reactivating
and resetting a password. Every change goes through a verb of :mod:`tenants.accounts`,
which audits it and refuses what would leave the organisation without an admin.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, TelField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from casework import labels
from jobs import accounts as account_mail
from tenants import accounts
from tenants.db import db
from tenants.models import Department, Role, User

from ..auth.forms import show_refusal
from ..auth.links import deliver_password_link
from ..forms import choices, coerce_id
from ..tenancy import staff_required
from . import bp, section

section("admin.staff", _l("Staff"))

# The member of staff whose new link the next page shows (mail off): their id and the
# session version the link was made for. The token itself never enters the cookie.
_SHOW_LINK = "staff_link"


def _optional_id(value) -> int | None:
    return None if value in (None, "", "None") else coerce_id(value)


class MemberForm(FlaskForm):
    """A member of staff's details, role and department."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("Email"), validators=[Optional(), Email(), Length(max=200)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=50)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    extra_roles = SelectMultipleField(_l("Also holds"))
    department_id = SelectField(_l("Department"), coerce=_optional_id, validate_choice=True)

    def fill(self, current: Department | None = None) -> None:
        """The roles, and the active departments (and the member's own, if deactivated)."""
        self.role.choices = choices((r.value, labels.label(r)) for r in Role)
        self.extra_roles.choices = choices((r.value, labels.label(r)) for r in Role)
        departments = list(
            db.session.scalars(
                sa.select(Department)
                .where(Department.active.is_(True))
                .order_by(Department.position)
            )
        )
        if current is not None and not current.active:
            departments.append(current)
        self.department_id.choices = choices(
            [("", _("— none —"))]
            + [
                (str(d.id), d.name if d.active else _("%(name)s (inactive)", name=d.name))
                for d in departments
            ]
        )


class NewMemberForm(MemberForm):
    """Adding a member of staff: their details and the user name they log in with."""

    username = StringField(
        _l("User name"),
        validators=[
            DataRequired(),
            Length(max=80),
            Regexp(
                r"^[\w.@-]+$",
                message=_l("Use letters, digits and . _ - @ only, without spaces."),
            ),
        ],
    )


def _member(user_id: int) -> User:
    """The bound tenant's member of staff, or 404 (another tenant's included)."""
    user = db.session.scalar(sa.select(User).where(User.id == user_id))
    if user is None:
        abort(404)
    return user


def _me() -> User:
    return current_user._get_current_object()


def _hand_over_link(user: User) -> None:
    """Deliver a fresh link: mailed (said in a flash), or shown on the member's page next."""
    url = deliver_password_link(user)
    if url is None:
        flash(
            _("A link to set a password is being emailed to %(email)s.", email=user.email),
            "success",
        )
    else:
        session[_SHOW_LINK] = [user.id, user.session_version]


@bp.get("/staff")
@staff_required(Role.ADMIN)
def staff():
    """The organisation's staff: role, department, and whether they can log in."""
    members = accounts.staff()
    departments = {d.id: d for d in db.session.scalars(sa.select(Department))}
    return render_template(
        "admin/staff.html",
        members=members,
        departments=departments,
        has_password=accounts.has_password,
    )


@bp.route("/staff/new", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def staff_new():
    """Add a member of staff; they get a link to set their password."""
    form = NewMemberForm()
    form.fill()
    if form.validate_on_submit():
        try:
            user = accounts.create_account(
                g.tenant,
                _me(),
                username=form.username.data,
                name=form.name.data,
                role=Role(form.role.data),
                extra_roles=[Role(r) for r in form.extra_roles.data or []],
                department_id=form.department_id.data,
                email=form.email.data or "",
                phone=form.phone.data or "",
            )
        except accounts.Refused as exc:
            show_refusal(form, exc)
        else:
            flash(_("%(name)s has been added.", name=user.name), "success")
            _hand_over_link(user)
            return redirect(url_for("admin.staff_member", user_id=user.id), 303)
    return render_template("admin/staff_new.html", form=form)


@bp.route("/staff/<int:user_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def staff_member(user_id: int):
    """One member of staff: change their details, role and department; deactivate,
    reactivate or reset their password from here."""
    user = _member(user_id)
    current = db.session.get(Department, user.department_id) if user.department_id else None
    form = MemberForm(obj=user)
    form.fill(current)
    if request.method == "GET":
        form.extra_roles.data = [r.value for r in user.role_list[1:]]
    if form.validate_on_submit():
        try:
            changed = accounts.update_member(
                _me(),
                user,
                name=form.name.data,
                email=form.email.data or "",
                phone=form.phone.data or "",
                role=Role(form.role.data),
                extra_roles=[Role(r) for r in form.extra_roles.data or []],
                department_id=form.department_id.data,
            )
        except accounts.Refused as exc:
            show_refusal(form, exc)
        else:
            flash(_("Saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("admin.staff_member", user_id=user.id), 303)
    return render_template(
        "admin/staff_member.html",
        form=form,
        member=user,
        link=_link_to_show(user),
        has_password=accounts.has_password,
        link_hours=account_mail.link_hours(),
        is_me=user.id == current_user.id,
    )


def _link_to_show(user: User) -> str | None:
    """The set-password link to show once, after adding or resetting with mail off.

    Made afresh for the state the link was issued for; if that has moved on (the link was
    used, or a newer one issued), there is nothing to show.
    """
    shown = session.get(_SHOW_LINK)
    if not shown or shown[0] != user.id:
        return None
    session.pop(_SHOW_LINK)
    if shown[1] != user.session_version or accounts.has_password(user) or not user.active:
        return None
    return account_mail.password_link_url(user)


def _refused_flash(exc: accounts.Refused) -> None:
    db.session.rollback()
    flash(str(exc), "danger")


@bp.post("/staff/<int:user_id>/deactivate")
@staff_required(Role.ADMIN)
def staff_deactivate(user_id: int):
    """Stop a member of staff logging in; their sessions end now, their cases stay theirs."""
    user = _member(user_id)
    try:
        accounts.deactivate(_me(), user)
    except accounts.Refused as exc:
        _refused_flash(exc)
    else:
        flash(_("%(name)s can no longer log in.", name=user.name), "success")
    return redirect(url_for("admin.staff_member", user_id=user_id), 303)


@bp.post("/staff/<int:user_id>/reactivate")
@staff_required(Role.ADMIN)
def staff_reactivate(user_id: int):
    """Let a deactivated member of staff log in again."""
    user = _member(user_id)
    accounts.reactivate(_me(), user)
    flash(_("%(name)s can log in again.", name=user.name), "success")
    return redirect(url_for("admin.staff_member", user_id=user_id), 303)


@bp.post("/staff/<int:user_id>/reset")
@staff_required(Role.ADMIN)
def staff_reset(user_id: int):
    """Reset a password: the old one stops working and every session ends at once; a new
    link to set one is emailed, or shown on the next page."""
    user = _member(user_id)
    try:
        accounts.reset_password(_me(), user)
    except accounts.Refused as exc:
        _refused_flash(exc)
    else:
        flash(_("The password of %(name)s no longer works.", name=user.name), "success")
        _hand_over_link(user)
    return redirect(url_for("admin.staff_member", user_id=user_id), 303)
