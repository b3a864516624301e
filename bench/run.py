"""Closeloop's benchmarks: each figure printed beside its floor, measured in the same run.

    .venv/bin/python bench/run.py [--quick] [--only intake,queue,letters] [--db sqlite,postgresql]

intake   portal complaints per second under gunicorn gthread (jobs enqueued to Redis), beside a
         bare Flask route doing one INSERT under the same server; target >= 0.4x the floor
queue    staff queue page latency (first page and a keyset page) at 1,000 and 100,000 cases;
         target: 100,000 within 1.5x of 1,000
letters  200 acknowledgement letters beside 200 bare WeasyPrint pages in the same fonts;
         target: within 1.2x the time, <= 150 KB, memory flat
sweep    the deadline sweep at 10,000 and 1,000,000 open cases, 1% due: finding the due work
         must not grow with the open cases; and alert emails sent per second by one worker
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlencode

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# The bench touches nothing it did not create: a database named for this run, and a
# redis-server of its own on a free port (started by main()), so flushing it is harmless.
PG_DB = f"closeloop_bench_{secrets.token_hex(4)}"
PG_BENCH = f"postgresql://postgres@127.0.0.1:5432/{PG_DB}"
BENCH_REDIS = ""
DESCRIPTION = "专柜标价 399 元,结账时收了 459 元,收银员说系统价格未更新。要求退还差价并道歉。" * 2

results: list[tuple[str, str, str, str]] = []


def report(name: str, value: str, floor: str, verdict: str) -> None:
    results.append((name, value, floor, verdict))
    print(f"  {name:<44} {value:>16}  floor {floor:>16}  {verdict}", flush=True)


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


# --------------------------------------------------------------------------- intake


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, path: str, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on {port} did not come up")


def gunicorn(app_spec: str, port: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [
            os.path.join(VENV_BIN, "gunicorn"),
            "--worker-class",
            "gthread",
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app_spec,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def client(port: int, path: str, seconds: float, form_page: str | None, out) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    cookie, fields = (
        "",
        {
            "description": DESCRIPTION,
            "name": "吴静",
            "phone": "13600003333",
            "preferred_contact": "phone",
            "location": "二楼",
        },
    )
    if form_page:
        conn.request("GET", form_page)
        response = conn.getresponse()
        html = response.read().decode()
        cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
        fields["csrf_token"] = re.search(
            r'name="csrf_token" type="hidden" value="([^"]+)"', html
        ).group(1)
        fields["category_id"] = re.search(r'<option[^>]*value="(\d+)"', html).group(1)
    body_headers = {"Content-Type": "application/x-www-form-urlencoded"}
    done = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        headers = dict(body_headers, Cookie=cookie) if cookie else body_headers
        conn.request("POST", path, urlencode(fields), headers=headers)
        response = conn.getresponse()
        response.read()
        set_cookie = response.getheader("Set-Cookie")
        if set_cookie:
            cookie = set_cookie.split(";")[0]
        if response.status == 303:
            done += 1
    out.put(done)


def load(port: int, path: str, seconds: float, clients: int, form_page: str | None) -> float:
    out: multiprocessing.Queue = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(target=client, args=(port, path, seconds, form_page, out))
        for _ in range(clients)
    ]
    start = time.monotonic()
    for p in procs:
        p.start()
    # A client whose server died reports nothing: give up rather than wait forever.
    total = sum(out.get(timeout=seconds + 60) for _ in procs)
    for p in procs:
        p.join()
    return total / (time.monotonic() - start)


def reset_postgres() -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{PG_DB}"'))
    engine.dispose()


def drop_postgres() -> None:
    """Drop the run's own database (only ours: the name is this run's)."""
    import sqlalchemy as sa

    engine = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))
    engine.dispose()


def flush_redis() -> None:
    from redis import Redis

    Redis.from_url(BENCH_REDIS).flushdb()  # the bench's own server: nobody else's data


def start_redis() -> None:
    """Start the bench's own redis-server on a free port; it dies with the bench."""
    global BENCH_REDIS
    import atexit

    port, folder = free_port(), tempfile.mkdtemp(prefix="closeloop-bench-redis-")
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            folder,
        ],
        stdout=subprocess.DEVNULL,
    )
    atexit.register(lambda: (server.kill(), server.wait(), shutil.rmtree(folder, True)))
    BENCH_REDIS = f"redis://127.0.0.1:{port}/0"
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def bench_intake(kind: str, seconds: float, clients: int) -> None:
    instance = tempfile.mkdtemp(prefix="closeloop-bench-")
    env = dict(
        os.environ,
        CLOSELOOP_INSTANCE=instance,
        REDIS_URL=BENCH_REDIS,
        FLASK_APP="wsgi",
        SECRET_KEY="bench",
        RATELIMIT_STORAGE_URI="memory://",
    )
    env.pop("DATABASE_URL", None)
    if kind == "postgresql":
        reset_postgres()
        env["DATABASE_URL"] = PG_BENCH
        floor_url = PG_BENCH.replace("postgresql://", "postgresql+psycopg://")
    else:
        floor_url = "sqlite:///" + os.path.join(instance, "floor.sqlite3")
    flush_redis()
    flask = os.path.join(VENV_BIN, "flask")
    for cmd in (["db", "upgrade"], ["demo", "seed"]):
        subprocess.run([flask, *cmd], cwd=ROOT, env=env, check=True, capture_output=True)
    floor_env = dict(env, FLOOR_DATABASE_URL=floor_url)
    try:
        intake = serve_and_load("wsgi:app", env, "/t/mall/", "/t/mall/", seconds, clients)
        stack = serve_and_load(
            "bench.stack_app:app", floor_env, "/t/mall/", "/t/mall/", seconds, clients
        )
        floor = serve_and_load("bench.floor_app:app", floor_env, "/insert", None, seconds, clients)
    finally:
        flush_redis()
        shutil.rmtree(instance, ignore_errors=True)
        if kind == "postgresql":
            drop_postgres()
    ratio = intake / floor
    report(
        f"intake req/s ({kind}, {clients} clients)",
        f"{intake:.0f}",
        f"{floor:.0f}",
        f"{ratio:.2f}x {'OK' if ratio >= 0.4 else 'BELOW 0.4x'}",
    )
    # The same stack doing the least any intake must (CSRF form, one ORM row, session, RQ).
    report(
        f"  stack minimum req/s ({kind})",
        f"{stack:.0f}",
        f"{floor:.0f}",
        f"{stack / floor:.2f}x; intake is {intake / stack:.2f}x of it",
    )


def serve_and_load(
    app_spec: str, env: dict, path: str, form_page: str | None, seconds: float, clients: int
) -> float:
    """Requests per second of ``app_spec`` under gunicorn gthread, after a warm-up."""
    port = free_port()
    server = gunicorn(app_spec, port, env)
    try:
        wait_for(port, form_page or "/")
        load(port, path, 1, 2, form_page)  # warm both workers
        return load(port, path, seconds, clients, form_page)
    finally:
        server.terminate()
        server.wait()


# --------------------------------------------------------------------------- in-process app


def make_app(kind: str):
    from web import create_app

    instance = tempfile.mkdtemp(prefix="closeloop-bench-")
    os.environ["CLOSELOOP_INSTANCE"] = instance
    if kind == "postgresql":
        reset_postgres()
        url = PG_BENCH.replace("postgresql://", "postgresql+psycopg://")
    else:
        url = "sqlite:///" + os.path.join(instance, "bench.sqlite3")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "JOBS_INLINE": False,
            "REDIS_URL": "redis://127.0.0.1:1/0",  # jobs wait in the outbox
            "RATELIMIT_STORAGE_URI": "memory://",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        import logging

        from web.cli import seed_demo

        logging.getLogger("jobs.dispatch").setLevel(logging.ERROR)
        seed_demo("pbkdf2:sha256:1000")
    return app, instance


def add_cases(app, count: int) -> None:
    import datetime as dt

    import sqlalchemy as sa

    from casework.models import Case, Category
    from tenants.db import db, tenant_bound, unscoped
    from tenants.models import Tenant

    statuses = ["accepted", "dispatched", "in_progress", "resolved", "awaiting_revisit", "closed"]
    channels = ["web", "phone", "walk_in", "email"]
    with app.app_context():
        with unscoped():
            tenant = db.session.scalars(sa.select(Tenant).where(Tenant.slug == "mall")).one()
            start = db.session.scalar(sa.select(sa.func.count(Case.id)))
        with tenant_bound(tenant.id):
            categories = db.session.scalars(sa.select(Category.id)).all()
        base = dt.datetime(2024, 1, 1)
        rows = []
        for i in range(start, start + count):
            created = base + dt.timedelta(minutes=7 * i)
            rows.append(
                {
                    "tenant_id": tenant.id,
                    "number": f"BX{i:09d}",
                    "access_code": "ABCDEFGH",
                    "status": statuses[i % len(statuses)],
                    "channel": channels[i % len(channels)],
                    "category_id": categories[i % len(categories)],
                    "description": DESCRIPTION,
                    "location": "二楼",
                    "complainant_name": "吴静",
                    "complainant_phone": "+8613600003333",
                    "complainant_email": "",
                    "preferred_contact": "phone",
                    "accepted_at": created,
                    "accepted_by_label": "客服部值班台",
                    "accepted_by_contact": "0571-8888 6666",
                    "reply_due_at": created + dt.timedelta(days=7),
                    "created_at": created,
                    "updated_at": created,
                    "result_text": "",
                    "remedy_text": "",
                }
            )
            if len(rows) == 5000:
                db.session.execute(sa.insert(Case.__table__), rows)
                rows = []
        if rows:
            db.session.execute(sa.insert(Case.__table__), rows)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE cases"))
            db.session.commit()


def time_get(client, url: str, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - t0)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples) * 1000


def queue_latency(app, repeat: int) -> tuple[float, float]:
    client = app.test_client()
    response = client.post("/t/mall/desk/login", data={"username": "desk", "password": "demo1234"})
    assert response.status_code == 303
    first = client.get("/t/mall/desk/")
    more = re.search(r'id="more-row".*?hx-get="([^"]+)"', first.text, re.S)
    second_url = more.group(1).replace("&amp;", "&")
    return time_get(client, "/t/mall/desk/", repeat), time_get(client, second_url, repeat)


def bench_queue(kind: str, repeat: int, big: int) -> None:
    app, instance = make_app(kind)
    try:
        add_cases(app, 1000 - 12)
        small_first, small_second = queue_latency(app, repeat)
        add_cases(app, big - 1000)
        big_first, big_second = queue_latency(app, repeat)
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    for label, small, large in (
        ("first page", small_first, big_first),
        ("keyset page", small_second, big_second),
    ):
        ratio = large / small
        report(
            f"queue {label} p50 ms at {big:,} ({kind})",
            f"{large:.1f}",
            f"{small:.1f} @1k",
            f"{ratio:.2f}x {'OK' if ratio <= 1.5 else 'ABOVE 1.5x'}",
        )


def bench_letters(count: int) -> None:
    import html as htmlmod

    import segno
    import sqlalchemy as sa
    from flask import render_template
    from flask_babel import force_locale

    from casework.letters import acknowledgement_context, logo_data_uri
    from casework.models import Case
    from jobs import pdf
    from jobs.letters import render_letter
    from tenants.db import db, tenant_bound, unscoped
    from tenants.models import Tenant

    def timed(fn, n: int) -> float:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        return (time.perf_counter() - t0) / n * 1000

    app, instance = make_app("sqlite")
    try:
        with app.app_context():
            with unscoped():
                tenant = db.session.scalars(sa.select(Tenant).where(Tenant.slug == "mall")).one()
            with tenant_bound(tenant.id):
                case = db.session.scalars(sa.select(Case).order_by(Case.id)).first()
                # Floor 1: the very same letter HTML handed straight to WeasyPrint.
                ctx = acknowledgement_context(tenant, case, app.config["PUBLIC_URL"])
                qr = segno.make(ctx["status_url"], error="m").png_data_uri(scale=4, border=1)
                with force_locale(tenant.locale):
                    letter_html = render_template(
                        "letters/acknowledgement.html",
                        letter=ctx,
                        qr_image=qr,
                        logo_image=logo_data_uri(tenant),
                    )
                # Floor 2: the letter's text as plain paragraphs, no table, images or styles.
                text = re.sub(
                    r"<[^>]+>", "\n", re.sub(r"<(style|head)>.*?</\1>", "", letter_html, flags=re.S)
                )
                plain = "".join(
                    f"<p>{htmlmod.escape(htmlmod.unescape(line.strip()))}</p>"
                    for line in text.splitlines()
                    if line.strip()
                )
                render_letter(tenant, case, "ack")  # warm-up
                pdf.render_pdf(letter_html)
                pdf.render_pdf(plain)
                memory, sizes, t_letter = {}, [], 0.0
                for i in range(1, count + 1):
                    t0 = time.perf_counter()
                    sizes.append(len(render_letter(tenant, case, "ack")))
                    t_letter += time.perf_counter() - t0
                    if i in (20, count // 2, count):
                        memory[i] = rss_mb()
                same_html = timed(lambda: pdf.render_pdf(letter_html), count)
                plain_page = timed(lambda: pdf.render_pdf(plain), count)
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    per_letter = t_letter / count * 1000
    ratio = per_letter / same_html
    report(
        f"letter render ms ({count}, app path)",
        f"{per_letter:.0f}",
        f"{same_html:.0f} same HTML",
        f"{ratio:.2f}x {'OK' if ratio <= 1.2 else 'ABOVE 1.2x'}",
    )
    ratio = per_letter / plain_page
    report(
        "letter render ms vs its text as plain <p>",
        f"{per_letter:.0f}",
        f"{plain_page:.0f} plain",
        f"{ratio:.2f}x {'OK' if ratio <= 1.2 else 'ABOVE 1.2x'}",
    )
    report(
        "letter size KB (mean / max)",
        f"{statistics.mean(sizes) / 1024:.0f} / {max(sizes) / 1024:.0f}",
        "150",
        "OK" if max(sizes) <= 150 * 1024 else "TOO BIG",
    )
    steps = sorted(memory)
    growth = memory[steps[-1]] - memory[steps[0]]
    report(
        "letter RSS MB " + " / ".join(f"@{k}" for k in steps),
        " / ".join(f"{memory[k]:.0f}" for k in steps),
        "flat",
        f"+{growth:.0f} MB {'OK' if growth < 30 else 'GROWING'}",
    )


def bulk_open_deadlines(app, count: int, due_every: int = 100) -> None:
    """``count`` dispatched cases, each with a running result deadline; 1 in ``due_every``
    has an alert due now. Raw SQL: this is test data, not the intake path."""
    import datetime as dt

    import sqlalchemy as sa

    from tenants.db import db, unscoped
    from tenants.models import Tenant

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with app.app_context():
        with unscoped():
            tenant_id = db.session.scalar(sa.select(Tenant.id).where(Tenant.slug == "mall"))
        pg = db.engine.dialect.name == "postgresql"
        series = "generate_series(1, :n) AS g(x)" if pg else "g"
        prefix = (
            ""
            if pg
            else "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < :n) "
        )
        false = "false" if pg else "0"
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO cases (tenant_id, number, access_code, status, channel, "
                    "under_supervision, description, location, complainant_name, "
                    "complainant_phone, "
                    "complainant_email, preferred_contact, accepted_at, accepted_by_label, "
                    "accepted_by_contact, result_text, remedy_text, created_at, updated_at) "
                    f"{prefix}SELECT :t, 'SW' || x, 'ABCDEFGH', 'dispatched', 'web', {false}, "
                    "'待办', '', "
                    "'吴静', '', '', 'phone', :past, '', '', '', '', :past, :past "
                    f"FROM {series}"
                ),
                {"t": tenant_id, "n": count, "past": now - dt.timedelta(days=1)},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO deadlines (tenant_id, case_id, stage, started_at, due_at, "
                    "provisional, target, next_alert_at, alert_level, round) "
                    f"SELECT tenant_id, id, 'result', :past, :future, {false}, '2 calendar_days', "
                    "CASE WHEN id % :every = 0 THEN :due ELSE :future END, 0, 0 "
                    "FROM cases WHERE number LIKE 'SW%'"
                ),
                {
                    "past": now - dt.timedelta(days=1),
                    "future": now + dt.timedelta(days=1),
                    "due": now - dt.timedelta(minutes=1),
                    "every": due_every,
                },
            )
            if pg:
                conn.execute(sa.text("ANALYZE cases"))
                conn.execute(sa.text("ANALYZE deadlines"))


def bench_sweep(kind: str, sizes: tuple[int, ...]) -> None:
    import datetime as dt
    import logging

    import sqlalchemy as sa

    from casework import alerts
    from casework.models import Deadline, PendingJob
    from tenants.db import db, unscoped

    logging.getLogger("jobs.dispatch").setLevel(logging.ERROR)
    figures = {}
    for size in sizes:
        app, instance = make_app(kind)
        try:
            t0 = time.perf_counter()
            bulk_open_deadlines(app, size)
            load_s = time.perf_counter() - t0
            with app.app_context():
                now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
                with unscoped():
                    # The sweep's own query, at a fixed page of 100 so sizes compare.
                    find = (
                        sa.select(Deadline.id, Deadline.tenant_id)
                        .where(Deadline.next_alert_at <= now)
                        .order_by(Deadline.next_alert_at)
                        .limit(100)
                    )
                    samples = []
                    for _ in range(5):
                        q0 = time.perf_counter()
                        db.session.execute(find).all()
                        samples.append(time.perf_counter() - q0)
                    db.session.rollback()
                find_ms = statistics.median(samples) * 1000
                t0 = time.perf_counter()
                sent = 0
                while (n := alerts.sweep(now)) > 0:
                    sent += n
                sweep_s = time.perf_counter() - t0
                with unscoped():
                    jobs = db.session.scalar(
                        sa.select(sa.func.count(PendingJob.id)).where(
                            PendingJob.name == "notify.alert"
                        )
                    )
            figures[size] = (find_ms, sweep_s, sent)
            print(
                f"    {kind} {size:,} open: loaded in {load_s:.0f}s, {sent} alerts, "
                f"{jobs} mail jobs",
                flush=True,
            )
            if size == sizes[0]:
                bench_worker(app, kind)
        finally:
            shutil.rmtree(instance, ignore_errors=True)
    small, large = sizes[0], sizes[-1]
    for size in sizes:
        find_ms, sweep_s, sent = figures[size]
        report(
            f"sweep at {size:,} open, {sent} due ({kind})",
            f"{sweep_s:.2f} s",
            f"{sweep_s / max(sent, 1) * 1000:.1f} ms/alert",
            f"find {find_ms:.2f} ms",
        )
    per_small = figures[small][1] / max(figures[small][2], 1)
    per_large = figures[large][1] / max(figures[large][2], 1)
    ratio = figures[large][0] / figures[small][0]
    report(
        f"sweep find query {large:,} vs {small:,} ({kind})",
        f"{figures[large][0]:.2f} ms",
        f"{figures[small][0]:.2f} ms",
        f"{ratio:.2f}x {'OK' if ratio < 3 else 'GROWS'}",
    )
    report(
        f"sweep cost per due alert ({kind})",
        f"{per_large * 1000:.1f} ms",
        f"{per_small * 1000:.1f} ms",
        f"{per_large / per_small:.2f}x",
    )


def bench_worker(app, kind: str) -> None:
    """Reminder emails sent per second by one RQ worker (mail kept in the log, no SMTP)."""
    import datetime as dt

    import sqlalchemy as sa
    from rq import SimpleWorker

    from casework.models import Message, PendingJob
    from jobs import dispatch, queues, runtime
    from tenants.db import db, unscoped

    flush_redis()
    app.config.update(JOBS_INLINE=False, REDIS_URL=BENCH_REDIS)
    runtime.set_app(app)
    with app.app_context():
        with unscoped():
            db.session.execute(
                sa.update(PendingJob).values(created_at=dt.datetime(2000, 1, 1), enqueued_at=None)
            )
            db.session.commit()
        handed = dispatch.redrive(limit=100_000)
        t0 = time.perf_counter()
        SimpleWorker([queues.queue()], connection=queues.worker_redis()).work(burst=True)
        elapsed = time.perf_counter() - t0
        with unscoped():
            mails = db.session.scalar(sa.select(sa.func.count(Message.id)))
    runtime.set_app(None)
    flush_redis()
    report(
        f"worker: alert jobs/s, one SimpleWorker ({kind})",
        f"{handed / elapsed:.0f}",
        f"{mails} mails",
        f"{handed} jobs",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs, 20,000 cases")
    parser.add_argument("--only", default="intake,queue,letters,sweep")
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--clients", type=int, default=0, help="concurrent intake clients")
    args = parser.parse_args()
    sections = set(args.only.split(","))
    kinds = args.db.split(",")
    seconds, clients = (4, 4) if args.quick else (10, 6)
    clients = args.clients or clients
    print(f"Closeloop bench on {os.cpu_count()} cores", flush=True)
    start_redis()
    if "postgresql" in kinds:
        import atexit

        atexit.register(drop_postgres)
    if "intake" in sections:
        for kind in kinds:
            bench_intake(kind, seconds, clients)
    if "queue" in sections:
        for kind in kinds:
            bench_queue(kind, 10 if args.quick else 30, 20_000 if args.quick else 100_000)
    if "letters" in sections:
        bench_letters(50 if args.quick else 200)
    if "sweep" in sections:
        for kind in kinds:
            bench_sweep(kind, (10_000, 100_000) if args.quick else (10_000, 1_000_000))
    print("\nsummary")
    for row in results:
        print("  " + " | ".join(row))


if __name__ == "__main__":
    main()
