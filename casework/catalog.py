"""A tenant's complaint catalogue, as the admin keeps it (casework/provisioning.py creates it).

The admin keeps departments, categories, causes (原因分类) and the channels offered with one
verb per change. Each refuses bad input with :class:`~casework.errors.InvalidInput` before it
writes anything, leaves an audit event with the values before and after, and leaves the
commit to its caller. Codes are generated (``dept_7``): admins type names, in Chinese, and a
code must stay ASCII and never change, since settings and exported files name rows by it.
Names are unique per kind, ignoring case and surrounding space. Nothing cases point to is
deleted: departments, categories and causes are deactivated, and can be reactivated.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tenants import audit
from tenants.db import db, tenant_bound
from tenants.models import Department, Tenant, User

from . import plaintext
from .errors import InvalidInput, NotFound
from .models import Category, Cause, RoutingRule
from .states import Channel, Priority

NAME_MAX = 100


Row = TypeVar("Row", Department, Category, Cause)


class _Sentence:
    """Lazy messages read one after another, each in the user's language when shown."""

    def __init__(self, *parts: object) -> None:
        self.parts = parts

    def __str__(self) -> str:
        return " ".join(str(p) for p in self.parts)


class _Listed:
    """Names listed in the user's language ("a, b" / "a、b"), when shown."""

    def __init__(self, items: Sequence[object]) -> None:
        self.items = items

    def __str__(self) -> str:
        return str(_l(", ")).join(str(i) for i in self.items)


def clean_name(name: str | None) -> str:
    """A name as stored: one line, nothing invisible, single spaces, no space around it."""
    text = plaintext.printable(name or "", multiline=False)
    # Zero-width and other format characters only ever hide something in a name.
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


_DUPLICATE = {
    Department: (
        lambda name: _l("There is already a department named %(name)s.", name=name),
        lambda name: _l(
            "There is already a department named %(name)s, deactivated: reactivate it instead.",
            name=name,
        ),
    ),
    Category: (
        lambda name: _l("There is already a category named %(name)s.", name=name),
        lambda name: _l(
            "There is already a category named %(name)s, deactivated: reactivate it instead.",
            name=name,
        ),
    ),
    Cause: (
        lambda name: _l("There is already a cause named %(name)s.", name=name),
        lambda name: _l(
            "There is already a cause named %(name)s, deactivated: reactivate it instead.",
            name=name,
        ),
    ),
}


def _unique_name(model: type[Row], name: str | None, current: int | None = None) -> str:
    """The cleaned name, or InvalidInput when it is empty, too long or taken by another row
    of the same kind (active or not: two rows of one name cannot be told apart in a list)."""
    name = clean_name(name)
    if not name:
        raise InvalidInput("name", _l("Give a name."))
    if len(name) > NAME_MAX:
        raise InvalidInput("name", _l("Keep the name within %(max)s characters.", max=NAME_MAX))
    key = name.casefold()
    rows = db.session.execute(sa.select(model.id, model.name, model.active))
    for row_id, other, active in rows:
        if row_id != current and clean_name(other).casefold() == key:
            raise InvalidInput("name", _DUPLICATE[model][0 if active else 1](other))
    return name


def _new_code(model: type[Row], prefix: str) -> str:
    """The next free ``<prefix>_<n>`` of the tenant: ASCII, unique, never reused once taken."""
    taken = set(db.session.scalars(sa.select(model.code)))
    n = len(taken) + 1
    while f"{prefix}_{n}" in taken:
        n += 1
    return f"{prefix}_{n}"


def _next_position(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(model.position), -1))) + 1


def _get(model: type[Row], row_id: int) -> Row:
    """The bound tenant's row; NotFound for a missing id and for another tenant's alike."""
    row = db.session.scalars(sa.select(model).where(model.id == row_id)).one_or_none()
    if row is None:
        raise NotFound()
    return row


def active_department(department_id: int | None) -> Department:
    """The bound tenant's department a category or rule is to route to; InvalidInput on
    ``department_id`` when it is not the tenant's or is deactivated."""
    row = None
    if department_id is not None:
        row = db.session.scalars(
            sa.select(Department).where(Department.id == department_id)
        ).one_or_none()
    if row is None:
        raise InvalidInput("department_id", _l("Choose a department from the list."))
    if not row.active:
        raise InvalidInput(
            "department_id",
            _l("%(name)s is deactivated: choose an active department.", name=row.name),
        )
    return row


def _record(actor: User | None, kind: str, subject: str, before: Any, after: Any) -> None:
    audit.record(actor, kind, subject, {"before": before, "after": after})
    db.session.flush()


def _plain(row: Department | Cause) -> dict[str, Any]:
    return {"code": row.code, "name": row.name, "active": row.active}


def _set_active(
    tenant: Tenant, actor: User | None, model: type[Row], row_id: int, active: bool, kind: str
) -> Row:
    with tenant_bound(tenant.id):
        row = _get(model, row_id)
        if row.active is active:
            return row
        before = _values(row)
        row.active = active
        _record(
            actor,
            f"{kind}.{'reactivated' if active else 'deactivated'}",
            row.name,
            before,
            _values(row),
        )
    return row


def _values(row: Department | Category | Cause) -> dict[str, Any]:
    return _category_values(row) if isinstance(row, Category) else _plain(row)


def add_department(tenant: Tenant, actor: User | None, name: str) -> Department:
    """Add a department (部门) after the others, with a generated code."""
    with tenant_bound(tenant.id):
        row = Department(
            code=_new_code(Department, "dept"),
            name=_unique_name(Department, name),
            position=_next_position(Department),
            active=True,
        )
        db.session.add(row)
        _record(actor, "department.added", row.name, None, _plain(row))
    return row


def rename_department(
    tenant: Tenant, actor: User | None, department_id: int, name: str
) -> Department:
    """Give a department a new name; its code, cases, staff and routing stay."""
    with tenant_bound(tenant.id):
        row = _get(Department, department_id)
        name = _unique_name(Department, name, current=row.id)
        if name != row.name:
            before = _plain(row)
            row.name = name
            _record(actor, "department.renamed", name, before, _plain(row))
    return row


def deactivate_department(tenant: Tenant, actor: User | None, department_id: int) -> Department:
    """Stop routing to a department; refused while active categories or rules route to it.

    Its cases and staff keep pointing at it; it is no longer offered for categories, rules
    or dispatch.
    """
    with tenant_bound(tenant.id):
        row = _get(Department, department_id)
        if row.active:
            _refuse_if_routed_to(row)
        return _set_active(tenant, actor, Department, department_id, False, "department")


def reactivate_department(tenant: Tenant, actor: User | None, department_id: int) -> Department:
    """Offer a deactivated department again."""
    return _set_active(tenant, actor, Department, department_id, True, "department")


def _refuse_if_routed_to(department: Department) -> None:
    categories = list(
        db.session.scalars(
            sa.select(Category.name)
            .where(Category.department_id == department.id, Category.active.is_(True))
            .order_by(Category.position, Category.id)
        )
    )
    numbers = [
        n
        for n, (target, active) in enumerate(
            db.session.execute(
                sa.select(RoutingRule.department_id, RoutingRule.active).order_by(
                    RoutingRule.position, RoutingRule.id
                )
            ),
            start=1,
        )
        if target == department.id and active
    ]
    parts: list[object] = []
    if categories:
        parts.append(
            _l(
                "%(name)s is where the active categories %(categories)s go: route them to "
                "another department or deactivate them first.",
                name=department.name,
                categories=_Listed(categories),
            )
        )
    if numbers:
        parts.append(
            _l(
                "Routing rules %(numbers)s send complaints to %(name)s: change or deactivate "
                "them first.",
                name=department.name,
                numbers=_Listed([str(n) for n in numbers]),
            )
        )
    if parts:
        raise InvalidInput("department", _Sentence(*parts))


def _priority(value: Priority | str | None) -> Priority:
    try:
        return Priority(value or Priority.NORMAL)
    except ValueError:
        raise InvalidInput("default_priority", _l("Choose a priority from the list.")) from None


def _category_values(row: Category) -> dict[str, Any]:
    department = (
        db.session.scalar(sa.select(Department.name).where(Department.id == row.department_id))
        if row.department_id is not None
        else None
    )
    return {
        "code": row.code,
        "name": row.name,
        "department": department,
        "default_priority": Priority(row.default_priority).value,
        "active": row.active,
        # Said only when set, so the entries of the many categories without it stay as they were.
        **({"field_work": True} if row.field_work else {}),
    }


def add_category(
    tenant: Tenant,
    actor: User | None,
    name: str,
    department_id: int | None,
    default_priority: Priority | str = Priority.NORMAL,
    field_work: bool = False,
) -> Category:
    """Add a complaint category routed to an active department, offered at once; with
    ``field_work`` its cases need the handler on the scene (CITY-8)."""
    with tenant_bound(tenant.id):
        name = _unique_name(Category, name)
        department = active_department(department_id)
        row = Category(
            code=_new_code(Category, "cat"),
            name=name,
            department_id=department.id,
            position=_next_position(Category),
            default_priority=_priority(default_priority),
            active=True,
            field_work=bool(field_work),
        )
        db.session.add(row)
        _record(actor, "category.added", name, None, _category_values(row))
    return row


def edit_category(
    tenant: Tenant,
    actor: User | None,
    category_id: int,
    name: str,
    department_id: int | None,
    default_priority: Priority | str,
    field_work: bool | None = None,
) -> Category:
    """Rename a category, route it to another active department, change its default
    priority or whether it needs field work (None keeps it); cases already filed keep
    their department and priority."""
    with tenant_bound(tenant.id):
        row = _get(Category, category_id)
        name = _unique_name(Category, name, current=row.id)
        department = active_department(department_id)
        priority = _priority(default_priority)
        before = _category_values(row)
        row.name, row.department_id, row.default_priority = name, department.id, priority
        if field_work is not None:
            row.field_work = bool(field_work)
        after = _category_values(row)
        if after != before:
            _record(actor, "category.edited", name, before, after)
    return row


def deactivate_category(tenant: Tenant, actor: User | None, category_id: int) -> Category:
    """Stop offering a category at intake; its cases keep it and still show it."""
    return _set_active(tenant, actor, Category, category_id, False, "category")


def reactivate_category(tenant: Tenant, actor: User | None, category_id: int) -> Category:
    """Offer a category again; refused while it routes to a deactivated department."""
    with tenant_bound(tenant.id):
        row = _get(Category, category_id)
        if not row.active:
            active_department(row.department_id)
        return _set_active(tenant, actor, Category, category_id, True, "category")


def add_cause(tenant: Tenant, actor: User | None, name: str) -> Cause:
    """Add a cause (原因分类) that findings may name, after the others."""
    with tenant_bound(tenant.id):
        row = Cause(
            code=_new_code(Cause, "cause"),
            name=_unique_name(Cause, name),
            position=_next_position(Cause),
            active=True,
        )
        db.session.add(row)
        _record(actor, "cause.added", row.name, None, _plain(row))
    return row


def rename_cause(tenant: Tenant, actor: User | None, cause_id: int, name: str) -> Cause:
    """Give a cause a new name; findings that named it keep pointing at it."""
    with tenant_bound(tenant.id):
        row = _get(Cause, cause_id)
        name = _unique_name(Cause, name, current=row.id)
        if name != row.name:
            before = _plain(row)
            row.name = name
            _record(actor, "cause.renamed", name, before, _plain(row))
    return row


def deactivate_cause(tenant: Tenant, actor: User | None, cause_id: int) -> Cause:
    """Stop offering a cause; what already names it keeps it."""
    return _set_active(tenant, actor, Cause, cause_id, False, "cause")


def reactivate_cause(tenant: Tenant, actor: User | None, cause_id: int) -> Cause:
    """Offer a deactivated cause again."""
    return _set_active(tenant, actor, Cause, cause_id, True, "cause")


def causes(tenant: Tenant) -> list[Cause]:
    """The tenant's causes in display order, deactivated ones included."""
    with tenant_bound(tenant.id):
        return list(db.session.scalars(sa.select(Cause).order_by(Cause.position, Cause.id)))


def set_channels(tenant: Tenant, actor: User | None, channels: Iterable[str]) -> tuple[str, ...]:
    """Choose the channels (受理渠道) offered on the portal and at the desk: at least one.

    Cases that came by a channel no longer offered keep it.
    """
    chosen = {str(c) for c in channels}
    known = {c.value for c in Channel}
    if chosen - known:
        raise InvalidInput("channels", _l("Choose channels from the list."))
    if not chosen:
        raise InvalidInput("channels", _l("Offer at least one channel."))
    after = [c.value for c in Channel if c.value in chosen]
    before = list(tenant.config.channels)
    if after != before:
        with tenant_bound(tenant.id):
            tenant.update_config(channels=after)
            _record(actor, "channels.set", "channels", before, after)
    return tuple(after)
