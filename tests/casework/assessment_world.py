"""The dashboard's hand-counted month (tests/casework/stats_world.py) and one case more, for
a second handler, so the assessment has two handlers and two departments to rank.

C8  service  web  一楼  2026-11-05 09:00  dispatched 10:00 to cs_zhou; result 16:00 (6 h),
                                          sent; revisited 11-06 10:00, score 4

Counted by hand for November (Beijing):
ops_li   cases P1 P2 = 2; reopened P2 = 1; repeated 0; reply deadlines done P1 (in time),
         P2 (late) = 2, 1 in time; dispatch to result P1 23 h, P2 385 h: median (nearest
         rank) 23 h; revisit scores 5 and 2: mean 3.5
cs_zhou  cases C8 = 1; reopened 0; repeated 0; 1 reply deadline, in time; median 6 h; mean 4
ops      cases P1 P2 G4 = 3 (G4 has no handler); the same deadlines and scores as ops_li
cs       cases S3 C8 = 2; reply deadlines S3 (answered at once) and C8, both in time

Default weights (on time 3, handling time 1, satisfaction 3, reopened 2, repeats 1):
ops_li   (3·0.5 + 1·6/23 + 3·(3.5−1)/4 + 2·0.5 + 1·1) / 10 = 56.4
cs_zhou  (3·1 + 1·1 + 3·(4−1)/4 + 2·1 + 1·1) / 10 = 92.5
"""

from __future__ import annotations

from casework.operations import dispatch, handling, intake, revisits
from casework.states import Channel
from tenants.db import db, tenant_bound
from tests.casework import stats_world
from tests.casework.stats_world import Month
from tests.conftest import set_domain_clock

HOUR = 3600.0


def build(org, monkeypatch) -> Month:
    """The month of stats_world and C8, committed."""
    month = stats_world.build(org, monkeypatch)
    u = org.users

    def at(local: str) -> None:
        moment = stats_world.utc(local)
        set_domain_clock(monkeypatch, lambda: moment)

    with tenant_bound(org.tenant.id):
        at("2026-11-05 09:00")
        complaint = stats_world._complaint(org, "service", Channel.WEB, "一楼")
        c8 = intake.open_case(org.tenant, complaint, None)
        db.session.flush()
        month.ids["C8"] = c8.id
        at("2026-11-05 10:00")
        zhou = u["cs_zhou"]
        dispatch.dispatch_case(c8, u["super"], zhou.department_id, zhou.id)
        at("2026-11-05 16:00")
        handling.record_result(c8, zhou, "已向投诉人道歉并说明。")
        handling.send_result(c8, zhou)
        at("2026-11-06 10:00")
        revisits.record_revisit(c8, u["desk"], "phone", True, 4)
        db.session.commit()
    return month
