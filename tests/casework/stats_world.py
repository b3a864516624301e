"""A small, hand-counted month of complaints for the dashboard's figures (issue 13).

Built through the real verbs with the domain's clock set to each moment (Beijing time), so
deadlines, findings, remedies and revisits are what the product records. The figures the
tests expect are counted by hand from the table below; the period is November 2026.

P1  price    web      二楼  2026-11-03 10:00  dispatched 11:00; valid, refund 60.00 on 11-04 10:00;
                                                revisited 11-05 10:00, score 5
P2  price    phone    二楼  2026-11-03 15:00  dispatched 11-04 09:00; not valid 11-20 10:00 (late);
                                                revisited 11-21 10:00, score 2: reopened
S3  service  walk_in  一楼  2026-11-10 09:00  answered at once
G4  product  web      三楼  2026-11-15 09:00  left waiting for dispatch: overdue now
O5  price    web      二楼  2026-10-20 09:00  October: outside the period
Y6  price    web      二楼  2025-11-03 09:00  the same month a year before
Y7  service  web            2025-11-20 09:00  the same month a year before
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from casework import stats
from casework.models import Case
from casework.operations import answered, dispatch, handling, intake, revisits
from casework.states import Channel
from tenants.db import db, tenant_bound
from tests.conftest import Org, set_domain_clock

NOW = dt.datetime(2026, 12, 7, 2, 0)  # 10:00 on 7 December in Beijing, as stored UTC


def utc(local: str) -> dt.datetime:
    """A Beijing local time as the naive UTC the database stores."""
    return dt.datetime.fromisoformat(local) - dt.timedelta(hours=8)


@dataclass
class Month:
    """The cases built, by their name in the table above."""

    org: Org
    ids: dict[str, int]

    def scope(self, **kwargs) -> stats.Scope:
        return stats.Scope.of(self.org.tenant, now=NOW, **kwargs)


def _complaint(org: Org, code: str, channel: Channel, place: str) -> intake.Complaint:
    return intake.Complaint(
        channel=channel,
        category_id=org.category(code).id,
        description="统计用的投诉。",
        name="张伟",
        phone="13812345678",
        email="",
        location=place,
    )


def build(org: Org, monkeypatch) -> Month:
    """Build the month's cases in ``org`` (a mall) and commit them."""
    u = org.users
    ids: dict[str, int] = {}

    def at(local: str) -> None:
        moment = utc(local)
        set_domain_clock(monkeypatch, lambda: moment)

    def opened(name: str, local: str, code: str, channel: Channel, place: str) -> Case:
        at(local)
        actor = None if channel is Channel.WEB else u["desk"]
        case = intake.open_case(org.tenant, _complaint(org, code, channel, place), actor)
        db.session.flush()
        ids[name] = case.id
        return case

    with tenant_bound(org.tenant.id):
        p1 = opened("P1", "2026-11-03 10:00", "price", Channel.WEB, "二楼")
        at("2026-11-03 11:00")
        dispatch.dispatch_case(p1, u["super"], u["ops_li"].department_id, u["ops_li"].id)
        at("2026-11-04 10:00")
        handling.record_result(
            p1, u["ops_li"], "已退还差价。", "退款", finding="valid",
            cause_id=_cause(), remedy_type="refund", remedy_amount="60.00",
        )  # fmt: skip
        handling.send_result(p1, u["ops_li"])
        at("2026-11-05 10:00")
        revisits.record_revisit(p1, u["desk"], "phone", True, 5)

        p2 = opened("P2", "2026-11-03 15:00", "price", Channel.PHONE, "二楼")
        at("2026-11-04 09:00")
        dispatch.dispatch_case(p2, u["super"], u["ops_li"].department_id, u["ops_li"].id)
        at("2026-11-20 10:00")
        handling.record_result(p2, u["ops_li"], "价格无误。", finding="not_valid")
        handling.send_result(p2, u["ops_li"])
        at("2026-11-21 10:00")
        revisits.record_revisit(p2, u["desk"], "phone", True, 2)

        at("2026-11-10 09:00")
        s3 = answered.answer_at_once(
            org.tenant, _complaint(org, "service", Channel.WALK_IN, "一楼"), "当场解释。", u["desk"]
        )
        db.session.flush()
        ids["S3"] = s3.id
        opened("G4", "2026-11-15 09:00", "product", Channel.WEB, "三楼")
        opened("O5", "2026-10-20 09:00", "price", Channel.WEB, "二楼")
        opened("Y6", "2025-11-03 09:00", "price", Channel.WEB, "二楼")
        opened("Y7", "2025-11-20 09:00", "service", Channel.WEB, "")
        db.session.commit()
    return Month(org, ids)


def _cause() -> int:
    import sqlalchemy as sa

    from casework.models import Cause

    return db.session.scalar(sa.select(Cause.id).where(Cause.code == "pricing"))
