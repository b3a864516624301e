"""Handler assessment (POWER-5) against the hand-counted month of assessment_world.py."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework import stats
from casework.stats import assessment
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound
from tenants.targets import Weights
from tests.casework import assessment_world

HOUR = 3600.0


@pytest.fixture
def month(world, monkeypatch):
    built = assessment_world.build(world.a, monkeypatch)
    monkeypatch.undo()
    with tenant_bound(world.a.tenant.id):
        yield built


def _row(rows, key):
    return next(f for f in rows if f.key == key)


def test_each_handlers_figures(month):
    u = month.org.users
    rows = assessment.by_handler(month.org.tenant, month.scope())
    assert {f.key for f in rows} == {u["ops_li"].id, u["cs_zhou"].id}
    li = _row(rows, u["ops_li"].id)
    assert (li.cases, li.reopened, li.repeated) == (2, 1, 0)
    assert (li.deadlines, li.on_time, li.on_time_share) == (2, 1, 0.5)
    assert li.median == 23 * HOUR
    assert (li.answered, li.mean) == (2, 3.5)
    zhou = _row(rows, u["cs_zhou"].id)
    assert (zhou.cases, zhou.reopened, zhou.deadlines, zhou.on_time) == (1, 0, 1, 1)
    assert (zhou.median, zhou.mean) == (6 * HOUR, 4.0)


def test_default_weights_score_and_rank(month):
    u = month.org.users
    rows = assessment.by_handler(month.org.tenant, month.scope())
    assert [(f.key, f.score, f.rank) for f in rows] == [
        (u["cs_zhou"].id, 92.5, 1),
        (u["ops_li"].id, 56.4, 2),
    ]


def test_per_department(month):
    u = month.org.users
    rows = assessment.by_department(month.org.tenant, month.scope())
    ops = _row(rows, u["ops_li"].department_id)
    assert (ops.cases, ops.reopened, ops.deadlines, ops.on_time) == (3, 1, 2, 1)
    cs = _row(rows, u["cs_zhou"].department_id)
    assert (cs.cases, cs.deadlines, cs.on_time, cs.mean) == (2, 2, 2, 4.0)
    assert [f.rank for f in rows] == [1, 2] and rows[0] is cs


def test_one_department_holds_its_own_handlers(month):
    u = month.org.users
    scope = month.scope(department_id=u["ops_li"].department_id)
    rows = assessment.by_handler(month.org.tenant, scope)
    assert [f.key for f in rows] == [u["ops_li"].id]
    mine, among = assessment.of_handler(month.org.tenant, month.scope(), u["ops_li"])
    assert (mine.rank, among, mine.cases) == (2, 2, 2)
    nobody, _ = assessment.of_handler(month.org.tenant, month.scope(), u["desk"])
    assert (nobody.cases, nobody.score, nobody.rank) == (0, None, None)


def test_the_tenant_chooses_the_figures_and_weights(month):
    tenant, u = month.org.tenant, month.org.users
    # Only the cases count: ops_li handled twice as many.
    assert stats.set_weights(
        tenant, u["admin"], {n: 0 for n in Weights.model_fields} | {"cases": 1}
    )
    rows = assessment.by_handler(tenant, month.scope())
    assert [(f.key, f.score) for f in rows] == [(u["ops_li"].id, 100.0), (u["cs_zhou"].id, 50.0)]
    # Nothing counted: no score, no rank.
    stats.set_weights(tenant, u["admin"], {"cases": 0})
    assert {(f.score, f.rank) for f in assessment.by_handler(tenant, month.scope())} == {
        (None, None)
    }
    assert not stats.set_weights(tenant, u["admin"], {"cases": 0})  # nothing changed
    db.session.commit()
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.kind == "assessment.set").order_by(AuditEvent.id)
    ).all()
    assert len(events) == 2 and events[0].changes["after"]["cases"] == 1
    with pytest.raises(ValueError):
        stats.set_weights(tenant, u["admin"], {"cases": 11})


def test_equal_scores_share_a_rank():
    rows = [
        assessment.Figures(1, "甲", cases=2, deadlines=1, on_time=1),
        assessment.Figures(2, "乙", cases=1, deadlines=2, on_time=2),
        assessment.Figures(3, "丙", cases=1, deadlines=2, on_time=1),
        assessment.Figures(4, "丁"),
    ]
    only_on_time = Weights(on_time=1, handling_time=0, satisfaction=0, reopened=0, repeats=0)
    ranked = assessment.rank(rows, only_on_time)
    assert [(f.key, f.score, f.rank) for f in ranked] == [
        (1, 100.0, 1),
        (2, 100.0, 1),
        (3, 50.0, 3),
        (4, None, None),
    ]
