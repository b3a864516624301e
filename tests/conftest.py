"""Shared fixtures: one migrated database per run, two tenants in every test.

``TEST_DATABASE_URL`` picks PostgreSQL (CI's second run); otherwise a SQLite file.
``TEST_REDIS_URL`` points the Redis tests at a server; with ``CLOSELOOP_REQUIRE_SERVICES=1``
(set by .ci/run) a missing server fails those tests instead of skipping them.
"""

from __future__ import annotations

import contextvars
import os
import re
import tempfile
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from casework import catalog
from casework.models import Case, Category
from casework.operations import intake
from casework.states import Channel
from tenants import bootstrap
from tenants.db import db, tenant_bound
from tenants.models import Tenant, User
from tenants.presets import load_demo, load_preset

TEST_HASH = "pbkdf2:sha256:1000"
PASSWORD = "test-pass"
REQUIRE_SERVICES = os.environ.get("CLOSELOOP_REQUIRE_SERVICES") == "1"


def service_missing(what: str) -> None:
    """Fail in CI, skip on a developer's machine without the service."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required in CI but not reachable")
    pytest.skip(f"{what} not reachable")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        try:
            with engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        except sa.exc.OperationalError:
            service_missing("PostgreSQL")
        finally:
            engine.dispose()
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


class IsolatedClient(FlaskClient):
    """A test client whose requests get their own app context, g and session.

    Flask reuses an app context that is already pushed; the tests push one for their own
    queries, so without this every request would share the test's session and ``g``.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url):
    from flask_migrate import upgrade

    from web import create_app

    instance = tempfile.mkdtemp(prefix="closeloop-test-")
    os.environ["CLOSELOOP_INSTANCE"] = instance
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url.replace(
                "postgresql://", "postgresql+psycopg://", 1
            ),
            "SECRET_KEY": "test",
            "JOBS_INLINE": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "PUBLIC_URL": "http://closeloop.test",
            "PASSWORD_HASH_METHOD": TEST_HASH,
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
    return app


def _wipe() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _app_context(app):
    from web.extensions import limiter

    with app.app_context():
        yield
        db.session.remove()
        _wipe()
    limiter.reset()


@dataclass
class Org:
    """One tenant of the test world, with its staff by username."""

    tenant: Tenant
    users: dict[str, User] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.tenant.slug

    def category(self, code: str) -> Category:
        with tenant_bound(self.tenant.id):
            return db.session.scalars(sa.select(Category).where(Category.code == code)).one()


@dataclass
class World:
    a: Org
    b: Org


def make_org(slug: str, preset: str) -> Org:
    """A tenant provisioned from ``preset``, with the staff of the preset's demo data."""
    tenant = catalog.provision(slug, preset, name=f"{load_preset(preset).name}-{slug}")
    staff = load_demo(preset).users
    org = Org(tenant, bootstrap.add_staff(tenant, staff, PASSWORD, f"{slug}.test", TEST_HASH))
    db.session.commit()
    return org


@pytest.fixture
def world() -> World:
    """Two tenants of the same shape (mall preset and hospital preset), marker names each."""
    return World(a=make_org("alpha", "mall"), b=make_org("beta", "hospital"))


def open_case(org: Org, actor: str | None = None, **overrides) -> Case:
    """File a complaint through the real domain call and commit it."""
    data = {
        "channel": Channel.WEB if actor is None else Channel.PHONE,
        "category_id": None,
        "description": "收银员多收了 60 元,要求退还差价。",
        "name": "张伟",
        "phone": "13812345678",
        "email": "",
        "location": "二楼",
    }
    data.update(overrides)
    with tenant_bound(org.tenant.id):
        if data["category_id"] is None:
            data["category_id"] = db.session.scalar(
                sa.select(Category.id).where(Category.code == "price")
            ) or db.session.scalar(sa.select(Category.id).limit(1))
        user = org.users[actor] if actor else None
        case = intake.open_case(org.tenant, intake.Complaint(**data), actor=user)
        db.session.commit()
        return case


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client, org: Org, username: str) -> None:
    response = client.post(
        f"/t/{org.slug}/desk/login", data={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 303, response.text


@pytest.fixture
def client(app):
    return app.test_client()


def set_domain_clock(monkeypatch, now) -> None:
    """Point the verbs' clock (``utcnow`` in every module of casework.operations) at ``now``."""
    import importlib
    import pkgutil

    import casework.operations

    for info in pkgutil.iter_modules(casework.operations.__path__):
        module = importlib.import_module(f"casework.operations.{info.name}")
        if hasattr(module, "utcnow"):
            monkeypatch.setattr(module, "utcnow", now)
