"""The dashboard over a year of complaints on PostgreSQL: the page's time beside the time of
the raw SQL it runs (issue 13: the page within twice its SQL).

    .venv/bin/python bench/dashboard.py [--cases 1000000] [--runs 5]

It creates its own database (closeloop_dashbench_<random>), loads one mall tenant's year of
cases (1 December 2025 to 30 November 2026) with COPY: categories, channels, departments,
places, findings, remedies, repeats, three deadlines a case and a scored revisit for a third
of them; and drops the database at the end, whatever happens. Nothing else is touched. Do
not run it with a million cases in CI: loading them takes minutes.

Measured on 2026-12-07 (2 cores, 1,000,000 cases, median of 3): last month's page 1,043 ms
beside 1,022 ms of its SQL (19 queries, ratio 1.02); the whole year 7,278 ms beside 7,814 ms.
The page stays within twice its SQL; the SQL itself is the cost, led by the percentiles per
stage (percentile_disc sorts the period's deadlines), then the trend's per-day count.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import secrets
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_DB = f"closeloop_dashbench_{secrets.token_hex(4)}"
PG_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DB}"
START = dt.datetime(2025, 11, 30, 16, 0)  # midnight, 1 December 2025, in Beijing
YEAR = dt.timedelta(days=365)
PERIODS = {
    "last month (November 2026)": "period=custom&first=2026-11-01&last=2026-11-30",
    "the whole year": "period=custom&first=2025-12-01&last=2026-11-30",
}
PLACES = [f"{f}楼{n}号铺" for f in "一二三四五" for n in range(1, 61)]

CASE_COLUMNS = (
    "id", "tenant_id", "number", "access_code", "status", "channel", "category_id",
    "department_id", "cause_id", "priority", "under_supervision", "description", "location",
    "complainant_name", "complainant_phone", "complainant_email", "preferred_contact",
    "accepted_at", "accepted_by_label", "accepted_by_contact", "result_text", "remedy_text",
    "finding", "remedy_type", "remedy_amount", "answered_at_once", "result_round",
    "repeat_count", "next_due_at", "created_at", "updated_at",
)  # fmt: skip
DEADLINE_COLUMNS = (
    "tenant_id", "case_id", "stage", "started_at", "due_at", "done_at", "provisional",
    "target", "alert_level", "round",
)  # fmt: skip
REVISIT_COLUMNS = (
    "tenant_id", "case_id", "occasion", "status", "method", "due_from", "due_at", "attempts",
    "visit_address", "answers", "comments", "satisfaction", "done_at", "question", "answer",
    "created_at",
)  # fmt: skip


def _app():
    from web import create_app

    os.environ["CLOSELOOP_INSTANCE"] = tempfile.mkdtemp(prefix="closeloop-dashbench-")
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": PG_URL,
            "SECRET_KEY": "bench",
            "JOBS_INLINE": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "WTF_CSRF_ENABLED": False,
        }
    )


def _tenant():
    """One mall-preset tenant and its demo staff, made through the product's own code."""
    from casework import provisioning
    from tenants import bootstrap
    from tenants.db import db
    from tenants.presets import load_demo

    tenant = provisioning.provision("bench", "mall", name="Dashboard bench")
    bootstrap.add_staff(
        tenant, load_demo("mall").users, "bench-password-1", "bench.test", "pbkdf2:sha256:1000"
    )
    db.session.commit()
    return tenant


def _rows(count: int, tenant_id: int, ids: dict[str, list[int]], seed: int = 13):
    """(case, its deadlines, its revisit or None), spread evenly over the year."""
    rng = random.Random(seed)
    step = YEAR / count
    channels = ["web", "phone", "walk_in", "email"]
    findings = [None, "valid", "partly_valid", "not_valid"]
    for i in range(1, count + 1):
        created = START + step * (i - 1)
        closed = rng.random() < 0.9
        once = rng.random() < 0.15
        finding = None if once else rng.choice(findings)
        remedy = "refund" if finding == "valid" and rng.random() < 0.3 else None
        case = {
            "id": i, "tenant_id": tenant_id, "number": f"XH{created:%Y%m%d}{i:07d}",
            "access_code": "ABCDEFGH", "status": "closed" if closed else "in_progress",
            "channel": channels[i % 4], "category_id": rng.choice(ids["category"]),
            "department_id": rng.choice(ids["department"]),
            "cause_id": rng.choice(ids["cause"]) if finding in ("valid", "partly_valid") else None,
            "priority": "normal", "under_supervision": False, "description": "统计基准的投诉。",
            "location": rng.choice(PLACES), "complainant_name": "张伟",
            "complainant_phone": "+8613812345678", "complainant_email": "",
            "preferred_contact": "phone", "accepted_at": created, "accepted_by_label": "",
            "accepted_by_contact": "", "result_text": "", "remedy_text": "", "finding": finding,
            "remedy_type": remedy, "remedy_amount": rng.randint(10, 500) if remedy else None,
            "answered_at_once": once, "result_round": 1 if rng.random() < 0.05 else 0,
            "repeat_count": 1 if rng.random() < 0.08 else 0,
            "next_due_at": None if closed else created + dt.timedelta(days=5),
            "created_at": created, "updated_at": created,
        }  # fmt: skip
        deadlines = []
        start = created
        for stage, limit, took in (
            ("acceptance", 24, 0.0),
            ("dispatch", 24, rng.expovariate(1 / 6)),
            ("result", 120, rng.expovariate(1 / 60)),
        ):
            done = start + dt.timedelta(hours=took) if closed or stage != "result" else None
            deadlines.append(
                (tenant_id, i, stage, start, start + dt.timedelta(hours=limit), done,
                 False, "", 0, 0)
            )  # fmt: skip
            start = done or start
        revisit = None
        if closed and i % 3 == 0:
            at = start + dt.timedelta(days=1)
            revisit = (
                tenant_id, i, "after_handling", "done", "phone", at, at + dt.timedelta(days=3),
                1, "", "{}", "", rng.choice((2, 3, 4, 4, 5, 5, 5)), at, "", "", at,
            )  # fmt: skip
        yield case, deadlines, revisit


def load(count: int, tenant_id: int, ids: dict[str, list[int]]) -> float:
    """COPY the cases, their deadlines and revisits; then VACUUM ANALYZE. Seconds taken."""
    from tenants.db import db

    start = time.monotonic()
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        deadlines, revisits = [], []
        with cur.copy(f"COPY cases ({', '.join(CASE_COLUMNS)}) FROM STDIN") as copy:
            for case, dls, revisit in _rows(count, tenant_id, ids):
                copy.write_row([case[c] for c in CASE_COLUMNS])
                deadlines.extend(dls)
                if revisit:
                    revisits.append(revisit)
        with cur.copy(f"COPY deadlines ({', '.join(DEADLINE_COLUMNS)}) FROM STDIN") as copy:
            for row in deadlines:
                copy.write_row(row)
        with cur.copy(f"COPY revisits ({', '.join(REVISIT_COLUMNS)}) FROM STDIN") as copy:
            for row in revisits:
                copy.write_row(row)
        cur.execute(f"SELECT setval(pg_get_serial_sequence('cases', 'id'), {count})")
        raw.commit()
        raw.driver_connection.autocommit = True  # VACUUM runs outside a transaction
        for table in ("cases", "deadlines", "revisits"):
            cur.execute(f"VACUUM ANALYZE {table}")
    finally:
        raw.invalidate()  # an autocommit connection must not go back to the product's pool
    return time.monotonic() - start


class Capture:
    """Every statement the page sends on the figures' tables, with its parameters."""

    TABLES = ("FROM cases", "FROM deadlines", "FROM revisits", "FROM rectifications",
              "FROM repeat_contacts")  # fmt: skip

    def __init__(self) -> None:
        self.statements: list[tuple[str, object]] = []

    def __call__(self, _conn, _cursor, statement, parameters, _context, _many) -> None:
        if any(t in statement for t in self.TABLES):
            self.statements.append((statement, parameters))


def raw_sql_ms(statements: list[tuple[str, object]], slowest: list | None = None) -> float:
    """The statements run again straight on a connection: their time, all told; each
    statement's own time goes into ``slowest`` when given."""
    from tenants.db import db

    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        start = time.perf_counter()
        for sql, params in statements:
            one = time.perf_counter()
            cur.execute(sql, params)
            cur.fetchall()
            if slowest is not None:
                slowest.append(((time.perf_counter() - one) * 1000, " ".join(sql.split())))
        took = (time.perf_counter() - start) * 1000
        raw.rollback()
    finally:
        raw.close()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import sqlalchemy as sa

    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{PG_DB}"'))
    print(f"database {PG_DB} (dropped at the end)")
    try:
        run(args)
    finally:
        from tenants.db import db

        with contextlib.suppress(RuntimeError):  # no app context: nothing to dispose
            db.engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))
        admin.dispose()
        print(f"dropped {PG_DB}")


def run(args) -> None:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from casework.models import Category, Cause
    from tenants.db import db, tenant_bound
    from tenants.models import Department

    app = _app()
    with app.app_context():
        upgrade()
        tenant_id = _tenant().id
        with tenant_bound(tenant_id):
            ids = {
                "category": list(db.session.scalars(sa.select(Category.id))),
                "department": list(db.session.scalars(sa.select(Department.id))),
                "cause": list(db.session.scalars(sa.select(Cause.id))),
            }
        print(f"loaded {args.cases:,} cases in {load(args.cases, tenant_id, ids):.1f} s")
        db.session.remove()
        client = app.test_client()
        client.post(
            "/t/bench/desk/login", data={"username": "super", "password": "bench-password-1"}
        )
        capture = Capture()
        print(f"\n{'period':30} {'page ms':>9} {'raw SQL ms':>11} {'queries':>8} {'ratio':>6}")
        for label, query in PERIODS.items():
            url = f"/t/bench/desk/dashboard?{query}"
            assert client.get(url).status_code == 200  # warm
            pages, sqls, slowest = [], [], []
            for _ in range(args.runs):
                capture.statements = []
                sa.event.listen(db.engine, "before_cursor_execute", capture)
                start = time.perf_counter()
                response = client.get(url)
                pages.append((time.perf_counter() - start) * 1000)
                sa.event.remove(db.engine, "before_cursor_execute", capture)
                assert response.status_code == 200, response.status_code
                with app.app_context():
                    sqls.append(raw_sql_ms(capture.statements, slowest))
            page, sql = statistics.median(pages), statistics.median(sqls)
            print(
                f"{label:30} {page:>9.1f} {sql:>11.1f} {len(capture.statements):>8} "
                f"{page / sql:>6.2f}",
                flush=True,
            )
            for ms, sql in sorted(slowest, reverse=True)[: 3 * args.runs : args.runs]:
                print(f"    {ms:8.1f} ms  {sql[:150]}")


if __name__ == "__main__":
    main()
