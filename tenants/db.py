"""The database handle and the one place where tenant scoping is enforced.

Every row a tenant owns comes from a model that mixes in :class:`TenantScoped`. A
``do_orm_execute`` listener adds ``tenant_id = <bound tenant>`` to every ORM select, update
and delete, so no query has to remember it; with no tenant bound, a query on a scoped model
raises instead of quietly reading everyone's rows. The single way around it is
:func:`unscoped`, kept rare and easy to grep for (the outbox sweep and tenant resolution).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any, TypeVar

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event, orm
from sqlalchemy.dialects import postgresql, sqlite

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


T = TypeVar("T")


class Base(orm.DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)

_tenant_id: ContextVar[int | None] = ContextVar("closeloop_tenant_id", default=None)
_unscoped: ContextVar[bool] = ContextVar("closeloop_unscoped", default=False)


class TenantNotBound(RuntimeError):
    """A tenant-owned table was queried with no tenant bound: a bug, never a user error."""


class TenantMismatch(RuntimeError):
    """A row of one tenant was about to be written while another tenant is bound."""


def enum_values(enum_class: type) -> list[str]:
    """Store enums by value ("accepted"), readable in SQL and stable if a name changes."""
    return [member.value for member in enum_class]


# The largest id a row can have: keys are INTEGER, which PostgreSQL keeps in 32 bits. A
# bigger number from a URL, a form or a cursor is refused before it reaches the driver,
# which would fail on it ("integer out of range", a 500) where SQLite would not.
MAX_KEY = 2**31 - 1


def utcnow() -> dt.datetime:
    """Naive UTC now; every stored timestamp is naive UTC, shown in the tenant's zone."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class TenantScoped:
    """Mixin for every model whose rows belong to one tenant (机构)."""

    tenant_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )


class TenantConfig(TenantScoped):
    """Mixin for rows that shape how a tenant works (departments, categories, calendar days).

    Writing one through the session bumps ``tenants.config_version`` in the same flush, so the
    per-process copies kept by :func:`tenant_cached` are dropped by every process at its next
    request: intake reads them on every complaint, and they change a few times a year.
    """


_tenant_versions = sa.table("tenants", sa.column("id"), sa.column("config_version"))
_cache: dict[tuple[int, dt.datetime, str], tuple[int, Any]] = {}


def tenant_cached(tenant: Any, key: str, load: Callable[[], T]) -> T:
    """``load()``'s result for the tenant, kept per process until its configuration changes.

    ``tenant`` is a loaded :class:`~tenants.models.Tenant`; its ``config_version`` comes from
    the row read at the start of the request, so no extra query is needed to check freshness.
    The creation time is part of the key, so a recreated database never serves an old copy.
    Cached values are shared between threads: return immutable ones.
    """
    slot = (tenant.id, tenant.created_at, key)
    hit = _cache.get(slot)
    if hit is not None and hit[0] == tenant.config_version:
        return hit[1]
    value = load()
    _cache[slot] = (tenant.config_version, value)
    return value


_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def upsert_returning(
    table: sa.Table, values: dict[str, Any], keys: list[str], update: dict[str, Any], returning
) -> Any:
    """``INSERT … ON CONFLICT (keys) DO UPDATE … RETURNING`` as one statement, on PostgreSQL
    and SQLite alike: a counter bumped atomically by many processes, each learning its value.

    Run straight on the session's connection (the statement names its tenant itself), so a
    hot path pays none of the ORM's execution layer; the row lock it takes is held to commit.
    """
    insert = _INSERTS[db.session.get_bind().dialect.name]
    stmt = (
        insert(table)
        .values(**values)
        .on_conflict_do_update(index_elements=[table.c[k] for k in keys], set_=update)
        .returning(returning)
    )
    return db.session.connection().execute(stmt).scalar_one()


def current_tenant_id() -> int | None:
    """The tenant bound to this request or job, if any."""
    return _tenant_id.get()


def bind_tenant(tenant_id: int | None) -> Token:
    """Bind a tenant for the current context; pass the token to :func:`release_tenant`."""
    return _tenant_id.set(tenant_id)


def release_tenant(token: Token) -> None:
    """Undo :func:`bind_tenant`."""
    _tenant_id.reset(token)


@contextmanager
def tenant_bound(tenant_id: int) -> Iterator[None]:
    """Run a block as the given tenant (jobs, CLI commands, tests)."""
    token = bind_tenant(tenant_id)
    try:
        yield
    finally:
        release_tenant(token)


@contextmanager
def unscoped() -> Iterator[None]:
    """The one bypass of tenant scoping: for work that spans tenants on purpose."""
    token = _unscoped.set(True)
    try:
        yield
    finally:
        _unscoped.reset(token)


def _is_scoped(mapper: orm.Mapper) -> bool:
    return issubclass(mapper.class_, TenantScoped)


@event.listens_for(orm.Session, "do_orm_execute")
def _add_tenant_criteria(state: orm.ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load or _unscoped.get():
        return
    tenant_id = _tenant_id.get()
    if tenant_id is None:
        if any(_is_scoped(m) for m in state.all_mappers):
            raise TenantNotBound("query on a tenant table with no tenant bound")
        return
    state.statement = state.statement.options(
        orm.with_loader_criteria(
            TenantScoped,
            lambda cls: cls.tenant_id == tenant_id,
            include_aliases=True,
        )
    )


@event.listens_for(orm.Session, "before_flush")
def _stamp_tenant(session: orm.Session, _ctx, _instances) -> None:
    tenant_id = _tenant_id.get()
    for obj in session.new:
        if not isinstance(obj, TenantScoped):
            continue
        if obj.tenant_id is None:
            if tenant_id is None:
                raise TenantNotBound(f"new {type(obj).__name__} with no tenant bound")
            obj.tenant_id = tenant_id
        elif tenant_id is not None and obj.tenant_id != tenant_id and not _unscoped.get():
            raise TenantMismatch(f"{type(obj).__name__} of tenant {obj.tenant_id}")
    _bump_config_versions(session)


def _bump_config_versions(session: orm.Session) -> None:
    changed = {
        obj.tenant_id
        for obj in (*session.new, *session.dirty, *session.deleted)
        if isinstance(obj, TenantConfig) and obj.tenant_id is not None
    }
    if changed:
        session.execute(
            sa.update(_tenant_versions)
            .where(_tenant_versions.c.id.in_(sorted(changed)))
            .values(config_version=_tenant_versions.c.config_version + 1)
        )
        for obj in list(session.identity_map.values()):  # reread the new version when asked
            if getattr(obj, "__tablename__", None) == "tenants" and obj.id in changed:
                session.expire(obj, ["config_version"])
