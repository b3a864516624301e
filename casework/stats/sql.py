"""The two expressions whose SQL differs between SQLite and PostgreSQL: seconds between two
moments, and the local day of a stored UTC moment; and a nearest-rank percentile."""

from __future__ import annotations

import datetime as dt
import math

import sqlalchemy as sa

from tenants.db import db


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def seconds(start: sa.ColumnElement, end: sa.ColumnElement) -> sa.ColumnElement[float]:
    """Seconds from ``start`` to ``end``."""
    if _dialect() == "postgresql":
        return sa.func.extract("epoch", end - start)
    return (sa.func.julianday(end) - sa.func.julianday(start)) * 86400.0


def local_day(moment: sa.ColumnElement, offset: dt.timedelta) -> sa.ColumnElement:
    """The calendar day of a stored naive-UTC ``moment`` at ``offset`` from UTC."""
    minutes = int(offset.total_seconds() // 60)
    if _dialect() == "postgresql":
        shifted = moment + sa.literal(dt.timedelta(minutes=minutes), sa.Interval())
        return sa.cast(shifted, sa.Date)
    return sa.func.date(moment, f"{minutes:+d} minutes")


def as_date(value: object) -> dt.date:
    """A day as either database returns it (SQLite: "YYYY-MM-DD")."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def percentiles(
    value: sa.ColumnElement[float], terms: list, group: sa.ColumnElement, ranks: tuple[float, ...]
) -> dict[object, tuple[float | None, ...]]:
    """Per ``group``: the nearest-rank percentiles ``ranks`` of ``value`` over rows matching
    ``terms``. PostgreSQL answers in one query (``percentile_disc``); SQLite has no ordered
    aggregate, so it counts each group and then reads the k-th value with ORDER BY ... LIMIT 1
    OFFSET k: a few small queries, never the rows themselves."""
    if _dialect() == "postgresql":
        cols = [sa.func.percentile_disc(r).within_group(value) for r in ranks]
        rows = db.session.execute(sa.select(group, *cols).where(*terms).group_by(group)).all()
        return {row[0]: tuple(_whole(v) for v in row[1:]) for row in rows}
    counts = db.session.execute(sa.select(group, sa.func.count()).where(*terms).group_by(group))
    out: dict[object, tuple[float | None, ...]] = {}
    for key, n in counts.all():
        found = []
        for rank in ranks:
            k = max(math.ceil(rank * n) - 1, 0)
            found.append(
                db.session.scalar(
                    sa.select(value).where(*terms, group == key).order_by(value).limit(1).offset(k)
                )
            )
        out[key] = tuple(_whole(v) for v in found)
    return out


def _whole(value: object) -> float | None:
    """Whole seconds: SQLite's julianday arithmetic is off by microseconds."""
    return None if value is None else float(round(float(value)))
