"""The deadline sweep: reminders and escalation that come due, sent at most once."""

from __future__ import annotations

from casework import alerts
from casework.operations import improvements
from tenants.db import utcnow


def run() -> int:
    """Send every reminder and escalation that has come due (the schedule calls this),
    those of improvement actions (PROP-8) too."""
    now = utcnow()
    return alerts.sweep(now) + improvements.sweep(now)
