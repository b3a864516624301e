"""Closing a case (归档): the one place that sets what every way of closing sets."""

from __future__ import annotations

import datetime as dt

from ..models import Case
from ..states import Closure, Status


def close(case: Case, closure: Closure, now: dt.datetime) -> Status:
    """Mark the case closed as ``closure`` at ``now``; returns the status it had, for the
    history entry each verb writes in its own words (closed, merged, referred out...)."""
    before = case.status
    case.status = Status.CLOSED
    case.closure = closure
    case.closed_at = now
    return before
