"""The platform console's views: log-in, the tenant list, new tenants, suspend and resume.

The operator's session lives under its own key (:data:`SESSION_KEY`), apart from the staff
desk's Flask-Login session: a staff session is nobody here, and an operator is nobody on a
desk. Every view but the log-in page sends anyone else to the log-in page.
"""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.utils import secure_filename

from casework import exchange, provisioning
from tenants import accounts, platform, presets
from tenants.db import db, tenant_bound
from tenants.models import Role, Tenant

from ..auth.links import deliver_password_link
from ..extensions import limiter
from . import bp
from .forms import FileTenantForm, OperatorLoginForm, PresetTenantForm, TenantActionForm
from .queries import slug_taken, tenant_by_slug, tenant_page

SESSION_KEY = "platform_operator"
OPEN_ENDPOINTS = frozenset({"platform.login"})


@bp.before_request
def _operators_only():
    """Bind the session's operator; send everyone else to the log-in page."""
    g.operator = platform.operator_for_session(session.get(SESSION_KEY))
    if g.operator is None and request.endpoint not in OPEN_ENDPOINTS:
        return redirect(url_for("platform.login"), 303 if request.method == "POST" else 302)
    return None


@bp.context_processor
def _operator() -> dict:
    return {"operator": g.get("operator")}


def _failed(response) -> bool:
    return response.status_code == 200  # the form shown again with its errors


def _account_key() -> str:
    return request.form.get("username", "").strip().lower()[:100]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    "20 per 10 minutes",
    methods=["POST"],
    key_func=lambda: f"platform:{request.remote_addr}",
    deduct_when=_failed,
)
@limiter.limit(
    "10 per 10 minutes",
    methods=["POST"],
    key_func=lambda: f"platform-account:{_account_key()}",
    deduct_when=_failed,
)
def login():
    """Log an operator in. A wrong password and an unknown name get one message, same work."""
    if g.operator is not None:
        return redirect(url_for("platform.index"))
    form = OperatorLoginForm()
    if form.validate_on_submit():
        operator = platform.authenticate_operator(
            form.username.data, form.password.data, current_app.config["PASSWORD_HASH_METHOD"]
        )
        if operator is not None:
            lang = session.get("lang")
            session.clear()  # whatever staff session this browser held is gone
            if lang:
                session["lang"] = lang
            session[SESSION_KEY] = platform.session_token(operator)
            return redirect(url_for("platform.index"), 303)
        form.password.errors.append(_("Wrong username or password."))
    return render_template(
        "_login.html", form=form, layout="platform/base.html", heading=_("Platform log-in")
    )


@bp.post("/logout")
def logout():
    """Log out everywhere: the operator's every session ends."""
    platform.log_out(g.operator)
    session.pop(SESSION_KEY, None)
    return redirect(url_for("platform.login"), 303)


@bp.get("/")
def index():
    """The tenants, with their case counts and last activity."""
    page = request.args.get("page", 1, type=int) or 1
    return render_template("platform/index.html", listing=tenant_page(page))


@bp.route("/tenants/new", methods=["GET", "POST"])
def new_tenant():
    """Create a tenant from a preset, with its first admin."""
    form = PresetTenantForm()
    if form.validate_on_submit():
        created = _create(
            form,
            lambda: provisioning.provision(form.slug.data, form.preset.data, name=form.name.data),
        )
        if created is not None:
            return created
    return render_template("platform/new.html", form=form)


@bp.route("/tenants/import", methods=["GET", "POST"])
def import_tenant():
    """Create a tenant from a configuration file (a preset's format), with its first admin."""
    form = FileTenantForm()
    if form.validate_on_submit():
        upload = form.config.data
        try:
            preset = _read_upload(upload.read(), upload.filename or "")
        except presets.PresetError as exc:
            form.config.errors.append(str(exc))
        else:
            origin = _origin(upload.filename or "")
            created = _create(
                form,
                lambda: provisioning.provision(
                    form.slug.data, preset, name=form.name.data or None, origin=origin
                ),
            )
            if created is not None:
                return created
    return render_template("platform/import.html", form=form)


def _create(form: PresetTenantForm | FileTenantForm, provision):
    """Provision, add the first admin with no password yet, and give them a link to set one.

    Returns the page that shows the result, or None with the form's errors filled in;
    any refusal rolls the whole creation back, so nothing is half-saved.
    """
    if slug_taken(form.slug.data):
        form.slug.errors.append(_("This address name is taken."))
        return None
    try:
        tenant = provision()
    except (ValueError, KeyError, IntegrityError) as exc:
        db.session.rollback()
        if slug_taken(form.slug.data):  # a second operator was quicker
            form.slug.errors.append(_("This address name is taken."))
        else:
            form.form_errors.append(str(exc))
        return None
    try:
        admin = accounts.create_account(
            tenant,
            None,
            username=form.admin_username.data,
            name=form.admin_name.data,
            role=Role.ADMIN,
            email=form.admin_email.data.strip(),
            label=platform.actor_label(g.operator),
        )
    except accounts.Refused as exc:
        db.session.rollback()
        field = {"username": form.admin_username, "name": form.admin_name}.get(exc.field or "")
        (field.errors if field is not None else form.form_errors).append(str(exc))
        return None
    platform.record_creation(g.operator, tenant, admin.username)
    with tenant_bound(tenant.id):
        link = deliver_password_link(admin)
    return render_template(
        "platform/created.html",
        created=tenant,
        admin=admin,
        link=link,
        # Under the address people use, like the link itself, not this request's host.
        login_url=current_app.config["PUBLIC_URL"].rstrip("/")
        + url_for("auth.login", slug=tenant.slug),
    )


def _read_upload(data: bytes, filename: str):
    """The preset an uploaded configuration file describes; PresetError says what is wrong."""
    source = secure_filename(filename) or "upload"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise presets.PresetError(_("%(file)s: not a text file in UTF-8.", file=source)) from None
    return exchange.read_config(text, source)


def _origin(filename: str) -> str:
    """What a tenant made from a file records as its preset: the file's name, made safe."""
    stem = secure_filename(filename).rsplit(".", 1)[0].lower()
    return stem[:40] or "custom"


def _tenant_from_form(form: TenantActionForm) -> Tenant:
    if not form.validate_on_submit():
        abort(400)
    tenant = tenant_by_slug(form.tenant.data)
    if tenant is None:
        abort(404)
    return tenant


@bp.route("/tenants/suspend", methods=["GET", "POST"])
def suspend():
    """Ask to confirm (GET ``?tenant=<slug>``), then pause the tenant (POST)."""
    if request.method == "GET":
        tenant = tenant_by_slug(request.args.get("tenant", ""))
        if tenant is None:
            abort(404)
        form = TenantActionForm(tenant=tenant.slug)
        return render_template("platform/suspend.html", target=tenant, form=form)
    tenant = _tenant_from_form(TenantActionForm())
    if platform.suspend_tenant(g.operator, tenant):
        flash(_("%(name)s is suspended.", name=tenant.name), "warning")
    return redirect(url_for("platform.index"), 303)


@bp.post("/tenants/resume")
def resume():
    """Lift a tenant's suspension."""
    tenant = _tenant_from_form(TenantActionForm())
    if platform.resume_tenant(g.operator, tenant):
        flash(_("%(name)s is running again.", name=tenant.name), "success")
    return redirect(url_for("platform.index"), 303)
