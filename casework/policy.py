"""The deadline policy (时限规定): a target per stage, with overrides.

Kept in the tenant's settings as ``{"deadlines": {"result": {"value": 5, "unit":
"working_days"}, …}, "deadline_overrides": [{"stage": "dispatch", "channel": "hotline",
"value": 3, "unit": "minutes"}, …]}``. The most specific matching override wins.
"""

from __future__ import annotations

from typing import Any

from tenants.models import Tenant

from . import routing
from .deadlines import Target, Unit
from .models import Case
from .states import Priority, Stage

MATCH_KEYS = ("category", "channel", "priority")
# Stages every tenant has a limit for, even if its settings predate them.
DEFAULTS = {
    Stage.URGE_RESPONSE: Target(1, Unit.WORKING_DAYS),
    Stage.SUPERVISION: Target(3, Unit.WORKING_DAYS),
}


def target_for(tenant: Tenant, stage: Stage, case: Case) -> Target | None:
    """The case's target for ``stage``, or None when the tenant sets none."""
    special = _special_rule(tenant, stage.value, case)
    if special is not None:
        return special
    setting = tenant.setting("deadlines", {}).get(stage.value)
    if setting is None and stage is Stage.RESULT:  # tenants made before stage policies
        setting = tenant.setting("reply_deadline")
    return Target.from_setting(setting) if setting else DEFAULTS.get(stage)


def extension_limit(tenant: Tenant, case: Case) -> Target:
    """The most one extension may add to the case's reply deadline, and in which unit."""
    special = _special_rule(tenant, EXTENSION, case)
    if special is not None:
        return special
    setting = tenant.setting("deadlines", {}).get(EXTENSION)
    return Target.from_setting(setting) if setting else DEFAULT_EXTENSION_LIMIT


def _special_rule(tenant: Tenant, key: str, case: Case) -> Target | None:
    """The most specific special rule for ``key`` that matches the case, if any."""
    facts = {
        "category": getattr(routing.category(tenant, case.category_id), "code", None),
        "channel": case.channel.value,
        "priority": (case.priority or Priority.NORMAL).value,
    }
    best: tuple[int, dict[str, Any]] | None = None
    for rule in tenant.setting("deadline_overrides", []):
        if rule.get("stage") != key:
            continue
        keys = [k for k in MATCH_KEYS if k in rule]
        if all(rule[k] == facts[k] for k in keys) and (best is None or len(keys) > best[0]):
            best = (len(keys), rule)
    return Target.from_setting(best[1]) if best is not None else None


def extension_approver(tenant: Tenant) -> str:
    """Who decides extension requests: "dept_head" (of the case's unit) or "supervisor"."""
    return tenant.setting("extension_approver", "dept_head")


# Every stage a case can enter, in the order handling meets them.
EDITABLE = (
    Stage.ACCEPTANCE,
    Stage.DISPATCH,
    Stage.FIRST_CONTACT,
    Stage.RESULT,
    Stage.REVISIT,
    Stage.SPECIAL_MEASURES,
    Stage.RECTIFICATION,
    Stage.URGE_RESPONSE,
    Stage.SUPERVISION,
)

# The most an extension (延期) may add to a reply deadline; special rules may set it per
# channel, category or priority under the key "extension" (petitions: 30 calendar days).
EXTENSION = "extension"
DEFAULT_EXTENSION_LIMIT = Target(30, Unit.WORKING_DAYS)
# What the tenant admin sets: a limit per stage, and the longest extension.
KEYS = (*(s.value for s in EDITABLE), EXTENSION)


def limits(tenant: Tenant) -> dict[str, Target | None]:
    """The tenant's default limit for each key of :data:`KEYS` (special rules aside)."""
    settings = tenant.setting("deadlines", {})
    defaults: dict[str, Target] = {s.value: t for s, t in DEFAULTS.items()}
    defaults[EXTENSION] = DEFAULT_EXTENSION_LIMIT
    out: dict[str, Target | None] = {}
    for key in KEYS:
        setting = settings.get(key)
        out[key] = Target.from_setting(setting) if setting else defaults.get(key)
    return out


def set_limits(tenant: Tenant, targets: dict[str, Target | None]) -> None:
    """Store new default limits; cases already running keep the deadlines they were given."""
    deadlines = {
        key: {"value": t.value, "unit": t.unit.value}
        for key, t in targets.items()
        if t is not None and key in KEYS
    }
    # A new dict, so the JSON column is seen as changed.
    tenant.settings = {**(tenant.settings or {}), "deadlines": deadlines}


def overrides(tenant: Tenant) -> list[dict[str, Any]]:
    """The tenant's special rules, in the order they were added."""
    return list(tenant.setting("deadline_overrides", []))


def add_override(tenant: Tenant, key: str, target: Target, **match: str | None) -> dict[str, Any]:
    """Add a special rule for a key of :data:`KEYS`, e.g. hotline cases are dispatched within
    3 minutes (CITY-4); ValueError for an unknown key."""
    if key not in KEYS:
        raise ValueError(f"no time limit called {key!r}")
    rule: dict[str, Any] = {"stage": key, "value": target.value, "unit": target.unit.value}
    rule.update({k: v for k, v in match.items() if k in MATCH_KEYS and v})
    tenant.settings = {**(tenant.settings or {}), "deadline_overrides": [*overrides(tenant), rule]}
    return rule


def remove_override(tenant: Tenant, index: int) -> None:
    """Remove the special rule at ``index``; IndexError if there is none."""
    rules = overrides(tenant)
    del rules[index]
    tenant.settings = {**(tenant.settings or {}), "deadline_overrides": rules}
