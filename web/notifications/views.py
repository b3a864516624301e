"""The notices page, marking them read, and the bell's count that htmx polls."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from casework import notifications
from tenants.models import Role

from ..tenancy import staff_required
from . import bp

STAFF = tuple(Role)


@bp.get("")
@staff_required(*STAFF)
def index():
    """The user's reminders and escalations, newest first."""
    rows = notifications.recent(current_user, limit=50)
    return render_template("notifications/index.html", rows=rows)


@bp.post("/read")
@staff_required(*STAFF)
def read():
    """Mark all of the user's notifications read."""
    notifications.mark_all_read(current_user)
    return redirect(url_for("notifications.index"), 303)


@bp.get("/badge")
@staff_required(*STAFF)
def badge():
    """The bell's count, polled by htmx."""
    count = notifications.unread_count(current_user)
    return render_template("notifications/_bell.html", count=count)
