"""Time limits as settings give them: a number and a unit (5 working days, 3 minutes).

Apart from :mod:`tenants.settings` so the revisit settings can use them too; import them
from either.
"""

from __future__ import annotations

import enum

from pydantic import BaseModel, ConfigDict, Field


class Unit(enum.StrEnum):
    """The units a time limit may be given in."""

    MINUTES = "minutes"
    HOURS = "hours"
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"  # "within 1 month" (PROP-9): the same day of the next month


class Limit(BaseModel):
    """A time limit such as 5 working days (CO-4) or 3 minutes (CITY-4)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: int = Field(ge=1, le=10000)
    unit: Unit
