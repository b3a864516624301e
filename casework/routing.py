"""Which department a case should go to (MALL-4, ESTATE-2): the catalogue as intake reads it,
and the routing rules (分派规则).

Rules are tried in order and the first whose every given condition holds wins; a complaint
no rule takes goes where its category routes. A rule's conditions:

- category: the complaint's category is this one;
- channel: the complaint came by this channel;
- keyword: every word given appears in the description. Words are separated by spaces or
  commas (``漏水 天花板`` and ``漏水，天花板`` both mean "漏水 and 天花板"). All must appear,
  not any: one rule per word gives "any", and "all" could not be written otherwise;
- location: the text given appears in the location, as one piece.

Text is compared without regard to case or full- and half-width forms (NFKC, casefolded).
A rule needs at least one condition (an empty one would take every complaint) and an active
department. The admin's verbs here follow :mod:`casework.catalog`: each refuses bad input
with InvalidInput, leaves an audit event, and leaves the commit to its caller.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tenants import audit
from tenants.db import db, tenant_bound, tenant_cached
from tenants.models import Department, Role, Tenant, User

from . import catalog, plaintext
from .errors import InvalidInput, NotFound
from .models import Case, Category, RoutingRule
from .states import Channel, Priority

TEXT_MAX = 100  # a rule's keyword and location, as the columns hold them
_SEPARATORS = re.compile(r"[\s,，、;；]+")


def suggest_department(case: Case) -> Department | None:
    """The department the case's category routes to, if the tenant set one."""
    category = case.category
    return category.department if category is not None else None


def departments(active_only: bool = False) -> list[Department]:
    """The bound tenant's departments in display order; ``active_only`` for the ones that
    take new work (a deactivated department keeps its cases and staff, so lists that filter
    or name existing cases want them all)."""
    stmt = sa.select(Department).order_by(Department.position, Department.id)
    if active_only:
        stmt = stmt.where(Department.active.is_(True))
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class DepartmentEntry:
    """A department as routing and the admin's lists read it: a plain, shareable copy."""

    id: int
    code: str
    name: str
    active: bool


def department_entries(tenant: Tenant) -> tuple[DepartmentEntry, ...]:
    """The tenant's departments in display order, inactive ones too, kept per process."""

    def load() -> tuple[DepartmentEntry, ...]:
        with tenant_bound(tenant.id):
            rows = db.session.execute(
                sa.select(
                    Department.id, Department.code, Department.name, Department.active
                ).order_by(Department.position, Department.id)
            )
            return tuple(DepartmentEntry(*row) for row in rows)

    return tenant_cached(tenant, "departments", load)


@dataclass(frozen=True)
class CategoryEntry:
    """A category as forms, intake and the deadline policy read it: a plain, shareable copy."""

    id: int
    code: str
    name: str
    department_id: int | None
    default_priority: Priority = Priority.NORMAL
    # Deactivated categories stay here so cases filed under them still show their name;
    # intake offers and accepts only active ones (:func:`active_categories`).
    active: bool = True
    # Its cases need field work: arrival on site is recorded against a limit (CITY-8).
    field_work: bool = False


def categories(tenant: Tenant) -> tuple[CategoryEntry, ...]:
    """The tenant's categories in display order, inactive ones too, kept per process until
    the catalogue changes."""

    def load() -> tuple[CategoryEntry, ...]:
        with tenant_bound(tenant.id):
            rows = db.session.execute(
                sa.select(
                    Category.id,
                    Category.code,
                    Category.name,
                    Category.department_id,
                    Category.default_priority,
                    Category.active,
                    Category.field_work,
                ).order_by(Category.position, Category.id)
            )
            return tuple(
                CategoryEntry(i, code, name, dept, Priority(prio), bool(active), bool(field))
                for i, code, name, dept, prio, active, field in rows
            )

    return tenant_cached(tenant, "categories", load)


def active_categories(tenant: Tenant) -> tuple[CategoryEntry, ...]:
    """The categories a complaint may be filed under: the ones the portal and desk offer."""
    return tuple(c for c in categories(tenant) if c.active)


def category(tenant: Tenant, category_id: int | None) -> CategoryEntry | None:
    """The tenant's category with that id, or None (also for another tenant's id)."""
    return next((c for c in categories(tenant) if c.id == category_id), None)


def assignable_handlers(department_id: int | None = None) -> list[User]:
    """Active staff who can be named as handler, optionally of one department."""
    stmt = sa.select(User).where(User.active.is_(True), User.holding(Role.HANDLER, Role.DEPT_HEAD))
    if department_id is not None:
        stmt = stmt.where(User.department_id == department_id)
    return list(db.session.scalars(stmt.order_by(User.department_id, User.name)))


# Routing rules ----------------------------------------------------------------------------


def fold(text: str | None) -> str:
    """Text as rules compare it: full-width forms as half-width, case ignored."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def terms(keyword: str | None) -> tuple[str, ...]:
    """The words of a rule's keyword condition, each of which the description must hold."""
    return tuple(t for t in _SEPARATORS.split(fold(keyword)) if t)


@dataclass(frozen=True)
class RuleEntry:
    """A routing rule as intake and the admin read it: a plain, shareable copy."""

    id: int
    number: int  # its place in the order, from 1, as the admin's list shows it
    category_id: int | None
    channel: str | None
    keyword: str
    location: str
    department_id: int
    active: bool

    @cached_property
    def terms(self) -> tuple[str, ...]:
        """The words the description must hold (folded)."""
        return terms(self.keyword)

    @cached_property
    def place(self) -> str:
        """The text the location must hold (folded), or empty for any."""
        return fold(self.location).strip()

    def matches(
        self, category_id: int | None, channel: str | None, description: str, location: str
    ) -> bool:
        """Every condition the rule gives holds for the complaint (text already folded)."""
        if self.category_id is not None and self.category_id != category_id:
            return False
        if self.channel is not None and self.channel != channel:
            return False
        if not all(t in description for t in self.terms):
            return False
        return not self.place or self.place in location


def rules(tenant: Tenant) -> tuple[RuleEntry, ...]:
    """The tenant's routing rules in order, inactive ones too, kept per process."""

    def load() -> tuple[RuleEntry, ...]:
        with tenant_bound(tenant.id):
            rows = db.session.execute(
                sa.select(
                    RoutingRule.id,
                    RoutingRule.category_id,
                    RoutingRule.channel,
                    RoutingRule.keyword,
                    RoutingRule.location,
                    RoutingRule.department_id,
                    RoutingRule.active,
                ).order_by(RoutingRule.position, RoutingRule.id)
            )
            return tuple(
                RuleEntry(r[0], n, r[1], r[2], r[3] or "", r[4] or "", r[5], bool(r[6]))
                for n, r in enumerate(rows, start=1)
            )

    return tenant_cached(tenant, "routing_rules", load)


def route(
    tenant: Tenant,
    category_id: int | None,
    channel: Channel | str | None,
    description: str,
    location: str,
) -> tuple[RuleEntry | None, int | None]:
    """Where a complaint goes: the first matching active rule and its department, else no
    rule and the category's department (if active), else nowhere (a dispatcher routes it).

    Reads only the per-process copies of the catalogue, so intake pays no query for it.
    """
    active = {d.id for d in department_entries(tenant) if d.active}
    channel = str(channel) if channel is not None else None
    text, place = fold(description), fold(location)
    for rule in rules(tenant):
        if rule.active and rule.department_id in active:
            if rule.matches(category_id, channel, text, place):
                return rule, rule.department_id
    entry = category(tenant, category_id)
    if entry is not None and entry.department_id in active:
        return None, entry.department_id
    return None, None


def _clean(text: str | None, field: str) -> str:
    text = " ".join(plaintext.printable(text or "", multiline=False).split())
    if len(text) > TEXT_MAX:
        raise InvalidInput(field, _l("Keep this within %(max)s characters.", max=TEXT_MAX))
    return text


def _checked(
    category_id: int | None,
    channel: str | None,
    keyword: str | None,
    location: str | None,
    department_id: int | None,
) -> dict[str, Any]:
    """A rule's values once every one is checked; InvalidInput names the first bad one."""
    category_row = None
    if category_id is not None:
        category_row = db.session.scalars(
            sa.select(Category).where(Category.id == category_id)
        ).one_or_none()
        if category_row is None:
            raise InvalidInput("category_id", _l("Choose a category from the list."))
    channel = str(channel) if channel else None
    if channel is not None and channel not in {c.value for c in Channel}:
        raise InvalidInput("channel", _l("Choose a channel from the list."))
    keyword = _clean(keyword, "keyword")
    location = _clean(location, "location")
    if not terms(keyword):
        keyword = ""
    if category_id is None and channel is None and not keyword and not location:
        raise InvalidInput(
            "conditions",
            _l(
                "Give at least one condition (category, channel, words or location): a rule "
                "without one would take every complaint."
            ),
        )
    department = catalog.active_department(department_id)
    return {
        "category_id": category_id,
        "channel": channel,
        "keyword": keyword,
        "location": location,
        "department_id": department.id,
    }


def _ordered() -> list[RoutingRule]:
    return list(
        db.session.scalars(sa.select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id))
    )


def _get(rule_id: int) -> RoutingRule:
    row = db.session.scalars(sa.select(RoutingRule).where(RoutingRule.id == rule_id)).one_or_none()
    if row is None:
        raise NotFound()
    return row


def _values(rule: RoutingRule, number: int | None = None) -> dict[str, Any]:
    """The rule in plain words for the audit trail: names, not ids."""
    category_name = (
        db.session.scalar(sa.select(Category.name).where(Category.id == rule.category_id))
        if rule.category_id is not None
        else None
    )
    department = db.session.scalar(
        sa.select(Department.name).where(Department.id == rule.department_id)
    )
    if number is None:
        number = next((n for n, r in enumerate(_ordered(), start=1) if r.id == rule.id), None)
    return {
        "number": number,
        "category": category_name,
        "channel": rule.channel,
        "keyword": rule.keyword,
        "location": rule.location,
        "department": department,
        "active": rule.active,
    }


def _record(actor: User | None, kind: str, rule: RoutingRule, before: Any, after: Any) -> None:
    audit.record(actor, kind, f"#{rule.id}", {"before": before, "after": after})
    db.session.flush()


def add_rule(
    tenant: Tenant,
    actor: User | None,
    *,
    category_id: int | None = None,
    channel: str | None = None,
    keyword: str = "",
    location: str = "",
    department_id: int | None,
) -> RoutingRule:
    """Add a rule at the end of the order (tried after every existing one)."""
    with tenant_bound(tenant.id):
        values = _checked(category_id, channel, keyword, location, department_id)
        rows = _ordered()
        position = max((r.position for r in rows), default=-1) + 1
        rule = RoutingRule(position=position, active=True, **values)
        db.session.add(rule)
        db.session.flush()
        _record(actor, "routing.rule_added", rule, None, _values(rule, len(rows) + 1))
    return rule


def edit_rule(
    tenant: Tenant,
    actor: User | None,
    rule_id: int,
    *,
    category_id: int | None = None,
    channel: str | None = None,
    keyword: str = "",
    location: str = "",
    department_id: int | None,
) -> RoutingRule:
    """Change a rule's conditions or department; it keeps its place in the order."""
    with tenant_bound(tenant.id):
        rule = _get(rule_id)
        values = _checked(category_id, channel, keyword, location, department_id)
        before = _values(rule)
        for key, value in values.items():
            setattr(rule, key, value)
        db.session.flush()
        after = _values(rule)
        if after != before:
            _record(actor, "routing.rule_edited", rule, before, after)
    return rule


def move_rule(tenant: Tenant, actor: User | None, rule_id: int, step: int) -> RoutingRule:
    """Move a rule one place earlier (``step`` -1) or later (+1); at either end, nothing."""
    if step not in (-1, 1):
        raise ValueError(f"step {step} is neither -1 nor 1")
    with tenant_bound(tenant.id):
        rule = _get(rule_id)
        rows = _ordered()
        here = rows.index(rule)
        there = here + step
        if not 0 <= there < len(rows):
            return rule
        rows[here], rows[there] = rows[there], rows[here]
        for position, row in enumerate(rows):  # renumbered: positions from presets may tie
            row.position = position
        _record(actor, "routing.rule_moved", rule, {"number": here + 1}, {"number": there + 1})
    return rule


def deactivate_rule(tenant: Tenant, actor: User | None, rule_id: int) -> RoutingRule:
    """Keep a rule but stop applying it."""
    with tenant_bound(tenant.id):
        rule = _get(rule_id)
        if rule.active:
            before = _values(rule)
            rule.active = False
            _record(actor, "routing.rule_deactivated", rule, before, _values(rule))
    return rule


def reactivate_rule(tenant: Tenant, actor: User | None, rule_id: int) -> RoutingRule:
    """Apply a deactivated rule again; refused while its department is deactivated."""
    with tenant_bound(tenant.id):
        rule = _get(rule_id)
        if not rule.active:
            department = db.session.scalars(
                sa.select(Department).where(Department.id == rule.department_id)
            ).one_or_none()
            if department is None or not department.active:
                raise InvalidInput(
                    "department_id",
                    _l(
                        "This rule sends complaints to %(name)s, which is deactivated: "
                        "choose an active department first.",
                        name=department.name if department else "",
                    ),
                )
            before = _values(rule)
            rule.active = True
            _record(actor, "routing.rule_reactivated", rule, before, _values(rule))
    return rule


def delete_rule(tenant: Tenant, actor: User | None, rule_id: int) -> None:
    """Remove a rule for good: rules are configuration, no case points at one."""
    with tenant_bound(tenant.id):
        rule = _get(rule_id)
        _record(actor, "routing.rule_deleted", rule, _values(rule), None)
        db.session.delete(rule)
        db.session.flush()
