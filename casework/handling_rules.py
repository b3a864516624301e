"""The tenant's rules for two moments of handling, set on one page of 机构设置:

- what follows when a complainant is not satisfied with the result (MALL-6): back to
  handling, closed as explained, or staff choose case by case;
- the words that tell the complainant which unit handles their case (HOSP-4);
- how many days back intake offers a case as the one a new contact repeats (CITY-6).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tenants import audit
from tenants.models import Tenant, User
from tenants.settings import DISPATCH_NOTICE_LENGTH, UNIT_PLACEHOLDER

from .errors import InvalidInput

NOT_SATISFIED = ("choose", "reopen", "close")


REPEAT_WINDOW_MAX = 366


def set_rules(
    tenant: Tenant,
    actor: User | None,
    not_satisfied: str,
    dispatch_notice: str,
    repeat_window: int | None = None,
) -> bool:
    """Save the rules; False when nothing changed. Audited as "rules.set", before and after.

    ``repeat_window`` (days) is left as it is when not given."""
    if not_satisfied not in NOT_SATISFIED:
        raise InvalidInput("not_satisfied", _l("Choose what follows from the list."))
    notice = " ".join(dispatch_notice.split())
    if len(notice) > DISPATCH_NOTICE_LENGTH:
        raise InvalidInput(
            "dispatch_notice",
            _l("Please keep it to %(count)d characters or fewer.", count=DISPATCH_NOTICE_LENGTH),
        )
    if notice and notice.count(UNIT_PLACEHOLDER) != 1:
        raise InvalidInput(
            "dispatch_notice",
            _l("Write %(unit)s once where the unit's name goes.", unit=UNIT_PLACEHOLDER),
        )
    if repeat_window is not None and not 1 <= repeat_window <= REPEAT_WINDOW_MAX:
        raise InvalidInput(
            "repeat_window",
            _l("Give a number of days from 1 to %(count)d.", count=REPEAT_WINDOW_MAX),
        )
    config = tenant.config
    before = {"not_satisfied": config.not_satisfied, "dispatch_notice": config.dispatch_notice}
    after = {"not_satisfied": not_satisfied, "dispatch_notice": notice}
    if repeat_window is not None:
        before["repeat_window"] = config.repeat_window
        after["repeat_window"] = repeat_window
    if after == before:
        return False
    tenant.update_config(**after)
    event = audit.record(actor, "rules.set", "handling_rules", {"before": before, "after": after})
    event.tenant_id = tenant.id
    return True
