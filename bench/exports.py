"""The case-list exports over many cases on PostgreSQL: how long the queue's CSV (up to its
50,000 rows) and XLSX (up to 20,000) take for a supervisor, who reads personal data, and for
a department head, who reads it masked (issue 13).

    .venv/bin/python bench/exports.py [--cases 60000]

It loads the cases the dashboard's bench loads (bench/dashboard.py, COPY into a database of
its own named closeloop_exportbench_<random>) and drops that database at the end, whatever
happens. Nothing else is touched.

Measured on 2026-12-07 (2 cores, 60,000 cases, one run each, whole body read):

    super      queue.csv   50,000 rows   8.9 s   6.9 MB
    super      queue.xlsx  20,000 rows   9.6 s   1.0 MB
    ops_head   queue.csv   15,053 rows   4.4 s   (masked: the reader's masks and redaction)
    ops_head   queue.xlsx  15,053 rows   7.9 s

Before the phone masks kept their recent answers (casework.privacy), the masked CSV took
8.6 s: parsing numbers was most of it. The bench's cases share one phone number, so the
masks' cache does better here than on real cases (where it saves the repeats within a row).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bench import dashboard as base  # noqa: E402

base.PG_DB = f"closeloop_exportbench_{secrets.token_hex(4)}"
base.PG_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{base.PG_DB}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=60_000)
    args = parser.parse_args()

    import sqlalchemy as sa

    admin = sa.create_engine(base.PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{base.PG_DB}"'))
    print(f"database {base.PG_DB} (dropped at the end)")
    try:
        run(args)
    finally:
        from tenants.db import db

        with contextlib.suppress(RuntimeError):
            db.engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{base.PG_DB}" WITH (FORCE)'))
        admin.dispose()
        print(f"dropped {base.PG_DB}")


def run(args) -> None:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from casework.models import Category, Cause
    from tenants.db import db, tenant_bound
    from tenants.models import Department

    app = base._app()
    with app.app_context():
        upgrade()
        tenant_id = base._tenant().id
        with tenant_bound(tenant_id):
            ids = {
                "category": list(db.session.scalars(sa.select(Category.id))),
                "department": list(db.session.scalars(sa.select(Department.id))),
                "cause": list(db.session.scalars(sa.select(Cause.id))),
            }
        print(f"loaded {args.cases:,} cases in {base.load(args.cases, tenant_id, ids):.1f} s")
        db.session.remove()
        print(f"\n{'who':10} {'export':12} {'rows':>7} {'seconds':>8} {'KB':>8}")
        for who in ("super", "ops_head"):
            client = app.test_client()
            client.post(
                "/t/bench/desk/login", data={"username": who, "password": "bench-password-1"}
            )
            for fmt in ("csv", "xlsx"):
                start = time.perf_counter()
                response = client.get(f"/t/bench/desk/queue.{fmt}?status=all")
                body = response.get_data()
                took = time.perf_counter() - start
                assert response.status_code == 200, response.status_code
                rows = body.count(b"\n") - 1 if fmt == "csv" else "-"
                print(f"{who:10} {'queue.' + fmt:12} {rows:>7} {took:>8.1f} {len(body) // 1024:>8}")


if __name__ == "__main__":
    main()
