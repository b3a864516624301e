"""Figures against the tenant's floors (目标值): met or below, for the dashboard's badges."""

from __future__ import annotations

from dataclasses import dataclass

from tenants import audit
from tenants.models import Tenant, User
from tenants.targets import Targets

from ..states import Stage

# The stages whose on-time share has a floor, by the floor's name.
STAGE_FLOORS = {
    Stage.ACCEPTANCE: "on_time_acceptance",
    Stage.DISPATCH: "on_time_dispatch",
    Stage.RESULT: "on_time_reply",
    Stage.REVISIT: "on_time_revisit",
}


@dataclass(frozen=True)
class Against:
    """A share (0..1, or None with nothing counted) beside its floor in percent (or None)."""

    share: float | None
    floor: int | None

    @property
    def percent(self) -> float | None:
        """The share in percent, one decimal."""
        return None if self.share is None else round(self.share * 100, 1)

    @property
    def met(self) -> bool | None:
        """True at or above the floor, False below, None without a floor or a figure."""
        if self.floor is None or self.share is None:
            return None
        return self.share * 100 >= self.floor


def targets(tenant: Tenant) -> Targets:
    """The tenant's floors."""
    return tenant.config.targets


def against(tenant: Tenant, name: str, share: float | None) -> Against:
    """``share`` beside the tenant's floor ``name`` (one of tenants.targets.FLOORS)."""
    return Against(share, targets(tenant).floor(name))


def stage_against(tenant: Tenant, stage: Stage, share: float | None) -> Against:
    """A stage's on-time share beside its floor, if the stage has one."""
    name = STAGE_FLOORS.get(stage)
    return Against(share, targets(tenant).floor(name) if name else None)


def set_targets(tenant: Tenant, actor: User | None, floors: dict[str, int | None]) -> bool:
    """Store the floors (None clears one); False when nothing changed. ValueError if one
    is out of 0..100. Audited before and after, like every setting."""
    before = targets(tenant).model_dump()
    after = {**before, **floors}
    if after == before:
        return False
    tenant.update_config(targets={k: v for k, v in after.items() if v is not None})
    event = audit.record(actor, "targets.set", "targets", {"before": before, "after": after})
    event.tenant_id = tenant.id
    return True


def set_weights(tenant: Tenant, actor: User | None, weights: dict[str, int]) -> bool:
    """Store the assessment's weights (考核权重, POWER-5); False when nothing changed.
    ValueError if one is out of 0..10. Audited before and after, like every setting."""
    before = tenant.config.assessment.model_dump()
    after = {**before, **weights}
    if after == before:
        return False
    tenant.update_config(assessment=after)
    event = audit.record(actor, "assessment.set", "assessment", {"before": before, "after": after})
    event.tenant_id = tenant.id
    return True
