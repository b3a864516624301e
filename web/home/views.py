"""Pages outside any tenant: nothing here is bound to an organisation."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, render_template

from tenants.db import db, unscoped
from tenants.models import Tenant

from . import bp


@bp.get("/")
def index():
    """List the tenants (demo and small installs); big installs switch it off.

    A suspended tenant is left out: its pages only say the service is paused.
    """
    if not current_app.config["SHOW_TENANT_DIRECTORY"]:
        abort(404)
    with unscoped():
        tenants = db.session.scalars(
            sa.select(Tenant).where(Tenant.suspended_at.is_(None)).order_by(Tenant.id).limit(100)
        ).all()
    return render_template("home/index.html", tenants=tenants)


@bp.get("/healthz")
def healthz():
    """Liveness for the process manager."""
    return {"ok": True}
