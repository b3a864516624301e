"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from casework.models.search import INDEX_PREFIX
from tenants.db import db


def _not_search_index(name, type_, _parent) -> bool:
    """The search's FTS tables and GIN indexes are the migration's alone (one per engine)."""
    return not (type_ in {"table", "index"} and (name or "").startswith(INDEX_PREFIX))


def test_migrations_match_the_models(app):
    with db.engine.connect() as conn:
        opts = {"compare_type": True, "include_name": _not_search_index}
        context = MigrationContext.configure(conn, opts=opts)
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_a_step_down_and_up_keeps_the_history(world):
    """Batch mode rebuilds a SQLite table by copy, drop and rename; with foreign keys on, the
    drop would cascade-delete every row that points at it (a case's events, its revisits).
    migrations/env.py turns them off for the run; a round trip over the revisit migration,
    which rebuilds ``cases`` and ``revisits``, keeps every row."""
    from flask_migrate import downgrade, upgrade

    from casework import queries
    from casework.models import Case, CaseEvent
    from casework.operations import dispatch, handling, revisits
    from tenants.db import tenant_bound
    from tests.conftest import open_case

    org, u = world.a, world.a.users
    with tenant_bound(org.tenant.id):
        case = db.session.merge(open_case(org))
        dispatch.dispatch_case(case, u["desk"], u["ops_li"].department_id, u["ops_li"].id)
        handling.record_result(case, u["ops_li"], "已退还差价 60 元", "")
        handling.send_result(case, u["ops_li"])
        revisits.record_revisit(case, u["desk"], "phone", False)
        db.session.commit()
        tenant_id, case_id = org.tenant.id, case.id

    def counts(*extra: str) -> dict[str, int]:
        tables = ("cases", "case_events", "deadlines", "pending_jobs", "messages", *extra)
        with db.engine.connect() as conn:
            count = sa.select(sa.func.count()).select_from
            return {t: conn.scalar(count(sa.table(t))) for t in tables}

    before = counts("revisit_attempts")
    assert before["case_events"] >= 5 and before["revisit_attempts"] == 1
    db.session.remove()
    downgrade(revision="a7c5e0d3b912")
    try:
        # The old shape keeps one row per attempt: the call that found nobody.
        assert counts("revisits") == {**counts(), "revisits": 1} and counts() == {
            k: v for k, v in before.items() if k != "revisit_attempts"
        }
    finally:
        upgrade()
    assert counts("revisit_attempts") == before
    with tenant_bound(tenant_id):
        events = db.session.query(CaseEvent).filter_by(case_id=case_id).count()
        assert events == before["case_events"]
        # The case still waits for its revisit, planned again beside the attempt made.
        assert queries.open_revisit(db.session.get(Case, case_id)) is not None
