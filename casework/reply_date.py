"""The reply date intake promises (ESTATE-1), read before anything is saved.

The clerk tells the caller when to expect the answer while still on the line: the same
computation :func:`casework.operations.intake.open_case` makes for the receipt (the result
stage's target under the tenant's policy, its special rules for channel, category and
priority included, on the tenant's working calendar), on a case that is never added to the
session.
"""

from __future__ import annotations

import datetime as dt

from tenants.db import utcnow
from tenants.models import Tenant

from . import calendar, deadlines, policy, routing
from .models import Case
from .states import Channel, Priority, Stage


def expected_reply(
    tenant: Tenant,
    channel: Channel,
    category_id: int | None,
    priority: Priority | None = None,
    now: dt.datetime | None = None,
) -> deadlines.Due | None:
    """When a complaint taken now would be answered by; None when the policy sets no limit.

    An unknown or inactive category counts as none, as intake would refuse it anyway.
    """
    category = routing.category(tenant, category_id)
    if category is not None and not category.active:
        category = None
    if priority is None:
        priority = category.default_priority if category is not None else Priority.NORMAL
    # Transient: only read by the policy, never added to the session.
    draft = Case(channel=channel, category_id=category.id if category else None, priority=priority)
    target = policy.target_for(tenant, Stage.RESULT, draft)
    if target is None:
        return None
    return deadlines.compute(now or utcnow(), target, tenant.timezone, calendar.for_tenant(tenant))
