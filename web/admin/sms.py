"""Tenant administration: text messages (短信) — how the tenant's texts leave (the built-in
message log or its own HTTP gateway) and a button that sends a test text. The gateway's key
is sealed when saved and never shown back. The rules are :mod:`casework.texting`; the
sending is :mod:`jobs.sms`."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, StringField, TelField
from wtforms.validators import InputRequired, Length

from casework import texting
from jobs import notify, sms
from tenants.db import utcnow
from tenants.models import Role
from tenants.settings import SMS_PROVIDERS, SMS_SIGN_LENGTH

from ..forms import choices
from ..mail.views import TEXT_STATES
from ..tenancy import staff_required
from ..transaction import attempt
from . import bp, section

section("admin.sms_page", _l("Text messages"))

PROVIDER_LABELS = {
    "log": _l("Keep texts in the message log (nothing leaves; for trying out)"),
    "http": _l("Send texts through our HTTP gateway"),
}


class GatewayForm(FlaskForm):
    provider = RadioField(
        _l("How texts are sent"),
        choices=choices((k, PROVIDER_LABELS[k]) for k in SMS_PROVIDERS),
        validators=[InputRequired()],
    )
    url = StringField(_l("Gateway address (URL)"), validators=[Length(max=300)])
    sign_name = StringField(
        _l("Sign name (签名) every text starts with"), validators=[Length(max=SMS_SIGN_LENGTH)]
    )
    account = StringField(_l("Account"), validators=[Length(max=100)])
    api_key = PasswordField(_l("API key"), validators=[Length(max=500)])
    forget_key = BooleanField(_l("Remove the stored API key"))


class TestForm(FlaskForm):
    number = TelField(_l("Mobile number to send the test text to"), validators=[Length(max=40)])


def _page(form: GatewayForm, test_form: TestForm, status: int = 200):
    config = g.tenant.config.sms
    last = sms.last_test()
    return (
        render_template(
            "admin/sms.html",
            form=form,
            test_form=test_form,
            key_stored=bool(config.api_key),
            sign=texting.sign_name(g.tenant),
            last=last,
            last_state=notify.delivery_state(last, utcnow()) if last else "",
            states=TEXT_STATES,
        ),
        status,
    )


@bp.route("/sms", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def sms_page():
    """The gateway settings; the key field is always empty (a stored key stays unless replaced)."""
    config = g.tenant.config.sms
    form = GatewayForm(
        data={
            "provider": config.provider,
            "url": config.url,
            "sign_name": config.sign_name,
            "account": config.account,
        }
    )
    if form.validate_on_submit():
        user = current_user._get_current_object()
        changed = attempt(
            form,
            lambda: texting.set_gateway(
                g.tenant,
                user,
                form.provider.data,
                form.url.data or "",
                form.sign_name.data or "",
                form.account.data or "",
                form.api_key.data or "",
                forget_key=form.forget_key.data,
            ),
        )
        if changed is not None:
            flash(_("Saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("admin.sms_page"), 303)
    return _page(form, TestForm(prefix="test"), 422 if form.is_submitted() else 200)


@bp.post("/sms/test")
@staff_required(Role.ADMIN)
def sms_test():
    """Send a test text through the saved provider, as a job; the page shows how it went."""
    test_form = TestForm(prefix="test")
    if test_form.validate_on_submit():
        if attempt(test_form, lambda: texting.ask_test(test_form.number.data or "")):
            flash(_("The test text is on its way; its outcome shows below."), "success")
            return redirect(url_for("admin.sms_page"), 303)
    config = g.tenant.config.sms
    form = GatewayForm(
        formdata=None,
        data={
            "provider": config.provider,
            "url": config.url,
            "sign_name": config.sign_name,
            "account": config.account,
        },
    )
    return _page(form, test_form, 422)
