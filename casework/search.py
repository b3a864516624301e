"""The desk's search: one box that finds cases by number (any part), complainant name,
phone (4+ digits), email, address, place and the words of the description, Chinese
included, within the searcher's sight and the queue's filters.

Every term must match. A term is found through the index made for it on each engine
(:mod:`casework.models.search`): three characters or more by trigram (SQLite FTS5
``trigram``, PostgreSQL ``pg_trgm`` GIN), a two-character Chinese term by its bigram token
(an FTS5 ``unicode61`` table over the bigrams on SQLite, a GIN index over the bigram array on
PostgreSQL). Terms are always plain text: FTS phrases are quoted, LIKE patterns escaped.

The complainant's phone, email and address are matched only for those who read them in
full (:func:`casework.privacy.may_see`); for everyone else a search by them would tell
what the mask hides.

Results come ranked: the exact case number first, then matches on the number, the whole
name or the phone, then the rest, newest first in each tier, one query per tier; pages are
keyset on (tier, created_at, id).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import db
from tenants.models import User

from . import privacy
from . import queue as caseq
from .models import Case, CaseSearch
from .searchtext import BadQuery, Term, fold, parse

__all__ = ["BadQuery", "Page", "search"]

EXACT, STRONG, TEXT = 0, 1, 2


@dataclass
class Page:
    """One page of results and the cursor of the next (None on the last)."""

    cases: list[Case]
    next_cursor: str | None


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contains(column: sa.ColumnElement[str], term: str) -> sa.ColumnElement[bool]:
    return column.like(_like(term), escape="\\")


def _fts(table: str, expression: str) -> sa.ColumnElement[bool]:
    """``case_id`` among the rows of SQLite FTS5 ``table`` matching ``expression``."""
    fts = sa.table(table, sa.column("rowid"))
    match = sa.literal_column(table).op("MATCH")(sa.bindparam(None, expression, sa.String))
    return CaseSearch.case_id.in_(sa.select(fts.c.rowid).where(match))


def _phrase(term: str) -> str:
    """An FTS5 string: every character literal (a quote doubled), no operator possible."""
    return '"' + term.replace('"', '""') + '"'


def _matches(terms: list[Term], personal: bool, dialect: str) -> list[sa.ColumnElement[bool]]:
    """The index conditions of the terms: one per long term, one for all the short ones
    (a single bigram lookup for all of them, which the planner also estimates as one)."""
    short = [t.text for t in terms if t.short]
    conditions = []
    if short and dialect == "sqlite":
        conditions.append(_fts("case_search_grams", " ".join(_phrase(t) for t in short)))
    elif short:
        grams = sa.func.string_to_array(CaseSearch.grams, sa.literal_column("' '"))
        wanted = sa.func.string_to_array(
            sa.bindparam(None, " ".join(short), sa.Text), sa.literal_column("' '")
        )
        conditions.append(grams.op("@>")(wanted))
    for term in terms:
        if term.short:
            continue
        if dialect == "sqlite":
            columns = "{doc pdoc}" if personal else "doc"
            conditions.append(_fts("case_search_fts", f"{columns} : {_phrase(term.text)}"))
            continue
        found = _contains(CaseSearch.doc, term.text)
        conditions.append(
            sa.or_(found, _contains(CaseSearch.pdoc, term.text)) if personal else found
        )
    return conditions


def _strong(terms: list[Term], personal: bool) -> sa.ColumnElement[bool]:
    """A term is part of the case number, the complainant's whole name or their phone."""
    strong = []
    for term in terms:
        if term.text.isascii():  # numbers are ASCII; a shorter term has no trigram to seek
            strong.append(_contains(CaseSearch.number, term.text.upper()))
        strong.append(CaseSearch.name == term.text)
        if term.phone and personal:
            strong.append(_contains(CaseSearch.phone, term.text))
    return sa.or_(*strong)


def _encode(tier: int, case: Case) -> str:
    return f"{tier}_{caseq.encode_cursor(case)}"


def _decode(cursor: str) -> tuple[int, tuple] | None:
    tier, _, rest = cursor.partition("_")
    position = caseq.decode_cursor(rest)
    if tier not in {"0", "1", "2"} or position is None:
        return None
    return int(tier), position


def _matching(query: str, filters: caseq.Filters, viewer: User) -> tuple[sa.Select, dict] | None:
    """The select of the cases matching ``query`` within the filters and sight (no loader
    options), and the condition of each tier; None for a query with no term."""
    terms = parse(query)
    if not terms:
        return None
    personal = privacy.may_see(viewer)
    dialect = db.session.get_bind().dialect.name
    exact = Case.number == " ".join(fold(query).split()).upper()
    strong = _strong(terms, personal)
    tiers = {
        EXACT: exact,
        STRONG: sa.and_(sa.not_(exact), strong),
        TEXT: sa.and_(sa.not_(exact), sa.not_(strong)),
    }
    base = (
        sa.select(Case)
        .join(CaseSearch, CaseSearch.case_id == Case.id)
        .where(*_matches(terms, personal, dialect))
    )
    return caseq.narrow(base, filters, viewer), tiers


def count(query: str, filters: caseq.Filters, viewer: User, most: int) -> int:
    """How many cases ``query`` finds for ``viewer``, counted up to ``most + 1`` (BadQuery as
    :func:`search`)."""
    matched = _matching(query, filters, viewer)
    if matched is None:
        return 0
    ids = matched[0].with_only_columns(Case.id).limit(most + 1).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(ids)) or 0


def search(
    query: str,
    filters: caseq.Filters,
    viewer: User,
    cursor: str = "",
    limit: int = caseq.PAGE_SIZE,
) -> Page:
    """One page of the cases ``viewer`` may see that match every term of ``query``.

    BadQuery when the query cannot be searched (too long, too many words, a word too short
    to find anything by index); an empty query finds nothing and reads no row.
    """
    matched = _matching(query, filters, viewer)
    if matched is None:
        return Page([], None)
    base, tiers = matched
    base = base.options(
        orm.joinedload(Case.category),
        orm.joinedload(Case.department),
        orm.joinedload(Case.handler),
    )
    position = _decode(cursor) if cursor else None
    found: list[tuple[int, Case]] = []
    for tier in range(position[0] if position else EXACT, TEXT + 1):
        # One query per tier, each newest first: a common word's text tier then reads the
        # newest cases until the page is full instead of ranking every match.
        stmt = base.where(tiers[tier])
        if position is not None and tier == position[0]:
            stamp, ident = position[1]
            stmt = stmt.where(sa.tuple_(Case.created_at, Case.id) < sa.tuple_(stamp, ident))
        stmt = stmt.order_by(Case.created_at.desc(), Case.id.desc()).limit(limit + 1 - len(found))
        found += [(tier, case) for case in db.session.scalars(stmt).unique()]
        if len(found) > limit:
            break
    more = len(found) > limit
    found = found[:limit]
    next_cursor = _encode(*found[-1]) if more and found else None
    return Page([case for _tier_, case in found], next_cursor)
