"""Which cases are revisited, when and how (回访制度): the tenant's rules read for one case.

PROP-9 gives the timing per kind of case (complaints within 3 days of handling, repairs
within 1 month of completion, contracted services at mid-contract and at the end, events
within 1 month, other services within 1 week), CS-1 the customers' kinds, PROP-10 the rate:
every complaint, a sample of the work orders (:func:`sample_size`). The rules live in the
tenant's settings (``revisiting``, :class:`tenants.revisit_policy.Revisiting`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tenants.models import Tenant
from tenants.revisit_policy import RevisitRule, SampleBand

from . import calendar, deadlines
from .deadlines import Target
from .models import Case
from .states import CaseKind, ContactMethod, Occasion

# PROP-9's timing, the product's default for a kind the tenant gave no rule; complaints keep
# the revisit limit of the deadline policy. Work orders, contracted and help services are
# sampled (PROP-10); the rest are revisited every one.
DEFAULT_RULES: dict[CaseKind, RevisitRule] = {
    CaseKind.WORK_ORDER: RevisitRule(within={"value": 1, "unit": "months"}, rate="sample"),
    CaseKind.CONTRACTED: RevisitRule(within={"value": 7, "unit": "calendar_days"}),
    CaseKind.HELP: RevisitRule(within={"value": 7, "unit": "calendar_days"}, rate="sample"),
    CaseKind.EVENT: RevisitRule(within={"value": 1, "unit": "months"}),
    CaseKind.NEW_CUSTOMER: RevisitRule(within={"value": 1, "unit": "months"}),
    CaseKind.HIGH_VALUE: RevisitRule(
        within={"value": 7, "unit": "calendar_days"}, every={"value": 3, "unit": "months"}
    ),
    CaseKind.OTHER: RevisitRule(within={"value": 7, "unit": "calendar_days"}),
}


def rule_for(tenant: Tenant, kind: CaseKind) -> RevisitRule | None:
    """The tenant's rule for ``kind``, else the product's; None for complaints without one
    (their revisit limit is the deadline policy's ``revisit``)."""
    rule = tenant.config.revisiting.rules.get(kind.value)
    return rule if rule is not None else DEFAULT_RULES.get(kind)


def method_for(case: Case, rule: RevisitRule | None) -> ContactMethod:
    """How to revisit: the rule's method, else the way the person asked to be reached; a
    mail or a text needs its address, or it is a phone call."""
    method = ContactMethod(rule.method) if rule is not None else case.preferred_contact
    if method is ContactMethod.EMAIL and not case.complainant_email:
        return ContactMethod.PHONE
    if method is ContactMethod.SMS and not case.complainant_phone:
        return ContactMethod.PHONE
    return method


@dataclass(frozen=True)
class Window:
    """When one revisit is due: not before ``due_from``, by ``due_at`` (naive UTC)."""

    occasion: Occasion
    due_from: dt.datetime
    due_at: dt.datetime


def windows(tenant: Tenant, case: Case, rule: RevisitRule, done_at: dt.datetime) -> list[Window]:
    """The revisits a service record is due, counted from its completion ``done_at``.

    A contracted service is revisited at its midpoint and at its end (PROP-9), each within
    the rule's time; every other service once, within the rule's time of its completion.
    """

    def window(occasion: Occasion, start: dt.datetime) -> Window:
        return _window(tenant, rule, occasion, start)

    if case.kind is CaseKind.CONTRACTED and case.service_from and case.service_until:
        first, last = case.service_from, case.service_until
        middle = first + (last - first) / 2
        return [
            window(Occasion.MID_CONTRACT, _start_of(tenant, middle)),
            window(Occasion.CONTRACT_END, _start_of(tenant, last)),
        ]
    return [window(Occasion.AFTER_SERVICE, done_at)]


def next_window(tenant: Tenant, rule: RevisitRule, after: dt.datetime) -> Window | None:
    """The next of a periodic revisit (a high-value customer, CS-1): ``every`` after the
    last ended, within the rule's time of then; None for a rule without a period."""
    if rule.every is None:
        return None
    every = Target(rule.every.value, rule.every.unit)
    start = deadlines.compute(after, every, tenant.timezone, calendar.for_tenant(tenant)).at
    return _window(tenant, rule, Occasion.PERIODIC, start)


def _window(tenant: Tenant, rule: RevisitRule, occasion: Occasion, start: dt.datetime) -> Window:
    within = Target(rule.within.value, rule.within.unit) if rule.within else None
    if within is None:
        return Window(occasion, start, start)
    cal = calendar.for_tenant(tenant)
    return Window(occasion, start, deadlines.compute(start, within, tenant.timezone, cal).at)


def _start_of(tenant: Tenant, day: dt.date) -> dt.datetime:
    return deadlines.from_local(dt.datetime.combine(day, dt.time(9)), tenant.timezone)


def sample_size(population: int, bands: tuple[SampleBand, ...]) -> tuple[int, SampleBand | None]:
    """How many of a period's ``population`` orders are revisited, and the row that says so.

    PROP-10: up to 20 → 5 (all if fewer); 21–50 → 30%; 51–100 → 15%; over 100 → 20.
    A percentage is rounded up, so a rate is never undershot; never more than there are.
    """
    if population <= 0:
        return 0, None
    for band in bands:
        if band.up_to is None or population <= band.up_to:
            wanted = band.take if band.take is not None else -(-population * band.percent // 100)
            return min(population, wanted), band
    return population, None  # above every closed row and no open one: revisit them all
