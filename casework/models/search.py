"""The search document of a case (one row per case), kept by the domain on every flush.

Why a table the domain fills rather than database triggers: the document is built by Python
(:mod:`casework.searchtext`: NFKC folding, the description redacted of the complainant's own
contact details through :mod:`casework.privacy`, the Chinese bigrams), which neither
engine's trigger language could repeat without a second copy of those rules. Every change to
a case goes through the ORM session, so a ``before_flush`` hook sees intake and every edit
of the fields searched, in the same transaction as the change.

The indexes over it are not in the model: each engine has its own, made by the migration
(SQLite: FTS5 tables kept by triggers on this table; PostgreSQL: GIN indexes), and the
migration test leaves them out by name (:data:`INDEX_PREFIX`).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event, orm

from tenants.db import TenantScoped, current_tenant_id, db

from .cases import Case

# The engine-specific search indexes and FTS tables all start with this.
INDEX_PREFIX = "case_search_"
# The fields of a case the document is built from: a change to one rebuilds it.
SOURCE_FIELDS = (
    "number",
    "complainant_name",
    "complainant_phone",
    "complainant_email",
    "complainant_address",
    "location",
    "description",
)


class CaseSearch(TenantScoped, db.Model):
    """What one case is found by: its number, name, phone digits and email for ranking,
    ``doc`` (number, name, place, description) for everyone, ``pdoc`` (phone, email,
    address) for those holding the personal-data right, ``grams`` for 2-character terms."""

    __tablename__ = "case_search"
    # Ranking's second tier looks for the whole name; PostgreSQL adds trigram indexes on the
    # number and the phone for the rest of that tier (the migration's).
    __table_args__ = (sa.Index("ix_case_search_name", "tenant_id", "name"),)

    case_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    number: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    name: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    phone: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    email: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    doc: orm.Mapped[str] = orm.mapped_column(sa.Text)
    pdoc: orm.Mapped[str] = orm.mapped_column(sa.Text)
    grams: orm.Mapped[str] = orm.mapped_column(sa.Text)

    case: orm.Mapped[Case] = orm.relationship()


def document_of(case: Case) -> dict[str, str]:
    """The search row's values for ``case`` (or any object with a case's fields: the
    migration's backfill and the benchmark pass plain rows)."""
    from .. import privacy, searchtext  # privacy reads the models: imported when first used

    phone = _national_digits(case.complainant_phone or "")
    description = case.description or ""
    if _repeats_contact(description, phone, case):
        description = privacy.redact(description, case)
    return vars(
        searchtext.document(
            number=case.number or "",
            name=case.complainant_name or "",
            phone_digits=phone,
            email=case.complainant_email or "",
            address=case.complainant_address or "",
            location=case.location or "",
            description=description,
        )
    )


def _national_digits(phone: str) -> str:
    """The phone as people type it (13812345678): a Chinese mobile read straight from its
    E.164 form, anything else through :func:`casework.privacy.national`."""
    from .. import privacy, searchtext

    if len(phone) == 14 and phone.startswith("+861") and phone[1:].isdigit():
        return phone[3:]
    return searchtext.digits(privacy.national(phone))


def _repeats_contact(text: str, phone: str, case: Case) -> bool:
    """Whether ``text`` may hold the complainant's own details, so that redacting it can
    change it: a cheap test first, as a backfill or a bulk load runs it on every case."""
    from .. import searchtext

    if phone and phone in searchtext.digits(text):
        return True
    lowered = text.lower()
    return any(
        len(v) >= 4 and v.lower() in lowered
        for v in (case.complainant_email, case.complainant_address, case.complainant_id_number)
        if v
    )


def _fill(row: CaseSearch, case: Case) -> None:
    for key, value in document_of(case).items():
        if getattr(row, key, None) != value:
            setattr(row, key, value)


def _changed(case: Case) -> bool:
    state = sa.inspect(case)
    return any(state.attrs[f].history.has_changes() for f in SOURCE_FIELDS)


@event.listens_for(orm.Session, "before_flush")
def _keep_documents(session: orm.Session, _ctx, _instances) -> None:
    """A new case gets its document; a case whose searched fields changed, a new one."""
    for obj in list(session.new):
        if isinstance(obj, Case):
            row = CaseSearch(case=obj, tenant_id=obj.tenant_id or current_tenant_id())
            _fill(row, obj)
            session.add(row)
    for obj in list(session.dirty):
        if isinstance(obj, Case) and obj not in session.new and _changed(obj):
            with session.no_autoflush:
                row = session.get(CaseSearch, obj.id)
            if row is None:  # a case from before the search existed, not yet backfilled
                row = CaseSearch(case_id=obj.id, tenant_id=obj.tenant_id)
                session.add(row)
            _fill(row, obj)
