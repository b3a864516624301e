"""Arrival on site (到达现场, CITY-8): for a category that needs field work, the handler goes
to the scene within the policy's on-site limit and records arriving there.

The clock (:data:`Stage.ON_SITE`) starts when a handler is named, by dispatch or by taking
the case (认领), and stops at the arrival; like every stage it reminds the handler and tells
them and their head when it is overdue (:mod:`casework.alerts`). The dispatcher's follow-up
that the handler reaches the scene (CITY-4) is that same reminder and the case page's table.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from tenants.db import utcnow
from tenants.models import User

from .. import history, routing, stages
from ..errors import InvalidInput, InvalidTransition
from ..models import Case
from ..states import Action, EventKind, Stage
from . import handling
from .guards import Facts, check, precondition

NOTE_MAX = 500


def needs_field_work(case: Case) -> bool:
    """Whether the case's category is marked as needing field work (read from the cached
    catalogue, no query)."""
    entry = routing.category(case.tenant, case.category_id)
    return entry is not None and entry.field_work


def start_clock(case: Case, now: dt.datetime) -> None:
    """Start the on-site limit when a handler is named for field work not yet reached.

    Called by dispatch and by taking a case; a second dispatch while the clock runs keeps it
    (the scene is no nearer), and an arrival already recorded is not asked for again.
    """
    if case.handler_id is None or case.arrived_at is not None or not needs_field_work(case):
        return
    if stages.open_deadline(case, Stage.ON_SITE) is None:
        stages.start(case.tenant, case, Stage.ON_SITE, now)


@precondition(Action.ARRIVE)
def _field_work_not_yet_reached(facts: Facts, _actor: User) -> None:
    case = facts.case
    if not needs_field_work(case):
        raise InvalidTransition(_l("This case's category needs no field work."))
    if case.arrived_at is not None:
        raise InvalidTransition(_l("The arrival on site is recorded already."))
    if case.handler_id is None:
        raise InvalidTransition(_l("Name a handler first: the handler goes to the scene."))


def record_arrival(case: Case, actor: User, note: str = "") -> Case:
    """Record that the handler reached the scene now (CITY-8), with what they found.

    The on-site clock stops (met or late, as the case page's table says); the entry in the
    history carries the time and whether it was late; the complainant's status page shows that
    the handler arrived, never the note, which is staff text.
    """
    check(case, actor, Action.ARRIVE)
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput("note", _l("Keep the note under 500 characters."))
    now = utcnow()
    running = stages.open_deadline(case, Stage.ON_SITE)
    case.arrived_at = now
    stages.finish(case, now, Stage.ON_SITE)
    changes: dict[str, object] = {"arrived": [None, now.isoformat(timespec="seconds")]}
    if running is not None and now > running.due_at:
        changes["on_site_late"] = True
    handling.start_work(case, actor)  # reaching the scene is work: handling has started
    # Public: the complainant sees that someone is on the scene; the note stays the staff's.
    history.record(case, EventKind.ARRIVED, actor, body=note, public=True, changes=changes)
    return case
