"""Binding each request to the tenant in its URL, and the staff-only gate.

Every tenant URL starts with ``/t/<slug>``. The slug is resolved once per request, bound for
the tenant scoping in :mod:`tenants.db`, and released at teardown. A staff session belongs to
one tenant; on any other tenant's desk it gets a 404, the same as a URL that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import wraps
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    make_response,
    render_template,
    request,
    session,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tenants.db import bind_tenant, db, release_tenant, unscoped
from tenants.models import Role, Tenant, User

from .extensions import login_manager
from .htmx import is_htmx


def init_app(app: Flask) -> None:
    """Install the tenant binding on every request."""
    app.url_value_preprocessor(_bind_from_url)
    url_defaults(app)
    app.before_request(_keep_sessions_home)
    app.teardown_request(_release)
    app.context_processor(lambda: {"tenant": g.get("tenant")})
    login_manager.user_loader(_load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None


@dataclass(frozen=True)
class TenantView:
    """The tenant's values that the language, the clock and every page's frame read, copied
    as plain values when the request binds the tenant.

    After a database failure the session must be rolled back, which expires the ORM tenant;
    reading it again would need the database that just failed, and the error page would fail
    in turn (gunicorn's bare "Internal Server Error"). Error pages render from this copy.
    """

    id: int
    slug: str
    name: str
    locale: str
    timezone: str
    primary_color: str
    logo_svg: str
    logo_etag: str
    letterhead: str

    @classmethod
    def of(cls, tenant: Tenant) -> TenantView:
        return cls(**{f.name: getattr(tenant, f.name) for f in fields(cls)})


def _bind_from_url(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if not values or "slug" not in values:
        return
    slug = values.pop("slug")
    with unscoped():
        tenant = db.session.scalars(sa.select(Tenant).where(Tenant.slug == slug)).one_or_none()
    if tenant is None:
        abort(404)
    g.tenant = tenant
    # Plain values, never expired: read by i18n, url_for after a commit and the error pages.
    g.tenant_view = TenantView.of(tenant)
    g.tenant_token = bind_tenant(tenant.id)
    if tenant.suspended_at is not None and endpoint not in SERVED_WHILE_PAUSED:
        abort(_paused())


# What a suspended tenant still serves: the colours and logo its paused page is drawn with.
SERVED_WHILE_PAUSED = frozenset({"brand_css", "brand_logo"})


def _paused() -> Response:
    """The 503 every URL of a suspended tenant answers, in the tenant's language.

    Checked here, where the URL's tenant is bound, so the portal, the status lookup, the
    desk, its log-in and any blueprint added later are paused alike, before any view or
    session loads: staff cannot log in, and a session that was open finds nothing (it works
    again once the tenant is resumed). Nothing is deleted. Jobs are not paused: letters,
    reminders and mail already owed keep going out (see :mod:`tenants.platform`).
    """
    title = _("Service paused")
    text = _(
        "%(name)s has paused this service for now. Your complaints and cases are kept; "
        "please try again later.",
        name=g.tenant_view.name,
    )
    if is_htmx():
        page = render_template("errors/_error.html", code=503, title=title, text=text)
    else:
        page = render_template("errors/paused.html", title=title, text=text)
    response = make_response(page, 503)
    response.vary.add("HX-Request")
    return response


DESK_PREFIX = "/t/<slug>/desk"


def is_desk(blueprint: Blueprint | None) -> bool:
    """Whether a blueprint serves the staff desk: its URL prefix lies under ``/t/<slug>/desk``.

    Read from the prefix rather than listed by name, so a new desk blueprint is guarded the
    moment it is registered.
    """
    prefix = (blueprint.url_prefix or "") if blueprint is not None else ""
    return prefix.rstrip("/") == DESK_PREFIX or prefix.startswith(DESK_PREFIX + "/")


def desk_blueprints(app: Flask) -> frozenset[str]:
    """The names of the app's desk blueprints."""
    return frozenset(name for name, bp in app.blueprints.items() if is_desk(bp))


def _keep_sessions_home() -> None:
    """A staff session is good for its own tenant's desk only; elsewhere it finds nothing."""
    if "tenant" not in g or not is_desk(current_app.blueprints.get(request.blueprint or "")):
        return
    owner = session_tenant_id()
    if owner is not None and owner != g.tenant.id:
        abort(404)


def _release(_exc: BaseException | None) -> None:
    token = g.pop("tenant_token", None)
    if token is not None:
        release_tenant(token)


def url_defaults(app: Flask) -> None:
    """Fill ``slug`` in url_for() from the bound tenant, so templates never pass it."""
    tenant_endpoints: set[str] = set()

    @app.url_defaults
    def _add_slug(endpoint: str, values: dict[str, Any]) -> None:
        if "slug" in values or "tenant_view" not in g:
            return
        if not tenant_endpoints:  # the URL map is complete once the first request runs
            tenant_endpoints.update(
                r.endpoint for r in app.url_map.iter_rules() if "slug" in r.arguments
            )
        if endpoint in tenant_endpoints:
            values["slug"] = g.tenant_view.slug


def _load_user(user_id: str) -> User | None:
    """The session's user, while the session is current: same tenant, same session version.

    A session signed before the user logged out, was deactivated or got a new password
    carries an older version and loads nobody, so its cookie is worth nothing when replayed.
    """
    tenant = g.get("tenant")
    parts = user_id.split(":")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) < 19 for p in parts):
        return None
    tenant_id, uid, version = (int(p) for p in parts)
    if tenant is None or tenant.id != tenant_id:
        return None
    user = db.session.get(User, uid)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def session_tenant_id() -> int | None:
    """The tenant the logged-in session belongs to, if any."""
    raw = session.get("_user_id") or ""
    head = raw.partition(":")[0]
    return int(head) if head.isdigit() else None


def staff_required(*roles: Role) -> Callable:
    """Guard a desk view: same tenant's staff only, optionally of certain roles."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapper.staff_roles = roles  # read by the route-walking tests
        return wrapper

    return decorate
