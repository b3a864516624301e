"""The Flask application: create_app() binds everything; nothing happens at import."""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy as sa
from flask import Flask

from tenants.db import MAX_KEY, db


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: embedded mode by default, production when DATABASE_URL/REDIS_URL are set."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_path=os.environ.get("CLOSELOOP_INSTANCE", os.path.join(root, "instance")),
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    from .config import from_env

    app.config.from_mapping(from_env(app.instance_path))
    if config:
        app.config.update(config)

    from . import branding, errors, htmx, i18n, privacy, security, tenancy, transaction
    from .extensions import csrf, init_limiter, login_manager, migrate

    security.init_app(app)  # first: its response hooks then run last, on the final response
    db.init_app(app)
    _tune_sqlite(app)
    migrate.init_app(app, db, directory=os.path.join(root, "migrations"), render_as_batch=True)
    csrf.init_app(app)
    init_limiter(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    privacy.init_app(app)
    htmx.init_app(app)
    tenancy.init_app(app)
    branding.init_app(app)
    errors.init_app(app)
    transaction.init_app(app)

    import jobs

    jobs.init_app(app)

    from werkzeug.routing import IntegerConverter

    class IdConverter(IntegerConverter):
        """URL ids the databases can hold: a bigger one is a 404, not an overflow (500)."""

        def __init__(self, url_map, **kwargs) -> None:
            kwargs.setdefault("max", MAX_KEY)
            super().__init__(url_map, **kwargs)

    app.url_map.converters["int"] = IdConverter

    from . import (
        admin,
        api,
        auth,
        cases,
        home,
        intake,
        mail,
        notifications,
        platform,
        portal,
        reports,
        revisits,
        services,
        survey,
    )

    areas = (
        home,
        portal,
        survey,
        auth,
        cases,
        revisits,
        intake,
        services,
        notifications,
        mail,
        reports,
        admin,
        api,
        platform,
    )
    for area in areas:
        app.register_blueprint(area.bp)

    from .cli import register

    register(app)
    return app


def _tune_sqlite(app: Flask) -> None:
    """WAL, a busy timeout and foreign keys for the embedded SQLite file."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():

        @sa.event.listens_for(db.engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=15000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
