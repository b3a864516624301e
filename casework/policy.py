"""The deadline policy (时限规定): a target per stage, with overrides.

Kept in the tenant's settings (:class:`tenants.settings.TenantSettings`): ``deadlines``, a
limit per stage key, and ``deadline_overrides``, special rules for a channel, category or
priority. The most specific matching override wins.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from tenants import audit
from tenants.models import Tenant, User
from tenants.settings import Limit, Override

from . import routing
from .deadlines import Target, Unit
from .errors import InvalidInput
from .models import Case
from .states import Priority, Stage

MATCH_KEYS = ("category", "channel", "priority")
# Stages every tenant has a limit for, even if its settings predate them.
DEFAULTS = {
    Stage.URGE_RESPONSE: Target(1, Unit.WORKING_DAYS),
    Stage.SUPERVISION: Target(3, Unit.WORKING_DAYS),
    Stage.PLAN_APPROVAL: Target(1, Unit.WORKING_DAYS),
    # 协办: no rule gives a number; an assisting unit answers its part within 3 working days.
    Stage.ASSIST: Target(3, Unit.WORKING_DAYS),
    # 到达现场 (CITY-8): "within the set time", no number given; the handler is on the scene
    # within 1 hour of being named, unless the admin sets another.
    Stage.ON_SITE: Target(1, Unit.HOURS),
}


def _target(limit: Limit) -> Target:
    return Target(limit.value, limit.unit)


def target_for(tenant: Tenant, stage: Stage, case: Case) -> Target | None:
    """The case's target for ``stage``, or None when the tenant sets none."""
    special = _special_rule(tenant, stage.value, case)
    if special is not None:
        return special
    config = tenant.config
    limit = config.deadlines.get(stage.value)
    if limit is None and stage is Stage.RESULT:  # tenants made before stage policies
        limit = config.reply_deadline
    return _target(limit) if limit else DEFAULTS.get(stage)


def extension_limit(tenant: Tenant, case: Case) -> Target:
    """The most one extension may add to the case's reply deadline, and in which unit."""
    special = _special_rule(tenant, EXTENSION, case)
    if special is not None:
        return special
    limit = tenant.config.deadlines.get(EXTENSION)
    return _target(limit) if limit else DEFAULT_EXTENSION_LIMIT


def return_limit(tenant: Tenant, case: Case) -> Target:
    """How long after its dispatch the unit may return the case to the dispatchers (退单)."""
    special = _special_rule(tenant, RETURN, case)
    if special is not None:
        return special
    limit = tenant.config.deadlines.get(RETURN)
    return _target(limit) if limit else DEFAULT_RETURN_LIMIT


def _special_rule(tenant: Tenant, key: str, case: Case) -> Target | None:
    """The most specific special rule for ``key`` that matches the case, if any."""
    facts = {
        "category": getattr(routing.category(tenant, case.category_id), "code", None),
        "channel": case.channel.value,
        "priority": (case.priority or Priority.NORMAL).value,
    }
    best: tuple[int, Override] | None = None
    for rule in tenant.config.deadline_overrides:
        if rule.stage != key:
            continue
        keys = [k for k in MATCH_KEYS if getattr(rule, k) is not None]
        if all(getattr(rule, k) == facts[k] for k in keys) and (
            best is None or len(keys) > best[0]
        ):
            best = (len(keys), rule)
    return _target(best[1]) if best is not None else None


def extension_approver(tenant: Tenant) -> str:
    """Who decides extension requests: "dept_head" (of the case's unit) or "supervisor"."""
    return tenant.config.extension_approver


# The most an extension (延期) may add to a reply deadline; special rules may set it per
# channel, category or priority under the key "extension" (petitions: 30 calendar days).
EXTENSION = "extension"
DEFAULT_EXTENSION_LIMIT = Target(30, Unit.WORKING_DAYS)
# How long after its dispatch a unit may return a case outside its remit (退单); no rule
# gives a number, so 1 working day. Special rules may set it under the key "return".
RETURN = "return"
DEFAULT_RETURN_LIMIT = Target(1, Unit.WORKING_DAYS)
# What the tenant admin sets: a limit per stage, the longest extension, the time to return.
KEYS = (*(s.value for s in Stage), EXTENSION, RETURN)


def limits(tenant: Tenant) -> dict[str, Target | None]:
    """The tenant's default limit for each key of :data:`KEYS` (special rules aside)."""
    configured = tenant.config.deadlines
    defaults: dict[str, Target] = {s.value: t for s, t in DEFAULTS.items()}
    defaults[EXTENSION] = DEFAULT_EXTENSION_LIMIT
    defaults[RETURN] = DEFAULT_RETURN_LIMIT
    out: dict[str, Target | None] = {}
    for key in KEYS:
        limit = configured.get(key)
        out[key] = _target(limit) if limit else defaults.get(key)
    return out


def set_limits(tenant: Tenant, actor: User | None, targets: dict[str, Target | None]) -> None:
    """Store new default limits; cases already running keep the deadlines they were given.

    Audited when a limit in force changes: saving the page as it is (which writes the
    defaults it shows) records nothing.
    """
    before = tenant.settings.get("deadlines", {}) if tenant.settings else {}
    in_force = limits(tenant)
    deadlines = {
        key: Limit(value=t.value, unit=t.unit)
        for key, t in targets.items()
        if t is not None and key in KEYS
    }
    after = tenant.update_config(deadlines=deadlines).to_json()["deadlines"]
    if limits(tenant) != in_force:
        audit.record(actor, "policy.limits", "deadlines", {"before": before, "after": after})


def overrides(tenant: Tenant) -> list[Override]:
    """The tenant's special rules, in the order they were added."""
    return list(tenant.config.deadline_overrides)


def add_override(
    tenant: Tenant, actor: User | None, key: str, target: Target, **match: str | None
) -> Override:
    """Add a special rule for a key of :data:`KEYS`, e.g. hotline cases are dispatched within
    3 minutes (CITY-4); InvalidInput for an unknown key."""
    if key not in KEYS:
        raise InvalidInput("stage", _l("Choose a stage."))
    rule = Override(
        stage=key,
        value=target.value,
        unit=target.unit,
        **{k: v for k, v in match.items() if k in MATCH_KEYS and v},
    )
    tenant.update_config(deadline_overrides=[*overrides(tenant), rule])
    audit.record(actor, "policy.rule_added", key, {"before": None, "after": _plain(rule)})
    return rule


def remove_override(tenant: Tenant, actor: User | None, index: int) -> None:
    """Remove the special rule at ``index``; IndexError if there is none."""
    rules = overrides(tenant)
    if not 0 <= index < len(rules):
        raise IndexError(index)
    removed = rules.pop(index)
    tenant.update_config(deadline_overrides=rules)
    audit.record(
        actor, "policy.rule_removed", removed.stage, {"before": _plain(removed), "after": None}
    )


def _plain(rule: Override) -> dict[str, Any]:
    return rule.model_dump(mode="json", exclude_none=True)
