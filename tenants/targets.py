"""The floors a tenant sets for its figures (目标值, HOSP-10, POWER-5): the dashboard shows
each figure against its floor, met or below. Percentages, each optional."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Percent = Annotated[int | None, Field(ge=0, le=100)]

# The floors in the order the settings page and the dashboard list them.
FLOORS = (
    "satisfaction",
    "on_time_acceptance",
    "on_time_dispatch",
    "on_time_reply",
    "on_time_revisit",
    "first_contact",
)


class Targets(BaseModel):
    """Floors in percent; None for a figure without one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    satisfaction: Percent = None  # share of revisit scores at or above "satisfied from"
    on_time_acceptance: Percent = None  # acceptance deadlines met (CO-2)
    on_time_dispatch: Percent = None
    on_time_reply: Percent = None  # reply (答复) deadlines met
    on_time_revisit: Percent = None
    first_contact: Percent = None  # answered at once (一次办结率)

    def floor(self, name: str) -> int | None:
        """The floor of ``name`` (one of :data:`FLOORS`), or None."""
        return getattr(self, name)


Weight = Annotated[int, Field(ge=0, le=10)]

# The figures a handler's assessment score (考核, POWER-5) may count, in the order the
# settings page and the assessment list them.
WEIGHTED = ("cases", "on_time", "handling_time", "satisfaction", "reopened", "repeats")


class Weights(BaseModel):
    """How much each figure counts in a handler's score, 0 (not counted) to 10. By default
    timeliness and satisfaction weigh most (POWER-5), then reopened and repeated cases."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cases: Weight = 0  # cases named to the handler, against the busiest handler
    on_time: Weight = 3  # reply deadlines met
    handling_time: Weight = 1  # median dispatch-to-result time, against the quickest
    satisfaction: Weight = 3  # mean revisit score
    reopened: Weight = 2  # cases not sent back to handling
    repeats: Weight = 1  # cases not reported again

    def weight(self, name: str) -> int:
        """The weight of ``name`` (one of :data:`WEIGHTED`)."""
        return getattr(self, name)
