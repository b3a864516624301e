"""The database handle and the one place where tenant scoping is enforced.

Every row a tenant owns comes from a model that mixes in :class:`TenantScoped`. A
``do_orm_execute`` listener adds ``tenant_id = <bound tenant>`` to every ORM select, update
and delete, so no query has to remember it; with no tenant bound, a query on a scoped model
raises instead of quietly reading everyone's rows. The single way around it is
:func:`unscoped`, kept rare and easy to grep for (the outbox sweep and tenant resolution).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event, orm

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


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


def utcnow() -> dt.datetime:
    """Naive UTC now; every stored timestamp is naive UTC, shown in the tenant's zone."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class TenantScoped:
    """Mixin for every model whose rows belong to one tenant (机构)."""

    tenant_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )


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
