"""Tenant administration: the mailbox complaints are read from (邮箱收件).

One form: server, port, TLS, account, password, folder, on or off. "Test connection" tries
the values in the form (the stored password when its field is left empty) without saving
them, and says in words what went wrong. Below it, the mails read last and what became of
each: the case they opened or joined, or why they were skipped.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from casework import mailboxes, privacy
from casework.errors import InvalidInput
from casework.models import Case, MailOutcome
from jobs import imap
from tenants.db import db
from tenants.models import Role

from ..tenancy import staff_required
from ..transaction import attempt
from . import bp, section

section("admin.mailbox", _l("Mailbox"))

OUTCOMES = {
    MailOutcome.OPENED: _l("New case"),
    MailOutcome.ADDED: _l("Added to its case"),
    MailOutcome.SKIPPED: _l("Skipped"),
}


class MailboxForm(FlaskForm):
    """The IMAP mailbox's settings."""

    host = StringField(_l("Mail server (IMAP)"), validators=[InputRequired(), Length(max=200)])
    port = IntegerField(
        _l("Port"),
        default=993,
        validators=[
            InputRequired(),
            NumberRange(1, 65535, message=_l("Use a port from 1 to 65535.")),
        ],
    )
    tls = BooleanField(_l("TLS from the start (IMAPS); off: STARTTLS"), default=True)
    username = StringField(_l("User name"), validators=[InputRequired(), Length(max=200)])
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=500)])
    folder = StringField(_l("Folder"), default="INBOX", validators=[Length(max=200)])
    enabled = BooleanField(_l("Read this mailbox: new mail becomes cases"))

    def values(self) -> mailboxes.MailboxSettings:
        return mailboxes.MailboxSettings(
            host=self.host.data or "",
            port=self.port.data or 0,
            tls=bool(self.tls.data),
            username=self.username.data or "",
            password=self.password.data or "",
            folder=self.folder.data or "",
            enabled=bool(self.enabled.data),
        )


@bp.route("/mailbox", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def mailbox():
    """The mailbox settings, the connection test and the mails read last."""
    box = mailboxes.mailbox(g.tenant)
    form = MailboxForm(obj=box) if request.method == "GET" else MailboxForm()
    if request.method == "GET" and box is not None:
        form.password.data = ""
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 422
        elif "test" in request.form:
            status = _test(form, box)
        else:
            changed = attempt(
                form,
                lambda: mailboxes.configure(
                    g.tenant, current_user._get_current_object(), form.values()
                ),
            )
            if changed is not None:
                flash(_("Saved.") if changed else _("Nothing changed."), "success")
                return redirect(url_for("admin.mailbox"), 303)
            status = 422
    return render_template(
        "admin/mailbox.html",
        form=form,
        box=box,
        has_password=bool(box and box.password_sealed),
        mails=_recent(box),
        outcomes=OUTCOMES,
    ), status


def _test(form: MailboxForm, box) -> int:
    """Try the form's values; the status to answer with."""
    stored = mailboxes.password(box) if box is not None else None
    values = form.values()
    try:
        values = mailboxes.check(values, stored is not None)
    except InvalidInput as exc:  # shown on its field, as saving would
        field = getattr(form, exc.field, None)
        if field is not None:
            field.errors = [*field.errors, str(exc)]
        else:
            form.form_errors.append(str(exc))
        return 422
    account = imap.Account(
        values.host,
        values.port,
        values.tls,
        values.username,
        values.password or stored or "",
        values.folder,
    )
    try:
        count = imap.probe(account)
    except imap.MailboxError as exc:
        form.form_errors.append(
            _("The connection failed: %(reason)s", reason=str(exc.message))
            + (f" ({exc.detail})" if exc.detail else "")
        )
        return 422
    flash(
        _("Connected. Mails in the folder: %(count)s. Nothing was saved yet.", count=count),
        "success",
    )
    return 200


def _recent(box) -> list[dict]:
    if box is None:
        return []
    rows = mailboxes.recent(box)
    ids = {r.case_id for r in rows if r.case_id}
    numbers = (
        dict(db.session.execute(db.select(Case.id, Case.number).where(Case.id.in_(ids))).all())
        if ids
        else {}
    )
    sees = privacy.may_see(current_user._get_current_object())
    return [
        {
            "row": r,
            "sender": r.sender if sees else privacy.mask_email(r.sender),
            "number": numbers.get(r.case_id),
        }
        for r in rows
    ]
