"""Tenants (机构), their branding and settings, their departments, and the staff in them."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from pydantic_core import to_jsonable_python
from sqlalchemy import orm
from werkzeug.security import check_password_hash, generate_password_hash

from .db import TenantConfig, TenantScoped, db, enum_values, utcnow
from .settings import TenantSettings


class Role(enum.StrEnum):
    """What a staff member may do; each maps to a rung of the escalation ladder."""

    INTAKE = "intake"  # 受理员: takes complaints, dispatches hotline cases
    HANDLER = "handler"  # 承办人: investigates and answers
    DEPT_HEAD = "dept_head"  # 部门负责人: approves, reassigns within the department
    SUPERVISOR = "supervisor"  # 督办/主管: oversees every department
    ADMIN = "admin"  # 机构管理员: configures the tenant


class Tenant(db.Model):
    """An organisation running its own branded portal. Not scoped: it *is* the scope."""

    __tablename__ = "tenants"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    slug: orm.Mapped[str] = orm.mapped_column(sa.String(40), unique=True)
    name: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    preset: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    locale: orm.Mapped[str] = orm.mapped_column(sa.String(10), default="zh_CN")
    timezone: orm.Mapped[str] = orm.mapped_column(sa.String(64), default="Asia/Shanghai")
    primary_color: orm.Mapped[str] = orm.mapped_column(sa.String(7), default="#1f6feb")
    logo_svg: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    # An uploaded PNG logo, served from its own URL; when set it takes the SVG's place.
    logo_png: orm.Mapped[bytes | None] = orm.mapped_column(sa.LargeBinary, deferred=True)
    # The PNG's digest: in its URL, so browsers cache it until it changes; empty for none.
    logo_etag: orm.Mapped[str] = orm.mapped_column(sa.String(40), default="", server_default="")
    letterhead: orm.Mapped[str] = orm.mapped_column(sa.String(300), default="")
    duty_contact_name: orm.Mapped[str] = orm.mapped_column(sa.String(100), default="")
    duty_contact_phone: orm.Mapped[str] = orm.mapped_column(sa.String(50), default="")
    case_prefix: orm.Mapped[str] = orm.mapped_column(sa.String(10), default="TS")
    # Everything a preset tunes that has no column yet, as JSON; read it through ``config``.
    settings: orm.Mapped[dict[str, Any]] = orm.mapped_column(sa.JSON, default=dict)
    # Bumped whenever its departments, categories or calendar change (see TenantConfig).
    config_version: orm.Mapped[int] = orm.mapped_column(default=0, server_default="0")
    # Set by the platform operator: the portal says the service is paused and staff cannot
    # log in; nothing is deleted, and resuming clears it.
    suspended_at: orm.Mapped[dt.datetime | None]
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)

    @property
    def config(self) -> TenantSettings:
        """The settings, validated, with defaults for keys the tenant never set.

        Parsed once per settings dict: writers always assign a new dict (the JSON column only
        sees a change that way), so the dict's identity says whether the copy is current.
        """
        raw = self.settings
        cached = self.__dict__.get("_config")
        if cached is None or cached[0] is not raw:
            cached = (raw, TenantSettings.model_validate(raw or {}))
            self.__dict__["_config"] = cached
        return cached[1]

    def update_config(self, **changes: Any) -> TenantSettings:
        """Validate the settings with ``changes`` applied and store them; ValueError if invalid.

        Values may be plain JSON or the schema's own types (``Limit``, ``Override``).
        """
        config = TenantSettings.model_validate(
            {**(self.settings or {}), **to_jsonable_python(changes, exclude_none=True)}
        )
        self.settings = config.to_json()
        self.__dict__["_config"] = (self.settings, config)
        return config


class Department(TenantConfig, db.Model):
    """A unit that handles cases (部门 / 责任单位), part of the organisation like its staff."""

    __tablename__ = "departments"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "code"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    code: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    name: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    position: orm.Mapped[int] = orm.mapped_column(default=0)
    # Deactivated rather than deleted: cases and staff still point at it.
    active: orm.Mapped[bool] = orm.mapped_column(default=True, server_default=sa.true())


class User(TenantScoped, db.Model):
    """A staff member of one tenant. Logging in binds the session to that tenant only."""

    __tablename__ = "users"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "username"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    username: orm.Mapped[str] = orm.mapped_column(sa.String(80))
    name: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    email: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    phone: orm.Mapped[str] = orm.mapped_column(sa.String(50), default="")
    # The main role: what lists show and what the escalation ladder reads first.
    role: orm.Mapped[Role] = orm.mapped_column(
        sa.Enum(Role, native_enum=False, length=20, values_callable=enum_values)
    )
    # Further roles the same person holds (a small unit's head also takes calls), as role
    # words joined by commas; read them through ``roles`` and ``holding()``.
    extra_roles: orm.Mapped[str] = orm.mapped_column(sa.String(100), default="", server_default="")
    department_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    password_hash: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    active: orm.Mapped[bool] = orm.mapped_column(default=True)
    # Part of every session's id: bumping it (log-out, deactivation, a new password) ends
    # every session signed before, on every device, with nothing kept server-side per session.
    session_version: orm.Mapped[int] = orm.mapped_column(default=1, server_default="1")
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)

    def set_password(self, password: str, method: str = "scrypt") -> None:
        """Store a salted hash; tests pass a cheap method to stay fast."""
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        """True when the password matches."""
        return check_password_hash(self.password_hash, password)

    # Flask-Login protocol, written out so tenants/ needs nothing from Flask-Login.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # The tenant travels with the id, so a session is only ever good for one tenant; the
        # session version with it, so ending the user's sessions ends this one too.
        return f"{self.tenant_id}:{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Make every session signed so far stale; the caller commits."""
        self.session_version = (self.session_version or 0) + 1

    @property
    def roles(self) -> frozenset[Role]:
        """Every role the user holds, the main one first in :attr:`role_list`."""
        return frozenset(self.role_list)

    @property
    def role_list(self) -> list[Role]:
        """The main role, then the further ones in the order of :class:`Role`."""
        extra = {r for r in (self.extra_roles or "").split(",") if r}
        return [self.role, *(r for r in Role if r.value in extra and r != self.role)]

    def set_roles(self, main: Role, extra: Iterable[Role] = ()) -> None:
        """Hold ``main`` and the ``extra`` roles (the main one is not repeated there)."""
        self.role = Role(main)
        wanted = {Role(r) for r in extra} - {self.role}
        self.extra_roles = ",".join(r.value for r in Role if r in wanted)

    def has_role(self, *roles: Role) -> bool:
        """True when the user holds one of the roles. The one check of a role in Python."""
        return any(r in self.roles for r in roles)

    @classmethod
    def holding(cls, *roles: Role) -> sa.ColumnElement[bool]:
        """The SQL condition "holds one of the roles". The one check of a role in SQL.

        No role's word is part of another's (a test keeps it so), so a word matched
        anywhere in ``extra_roles`` is that role.
        """
        return sa.or_(
            cls.role.in_(list(roles)),
            *(cls.extra_roles.contains(Role(r).value) for r in roles),
        )


class Operator(db.Model):
    """A platform operator (平台运维): runs the installation, belongs to no tenant.

    Creates, suspends and resumes tenants from ``/platform``; never reads case content or
    personal data. Not tenant-scoped: it has no tenant to be scoped to.
    """

    __tablename__ = "operators"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    username: orm.Mapped[str] = orm.mapped_column(sa.String(80), unique=True)
    name: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    password_hash: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    active: orm.Mapped[bool] = orm.mapped_column(default=True)
    session_version: orm.Mapped[int] = orm.mapped_column(default=1, server_default="1")
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)

    def set_password(self, password: str, method: str = "scrypt") -> None:
        """Store a salted hash."""
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        """True when the password matches."""
        return check_password_hash(self.password_hash, password)
