"""Shared fixtures: one migrated database per run, two tenants in every test.

A run touches nothing it did not create. ``TEST_DATABASE_URL`` names a PostgreSQL server
(CI's second pass): the run creates a database of its own there, ``closeloop_test_<random>``,
and drops it at the end; otherwise the database is a SQLite file in pytest's temporary
directory. The Redis tests start a ``redis-server`` of their own on a free port. With
``CLOSELOOP_REQUIRE_SERVICES=1`` (set by .ci/run) a missing server or binary fails those
tests instead of skipping them.
"""

from __future__ import annotations

import contextvars
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from casework import provisioning
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


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """The run's own database: created here, dropped at the end, nobody else's touched.

    On PostgreSQL the server in ``TEST_DATABASE_URL`` gets a database named for this run (the
    database the URL names is only connected to, to create and drop it), so two runs on one
    server, or a developer's data beside them, never meet.
    """
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
        return
    name = f"closeloop_test_{secrets.token_hex(6)}"
    admin = sa.create_engine(_psycopg(server), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError:
        admin.dispose()
        service_missing("PostgreSQL")
    try:
        yield sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:  # ours alone, so FORCE only ends our own connections
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class RedisServer:
    """A ``redis-server`` of the test run's own, on a free port of the loopback.

    Tests may flush, stop, hang (SIGSTOP) and restart it: nothing in it is anyone else's.
    """

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary = binary
        self.directory = directory
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        """Start (or restart, on the same port) and wait until it answers."""
        restart = bool(self.port)
        for _attempt in range(1 if restart else 5):
            if not restart:
                self.port = _free_port()
            options = {
                "port": self.port,
                "bind": "127.0.0.1",
                "save": "",
                "appendonly": "no",
                "maxmemory-policy": "noeviction",
                "dir": self.directory,
                "logfile": self.directory / "redis.log",
            }
            args = [self.binary] + [a for k, v in options.items() for a in (f"--{k}", str(v))]
            self.process = subprocess.Popen(
                _with_parent(args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            if self._answers():
                return self
        raise RuntimeError(f"redis-server would not start; see {self.directory / 'redis.log'}")

    def _answers(self) -> bool:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False  # the port was taken meanwhile: try another
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return True
            except OSError:
                pass
            time.sleep(0.02)
        return False

    def stop(self) -> None:
        """Kill it, as an outage would (its data is gone: it saves nothing)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def pause(self) -> None:
        """Hang it: connections are accepted by the kernel and never answered."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _with_parent(args: list[str]) -> list[str]:
    """Make the server die with the test run, even one killed with SIGKILL."""
    setpriv = shutil.which("setpriv")  # util-linux: PR_SET_PDEATHSIG without a preexec_fn
    return [setpriv, "--pdeathsig", "KILL", "--", *args] if setpriv else args


def _redis_binary() -> str:
    binary = shutil.which(os.environ.get("TEST_REDIS_SERVER") or "redis-server")
    if not binary:
        service_missing("redis-server")
    return binary


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory) -> Iterator[RedisServer]:
    """The run's own Redis, shared by the tests that need one; each empties it first."""
    server = RedisServer(_redis_binary(), tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def own_redis(tmp_path) -> Iterator[RedisServer]:
    """A Redis for one test alone, to stop, hang and restart without disturbing the others."""
    server = RedisServer(_redis_binary(), tmp_path).start()
    yield server
    server.stop()


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
            "SQLALCHEMY_DATABASE_URI": _psycopg(database_url),
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
    yield app
    with app.app_context():
        db.engine.dispose()  # so the run's own database can be dropped


def _wipe() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # TRUNCATE rewrites each table's files and made most of the PostgreSQL pass's
            # time; a test's few rows go faster by DELETE, child tables first (as on SQLite),
            # and every sequence starts again as RESTART IDENTITY would have it (the run's
            # database is its own, so all its sequences are the schema's).
            for table in tables:
                conn.execute(table.delete())
            conn.execute(
                sa.text("SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'")
            )
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
    tenant = provisioning.provision(slug, preset, name=f"{load_preset(preset).name}-{slug}")
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


def dispatched_case(org: Org, handler: str = "ops_li", by: str = "super", **overrides) -> int:
    """File a complaint and dispatch it to ``handler`` in their department; the case's id."""
    from casework.operations import dispatch

    case_id = open_case(org, **overrides).id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        person = org.users[handler]
        dispatch.dispatch_case(case, org.users[by], person.department_id, person.id)
        db.session.commit()
    return case_id


@pytest.fixture(scope="session")
def dovecot_server():
    """The run's own dovecot IMAP server (tests/dovecot.py), shared; one account per test."""
    from tests.dovecot import DovecotServer, dovecot_binary

    binary = dovecot_binary()
    if not binary:
        service_missing("dovecot (apt install dovecot-imapd)")
    server = DovecotServer(binary).start()
    yield server
    server.remove()
