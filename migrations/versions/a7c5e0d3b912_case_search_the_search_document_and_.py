"""case_search: the search document of every case and its index on each engine

SQLite: two FTS5 tables over case_search (external content, kept by triggers): one with the
trigram tokenizer over doc and pdoc (3+ characters), one with unicode61 over the bigrams
(2-character Chinese terms). PostgreSQL: pg_trgm GIN indexes over doc and pdoc, and a GIN
index over the bigram array. Existing cases are backfilled.

Revision ID: a7c5e0d3b912
Revises: a7d3c91e5b20
Create Date: 2026-12-06 19:10:00.000000

"""
from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c5e0d3b912'
down_revision = 'a7d3c91e5b20'
branch_labels = None
depends_on = None

SQLITE = [
    "CREATE VIRTUAL TABLE case_search_fts USING fts5(doc, pdoc, content='case_search', "
    "content_rowid='case_id', tokenize='trigram')",
    "CREATE VIRTUAL TABLE case_search_grams USING fts5(grams, content='case_search', "
    "content_rowid='case_id', tokenize='unicode61')",
    """CREATE TRIGGER case_search_ai AFTER INSERT ON case_search BEGIN
  INSERT INTO case_search_fts(rowid, doc, pdoc) VALUES (new.case_id, new.doc, new.pdoc);
  INSERT INTO case_search_grams(rowid, grams) VALUES (new.case_id, new.grams);
END""",
    """CREATE TRIGGER case_search_ad AFTER DELETE ON case_search BEGIN
  INSERT INTO case_search_fts(case_search_fts, rowid, doc, pdoc)
    VALUES ('delete', old.case_id, old.doc, old.pdoc);
  INSERT INTO case_search_grams(case_search_grams, rowid, grams)
    VALUES ('delete', old.case_id, old.grams);
END""",
    """CREATE TRIGGER case_search_au AFTER UPDATE ON case_search BEGIN
  INSERT INTO case_search_fts(case_search_fts, rowid, doc, pdoc)
    VALUES ('delete', old.case_id, old.doc, old.pdoc);
  INSERT INTO case_search_grams(case_search_grams, rowid, grams)
    VALUES ('delete', old.case_id, old.grams);
  INSERT INTO case_search_fts(rowid, doc, pdoc) VALUES (new.case_id, new.doc, new.pdoc);
  INSERT INTO case_search_grams(rowid, grams) VALUES (new.case_id, new.grams);
END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS case_search_ai",
    "DROP TRIGGER IF EXISTS case_search_ad",
    "DROP TRIGGER IF EXISTS case_search_au",
    "DROP TABLE IF EXISTS case_search_fts",
    "DROP TABLE IF EXISTS case_search_grams",
]
POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX case_search_doc_trgm ON case_search USING gin (doc gin_trgm_ops)",
    "CREATE INDEX case_search_pdoc_trgm ON case_search USING gin (pdoc gin_trgm_ops)",
    "CREATE INDEX case_search_grams_gin ON case_search USING gin (string_to_array(grams, ' '))",
    # The ranking's second tier: a term in the case number or the phone.
    "CREATE INDEX case_search_number_trgm ON case_search USING gin (number gin_trgm_ops)",
    "CREATE INDEX case_search_phone_trgm ON case_search USING gin (phone gin_trgm_ops)",
]
FIELDS = (
    "id", "tenant_id", "number", "complainant_name", "complainant_phone", "complainant_email",
    "complainant_address", "complainant_id_number", "location", "description",
)


def _backfill(bind) -> None:
    """A document for every case already there, built by the same code as on a flush."""
    from casework.models.search import document_of

    cases = sa.table("cases", *(sa.column(f) for f in FIELDS))
    search = sa.table(
        "case_search",
        *(sa.column(c) for c in ("case_id", "tenant_id", "number", "name", "phone", "email",
                                 "doc", "pdoc", "grams")),
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(cases).where(cases.c.id > last).order_by(cases.c.id).limit(1000)
        ).all()
        if not rows:
            return
        values = []
        for row in rows:
            case = SimpleNamespace(**row._mapping)
            values.append({"case_id": row.id, "tenant_id": row.tenant_id, **document_of(case)})
        bind.execute(search.insert(), values)
        last = rows[-1].id


def upgrade():
    op.create_table('case_search',
    sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('doc', sa.Text(), nullable=False),
    sa.Column('pdoc', sa.Text(), nullable=False),
    sa.Column('grams', sa.Text(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_search_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_case_search_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_search'))
    )
    with op.batch_alter_table('case_search', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_search_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_case_search_name', ['tenant_id', 'name'], unique=False)
    bind = op.get_bind()
    for statement in SQLITE if bind.dialect.name == "sqlite" else POSTGRESQL:
        op.execute(statement)
    _backfill(bind)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DROP:
            op.execute(statement)
    with op.batch_alter_table('case_search', schema=None) as batch_op:
        batch_op.drop_index('ix_case_search_name')
        batch_op.drop_index(batch_op.f('ix_case_search_tenant_id'))
    op.drop_table('case_search')
