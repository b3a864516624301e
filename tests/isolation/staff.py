"""A member of staff, and a live set-password link of theirs (for ``<token>``)."""

from __future__ import annotations

from flask import current_app

from tenants import accounts
from tenants.db import db, tenant_bound


def ids(org) -> dict[str, int | str]:
    with tenant_bound(org.tenant.id):
        user = accounts.create_account(
            org.tenant, None, username=f"new_{org.slug}", name=f"新员工 {org.slug}", role="intake"
        )
        db.session.commit()
        token = accounts.password_token(user, current_app.config["SECRET_KEY"])
        return {"user_id": user.id, "token": token}
