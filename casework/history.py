"""The append-only case history (办理记录)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, orm

from tenants.models import User

from .models import Case, CaseEvent
from .states import EventKind


def record(
    case: Case,
    kind: EventKind,
    actor: User | None,
    *,
    body: str = "",
    public: bool = False,
    changes: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> CaseEvent:
    """Append one event to the case's history."""
    ev = CaseEvent(
        case=case,
        kind=kind,
        actor_id=actor.id if actor else None,
        actor_label=actor_label if actor_label is not None else (actor.name if actor else ""),
        body=body,
        public=public,
        changes=changes or {},
    )
    orm.object_session(case).add(ev)
    return ev


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """{field: [before, after]} for the fields that changed, JSON-safe."""
    return {
        k: [_plain(before.get(k)), _plain(after.get(k))]
        for k in after
        if before.get(k) != after.get(k)
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, int | float | bool | str):
        return value
    return str(value)


@event.listens_for(orm.Session, "before_flush")
def _refuse_rewrites(session: orm.Session, _ctx, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, CaseEvent) and (
            obj in session.deleted or session.is_modified(obj, include_collections=False)
        ):
            raise RuntimeError("case history is append-only")
