"""Improvement actions (改进措施, PROP-8, MALL-8, HOSP-10): from a figure or a group of cases a
manager says what is to be improved, by whom and by when; the owner is reminded before the
due day and told once it is overdue, like a rectification; the action's page shows the
group's count in the period before it was opened and in the same length after.

Who may: the dashboard's readers (department heads, supervisors, administrators, as
:mod:`casework.stats.scope` names them). A head who does not see every case keeps to the
actions of their own department or opened by them; the owner may always complete theirs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tenants.db import db, tenant_bound, unscoped, utcnow
from tenants.models import Department, Tenant, User

from .. import access, deadlines, outbox
from ..errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from ..models import ImprovementAction, ImprovementEvent, Notification
from ..states import NotificationKind
from ..stats import scope as stats_scope

OPEN, DONE, CANCELLED = "open", "done", "cancelled"
STATUSES = (OPEN, DONE, CANCELLED)
TITLE_LENGTH, NOTE_LENGTH = 300, 4000
PAGE_SIZE = 50
# The reminder goes this long before the due day starts (the owner's last working stretch).
REMIND_BEFORE = dt.timedelta(days=3)
# The queue parameters an action keeps: the figure's drill-down and the queue's filters
# (casework.stats.effect counts them again).
FILTER_KEYS = (
    "status",
    "kind",
    "category",
    "department",
    "channel",
    "cause",
    "location",
    "finding",
    "repeated",
    "answered",
    "reopened",
    "received_from",
    "received_to",
)


def may_manage(user: User) -> bool:
    """Whether the user opens and reads improvement actions (the dashboard's readers)."""
    return stats_scope.may_see(user)


def _visible(user: User) -> sa.ColumnElement[bool]:
    if access.sees_all(user):
        return sa.true()
    return sa.or_(
        ImprovementAction.department_id == user.department_id,
        ImprovementAction.created_by_id == user.id,
        ImprovementAction.owner_id == user.id,
    )


def get_action(action_id: int, viewer: User) -> ImprovementAction:
    """The action if the viewer may see it; the same NotFound for another tenant's."""
    action = db.session.scalars(
        sa.select(ImprovementAction).where(ImprovementAction.id == action_id)
    ).first()
    if action is None:
        raise NotFound()
    mine = action.owner_id == viewer.id
    if not mine and not may_manage(viewer):
        raise NotFound()
    if not mine and not db.session.scalar(
        sa.select(sa.literal(True)).where(ImprovementAction.id == action.id, _visible(viewer))
    ):
        raise NotFound()
    return action


def list_actions(viewer: User, page: int = 1) -> tuple[list[ImprovementAction], bool]:
    """One page of the actions the viewer sees, open first then nearest due; and whether
    there is a next page (bounded pagination on the list's index)."""
    page = max(1, min(page, 1000))
    stmt = sa.select(ImprovementAction)
    if may_manage(viewer):
        stmt = stmt.where(_visible(viewer))
    else:
        stmt = stmt.where(ImprovementAction.owner_id == viewer.id)
    rows = list(
        db.session.scalars(
            stmt.order_by(
                sa.case((ImprovementAction.status == OPEN, 0), else_=1),
                ImprovementAction.due_on,
                ImprovementAction.id,
            )
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    )
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def owners(limit: int = 500) -> list[User]:
    """The active staff an action may be given to, by name."""
    return list(
        db.session.scalars(
            sa.select(User).where(User.active.is_(True)).order_by(User.name, User.id).limit(limit)
        )
    )


def overdue(action: ImprovementAction, today: dt.date) -> bool:
    """Whether the open action is past its due day."""
    return action.status == OPEN and action.due_on < today


def clean_filters(params: dict[str, Any]) -> dict[str, str]:
    """The queue parameters worth keeping, as short strings."""
    return {k: str(params[k])[:300] for k in FILTER_KEYS if params.get(k) not in (None, "")}


def _tz(tenant_id: int) -> str:
    return db.session.get(Tenant, tenant_id).timezone


def _text(field: str, text: str, limit: int, required: bool = False) -> str:
    text = (text or "").strip()
    if required and not text:
        raise InvalidInput(field, _l("This field is required."))
    if len(text) > limit:
        raise InvalidInput(
            field, _l("Please keep it to %(count)d characters or fewer.", count=limit)
        )
    return text


def _owner(owner: User | None) -> User:
    if owner is None or not owner.active:
        raise InvalidInput("owner", _l("Choose an active member of staff."))
    return owner


def _department(department_id: int | None) -> Department | None:
    if department_id is None:
        return None
    department = db.session.get(Department, department_id)
    if department is None or not department.active:
        raise InvalidInput("department", _l("Choose a department from the list."))
    return department


def _due(due_on: dt.date | None, today: dt.date) -> dt.date:
    if not isinstance(due_on, dt.date) or due_on < today:
        raise InvalidInput("due_on", _l("Give a due day from today on."))
    return due_on


def _arm(action: ImprovementAction, tz: str) -> None:
    """Set the next alert: the reminder before due, then the overdue notice."""
    due_start = deadlines.from_local(dt.datetime.combine(action.due_on, dt.time()), tz)
    if action.status != OPEN:
        action.next_alert_at = None
    elif action.alert_level == 0:
        action.next_alert_at = due_start - REMIND_BEFORE
    elif action.alert_level == 1:
        action.next_alert_at = due_start + dt.timedelta(days=1)  # the due day has passed
    else:
        action.next_alert_at = None


def _record(action: ImprovementAction, actor: User | None, kind: str, **changes: Any) -> None:
    db.session.add(
        ImprovementEvent(
            action_id=action.id, actor_id=actor.id if actor else None, kind=kind, changes=changes
        )
    )


def _check_manager(actor: User, action: ImprovementAction | None = None) -> None:
    if not may_manage(actor):
        raise Forbidden()
    if action is not None and not db.session.scalar(
        sa.select(sa.literal(True)).where(ImprovementAction.id == action.id, _visible(actor))
    ):
        raise Forbidden()


def open_action(
    actor: User,
    title: str,
    owner: User | None,
    due_on: dt.date | None,
    department_id: int | None = None,
    filters: dict[str, Any] | None = None,
    source: str = "",
    now: dt.datetime | None = None,
) -> ImprovementAction:
    """Open an improvement action (制定改进措施并落实到人, PROP-8) on a group of cases."""
    _check_manager(actor)
    now = now or utcnow()
    tz = _tz(actor.tenant_id)
    today = deadlines.local_today(now, tz)
    held = stats_scope.own_department(actor)
    if held is not None:  # a head opens actions of their own department
        department_id = held if held != -1 else None
    action = ImprovementAction(
        title=_text("title", title, TITLE_LENGTH, required=True),
        owner_id=_owner(owner).id,
        department_id=d.id if (d := _department(department_id)) else None,
        due_on=_due(due_on, today),
        filters=clean_filters(filters or {}),
        source=(source or "").strip()[:200],
        created_by_id=actor.id,
        created_at=now,
        status=OPEN,
        alert_level=0,
    )
    _arm(action, tz)
    db.session.add(action)
    db.session.flush()
    _record(
        action,
        actor,
        "opened",
        title=action.title,
        owner=owner.name,
        due_on=action.due_on.isoformat(),
    )
    return action


def update_action(
    action: ImprovementAction,
    actor: User,
    title: str,
    owner: User | None,
    due_on: dt.date | None,
    now: dt.datetime | None = None,
) -> ImprovementAction:
    """Change what, who or by when; a new due day arms its reminders afresh."""
    _check_manager(actor, action)
    if action.status != OPEN:
        raise InvalidTransition(_l("This improvement action is no longer open."))
    now = now or utcnow()
    tz = _tz(actor.tenant_id)
    title = _text("title", title, TITLE_LENGTH, required=True)
    owner = _owner(owner)
    due_on = due_on if due_on == action.due_on else _due(due_on, deadlines.local_today(now, tz))
    changes: dict[str, Any] = {}
    if title != action.title:
        changes["title"] = [action.title, title]
    if owner.id != action.owner_id:
        changes["owner"] = [action.owner.name if action.owner else None, owner.name]
    if due_on != action.due_on:
        changes["due_on"] = [action.due_on.isoformat(), due_on.isoformat()]
        action.alert_level = 0
    if not changes:
        return action
    action.title, action.owner_id, action.due_on = title, owner.id, due_on
    _arm(action, tz)
    _record(action, actor, "updated", **changes)
    return action


def complete_action(
    action: ImprovementAction, actor: User, outcome: str, now: dt.datetime | None = None
) -> ImprovementAction:
    """The action is done (已落实), with what came of it; its reminders stop."""
    if action.owner_id != actor.id:
        _check_manager(actor, action)
    if action.status != OPEN:
        raise InvalidTransition(_l("This improvement action is no longer open."))
    action.outcome = _text("outcome", outcome, NOTE_LENGTH, required=True)
    action.status, action.done_at, action.next_alert_at = DONE, now or utcnow(), None
    _record(action, actor, "done", outcome=action.outcome)
    return action


def cancel_action(
    action: ImprovementAction, actor: User, reason: str, now: dt.datetime | None = None
) -> ImprovementAction:
    """Drop the action (撤销), with the reason; its reminders stop."""
    _check_manager(actor, action)
    if action.status != OPEN:
        raise InvalidTransition(_l("This improvement action is no longer open."))
    action.outcome = _text("outcome", reason, NOTE_LENGTH, required=True)
    action.status, action.done_at, action.next_alert_at = CANCELLED, now or utcnow(), None
    _record(action, actor, "cancelled", reason=action.outcome)
    return action


def events(action: ImprovementAction) -> list[ImprovementEvent]:
    """The action's history, oldest first."""
    return list(
        db.session.scalars(
            sa.select(ImprovementEvent)
            .where(ImprovementEvent.action_id == action.id)
            .order_by(ImprovementEvent.id)
        )
    )


# -- reminders -------------------------------------------------------------------------------


def fire(action_id: int, now: dt.datetime) -> bool:
    """Send the action's due alert, once: the level moves by a compare-and-set, so a second
    sweep (or a racing one) finds nothing to do. Returns whether a notice went out."""
    action = db.session.get(ImprovementAction, action_id)
    if action is None or action.status != OPEN or action.next_alert_at is None:
        return False
    if action.next_alert_at > now:
        return False
    level = action.alert_level
    claimed = db.session.execute(
        sa.update(ImprovementAction)
        .where(ImprovementAction.id == action.id, ImprovementAction.alert_level == level)
        .values(alert_level=level + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        return False
    db.session.refresh(action)
    tz = _tz(action.tenant_id)
    kind = NotificationKind.REMINDER if level == 0 else NotificationKind.OVERDUE
    if level == 0 and deadlines.local_today(now, tz) > action.due_on:
        # After an outage, the reminder overtaken by the due day is skipped: say overdue.
        action.alert_level, kind = 2, NotificationKind.OVERDUE
    _arm(action, tz)
    people = {
        action.owner_id,
        *([action.created_by_id] if kind is NotificationKind.OVERDUE else []),
    }
    for user_id in sorted(p for p in people if p is not None):
        db.session.add(Notification(user_id=user_id, improvement_id=action.id, kind=kind))
    outbox.after_commit("notify.improvement", action_id=action.id, kind=kind.value)
    _record(action, None, kind.value)
    return True


def sweep(now: dt.datetime, limit: int = 500) -> int:
    """Send every improvement reminder and overdue notice that has come due; the deadline
    sweep calls this beside :func:`casework.alerts.sweep`, on the same schedule."""
    with unscoped():
        due = db.session.execute(
            sa.select(ImprovementAction.id, ImprovementAction.tenant_id)
            .where(ImprovementAction.next_alert_at <= now)
            .order_by(ImprovementAction.next_alert_at)
            .limit(limit)
        ).all()
    db.session.rollback()
    sent = 0
    for action_id, tenant_id in due:
        with tenant_bound(tenant_id):
            sent += fire(action_id, now)
            db.session.commit()
    return sent
