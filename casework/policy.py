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
    facts = {
        "category": getattr(routing.category(tenant, case.category_id), "code", None),
        "channel": case.channel.value,
        "priority": (case.priority or Priority.NORMAL).value,
    }
    best: tuple[int, dict[str, Any]] | None = None
    for rule in tenant.setting("deadline_overrides", []):
        if rule.get("stage") != stage.value:
            continue
        keys = [k for k in MATCH_KEYS if k in rule]
        if all(rule[k] == facts[k] for k in keys) and (best is None or len(keys) > best[0]):
            best = (len(keys), rule)
    if best is not None:
        return Target.from_setting(best[1])
    setting = tenant.setting("deadlines", {}).get(stage.value)
    if setting is None and stage is Stage.RESULT:  # tenants made before stage policies
        setting = tenant.setting("reply_deadline")
    return Target.from_setting(setting) if setting else DEFAULTS.get(stage)


def extension_approver(tenant: Tenant) -> str:
    """Who decides extension requests: "dept_head" (of the case's unit) or "supervisor"."""
    return tenant.setting("extension_approver", "dept_head")


# The stages a case can enter today. Acceptance, special measures and rectification join
# when the flows that start them (delayed acceptance, repeat complaints, rectification
# orders) exist; a setting nothing reads would only mislead the admin.
EDITABLE = (
    Stage.DISPATCH,
    Stage.FIRST_CONTACT,
    Stage.RESULT,
    Stage.REVISIT,
    Stage.URGE_RESPONSE,
    Stage.SUPERVISION,
)


def stage_targets(tenant: Tenant) -> dict[Stage, Target | None]:
    """The tenant's default target for each editable stage (overrides aside)."""
    settings = tenant.setting("deadlines", {})
    out: dict[Stage, Target | None] = {}
    for stage in EDITABLE:
        setting = settings.get(stage.value)
        out[stage] = Target.from_setting(setting) if setting else DEFAULTS.get(stage)
    return out


def set_stage_targets(tenant: Tenant, targets: dict[Stage, Target | None]) -> None:
    """Store new default targets; cases already running keep the deadlines they were given."""
    deadlines = {
        stage.value: {"value": t.value, "unit": t.unit.value}
        for stage, t in targets.items()
        if t is not None
    }
    # A new dict, so the JSON column is seen as changed.
    tenant.settings = {**(tenant.settings or {}), "deadlines": deadlines}


def overrides(tenant: Tenant) -> list[dict[str, Any]]:
    """The tenant's special rules, in the order they were added."""
    return list(tenant.setting("deadline_overrides", []))


def add_override(
    tenant: Tenant, stage: Stage, target: Target, **match: str | None
) -> dict[str, Any]:
    """Add a special rule, e.g. hotline cases are dispatched within 3 minutes (CITY-4)."""
    rule: dict[str, Any] = {"stage": stage.value, "value": target.value, "unit": target.unit.value}
    rule.update({k: v for k, v in match.items() if k in MATCH_KEYS and v})
    tenant.settings = {**(tenant.settings or {}), "deadline_overrides": [*overrides(tenant), rule]}
    return rule


def remove_override(tenant: Tenant, index: int) -> None:
    """Remove the special rule at ``index``; IndexError if there is none."""
    rules = overrides(tenant)
    del rules[index]
    tenant.settings = {**(tenant.settings or {}), "deadline_overrides": rules}
