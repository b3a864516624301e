"""CPU per request of the hot pages, in process, through Flask's test client.

    .venv/bin/python bench/inproc.py [CHECKOUT] [--rounds 5] [--requests 200]

Prints milliseconds of CPU per request (the median and the best of several rounds) for the
portal intake (a complaint filed on the mall's form, after-commit hand-over switched off so
no Redis or PDF work is counted) and for the staff case page, on a fresh SQLite database
seeded with the demo tenants. CHECKOUT (default: this one) lets the same script measure an
older checkout of the project, for before/after figures on one machine in one sitting.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "checkout", nargs="?", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    sys.path.insert(0, os.path.abspath(args.checkout))
    os.environ["CLOSELOOP_INSTANCE"] = tempfile.mkdtemp(prefix="closeloop-inproc-")
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)

    import sqlalchemy as sa
    from flask_migrate import upgrade

    import jobs.dispatch
    from casework.models import Case
    from tenants.db import db, unscoped
    from tenants.models import Tenant
    from web import create_app
    from web.cli import seed_demo

    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "JOBS_INLINE": True})
    jobs.dispatch.hand_over = lambda ids: list(ids)  # count the request, not the letter
    with app.app_context():
        upgrade()
        seed_demo("pbkdf2:sha256:1000")
        with unscoped():
            mall = db.session.scalar(sa.select(Tenant.id).where(Tenant.slug == "mall"))
            case_id = db.session.scalar(
                sa.select(sa.func.max(Case.id)).where(Case.tenant_id == mall)
            )
    client = app.test_client()
    form = client.get("/t/mall/").text
    category = re.search(r'<option value="(\d+)"', form).group(1)
    data = {
        "category_id": category,
        "description": "专柜标价 399 元，结账时收了 459 元，收银员说系统价格未更新。" * 2,
        "name": "吴静",
        "phone": "13600003333",
        "preferred_contact": "phone",
    }
    staff = app.test_client()
    staff.post("/t/mall/desk/login", data={"username": "super", "password": "demo1234"})
    case_page = f"/t/mall/desk/cases/{case_id}"

    def intake() -> None:
        assert client.post("/t/mall/", data=data).status_code == 303

    def page() -> None:
        assert staff.get(case_page).status_code == 200

    for name, call in (("portal intake", intake), ("case page", page)):
        per_round = []
        for _ in range(args.rounds):
            start = time.process_time()
            for _ in range(args.requests):
                call()
            per_round.append((time.process_time() - start) * 1000 / args.requests)
        print(
            f"{name:<14} CPU ms/request: median {statistics.median(per_round):.2f}, "
            f"best {min(per_round):.2f} ({args.rounds} x {args.requests})"
        )


if __name__ == "__main__":
    main()
