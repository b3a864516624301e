"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

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
