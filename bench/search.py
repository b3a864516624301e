"""The desk's search over 1,000,000 cases on PostgreSQL: p50/p95 of the product's own query
(casework.search.search, as the search page calls it) beside the same SQL forced to a
sequential scan.

    .venv/bin/python bench/search.py [--cases 1000000] [--runs 50] [--seq-runs 5]

It creates its own database (closeloop_searchbench_<random>), loads the cases with COPY
(descriptions in Chinese built from a few hundred phrases, mobile numbers, names, places;
each search row built by the same code the domain runs on a flush), and drops the database
at the end, whatever happens. Nothing else on the server is touched.
Target: every query under 200 ms at p95 on this 2-core machine.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import secrets
import sys
import tempfile
import time
from types import SimpleNamespace

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_DB = f"closeloop_searchbench_{secrets.token_hex(4)}"
PG_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DB}"
TARGET_MS = 200.0

DISTRICTS = (
    "朝阳 海淀 东城 西城 丰台 石景山 通州 顺义 昌平 大兴 房山 门头沟 怀柔 平谷 密云 延庆"
).split()
ROADS = (
    "建国 长安 复兴 光华 望京 学院 中关村 知春 双井 劲松 "
    "和平 解放 人民 胜利 新华 文化 幸福 团结 友谊 青年"
).split()
PLACES = "小区 花园 大厦 商场 市场 公园 医院 学校 广场 地铁站 公交站 菜市场 停车场 写字楼".split()
ISSUES = (
    "楼下商铺噪音很大 电梯经常停运 小区垃圾无人清运 路灯坏了很久 下水道堵塞返水 "
    "物业收费不合理 停车位被长期占用 装修噪音影响休息 楼道堆放杂物 外卖电动车乱停 "
    "餐馆油烟扰民 暖气不热 自来水发黄 夜间施工扰民 广场舞音响太吵 井盖缺失有危险 "
    "共享单车堆满人行道 绿化带被毁 违章搭建 宠物狗不拴绳 公交车不按站停靠 出租车拒载 "
    "商家缺斤短两 售后服务推诿 快递丢件无人负责 网约车绕路多收费 医院挂号排队太久 "
    "药品价格过高 学校周边交通拥堵 培训机构拒绝退费 燃气管道有异味 外墙瓷砖脱落 "
    "化粪池满溢 屋顶漏水 消防通道被堵 充电桩无法使用 门禁系统失灵 监控摄像头损坏"
).split()
DETAILS = (
    "已经持续一个多月 多次反映没有结果 晚上十点以后还在继续 老人孩子都受影响 "
    "周末尤其严重 物业说不归他们管 打过热线但没人回复 邻居也有同样问题 "
    "影响出行安全 下雨天更加明显 上周已经投诉过一次 社区说正在协调"
).split()
ASKS = "希望尽快处理 要求给个说法 请相关部门核实 希望派人来看看 要求退还费用 请尽快维修".split()
SURNAMES = (
    "王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗 梁 宋 郑 谢 韩 唐 冯 于 董 萧"
).split()
GIVEN = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 华 慧 建华 国强 晓明 海燕 志强"
).split()
MOBILE = ("133", "135", "136", "137", "138", "139", "150", "151", "158", "159", "186", "188")

CASE_COLUMNS = (
    "id",
    "tenant_id",
    "number",
    "access_code",
    "status",
    "channel",
    "category_id",
    "priority",
    "under_supervision",
    "description",
    "location",
    "complainant_name",
    "complainant_phone",
    "complainant_email",
    "complainant_address",
    "complainant_id_number",
    "preferred_contact",
    "accepted_at",
    "accepted_by_label",
    "accepted_by_contact",
    "result_text",
    "remedy_text",
    "result_round",
    "teaching",
    "lesson",
    "restricted",
    "restricted_reason",
    "cause_analysis",
    "remedy_approved_by_label",
    "created_at",
    "updated_at",
)
SEARCH_COLUMNS = (
    "case_id",
    "tenant_id",
    "number",
    "name",
    "phone",
    "email",
    "doc",
    "pdoc",
    "grams",
)


def _drop(engine, sa) -> None:
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))


def _app():
    from web import create_app

    os.environ["CLOSELOOP_INSTANCE"] = tempfile.mkdtemp(prefix="closeloop-searchbench-")
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": PG_URL,
            "SECRET_KEY": "bench",
            "JOBS_INLINE": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )


def _tenant():
    """One city-preset tenant and its demo staff, made through the product's own code."""
    from casework import provisioning
    from tenants import bootstrap
    from tenants.db import db
    from tenants.presets import load_demo

    tenant = provisioning.provision("bench", "city", name="Search bench")
    users = bootstrap.add_staff(
        tenant, load_demo("city").users, "bench-password-1", "bench.test", "pbkdf2:sha256:1000"
    )
    db.session.commit()
    return tenant, users


def _rows(count: int, tenant_id: int, categories: list[int], seed: int = 11):
    """(case row, search row) pairs; the search row from casework.models.search.document_of."""
    import datetime as dt

    from casework.models.search import document_of

    rng = random.Random(seed)
    base = dt.datetime(2021, 1, 1)
    statuses = ["accepted", "dispatched", "in_progress", "resolved", "awaiting_revisit", "closed"]
    channels = ["web", "phone", "walk_in", "email", "letter"]
    for i in range(1, count + 1):
        created = base + dt.timedelta(seconds=150 * i)
        place = f"{rng.choice(DISTRICTS)}区{rng.choice(ROADS)}路{rng.randint(1, 300)}号"
        place += rng.choice(PLACES)
        issue = rng.sample(ISSUES, 2)
        description = (
            f"{place}{rng.randint(1, 30)}号楼{issue[0]}，{rng.choice(DETAILS)}，"
            f"另外{issue[1]}，{rng.choice(DETAILS)}。{rng.choice(ASKS)}。"
        )
        phone = f"+86{rng.choice(MOBILE)}{rng.randint(0, 99_999_999):08d}"
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        email = f"u{i}@example.com" if i % 5 == 0 else ""
        case = {
            "id": i,
            "tenant_id": tenant_id,
            "number": f"RX{created:%Y%m%d}{i:07d}",
            "access_code": "ABCDEFGH",
            "status": statuses[i % 6],
            "channel": channels[i % 5],
            "category_id": categories[i % len(categories)],
            "priority": "normal",
            "under_supervision": False,
            "description": description,
            "location": place,
            "complainant_name": name,
            "complainant_phone": phone,
            "complainant_email": email,
            "complainant_address": "",
            "complainant_id_number": "",
            "preferred_contact": "phone",
            "accepted_at": created,
            "accepted_by_label": "热线",
            "accepted_by_contact": "",
            "result_text": "",
            "remedy_text": "",
            "result_round": 0,
            "teaching": False,
            "lesson": "",
            "restricted": False,
            "restricted_reason": "",
            "cause_analysis": "",
            "remedy_approved_by_label": "",
            "created_at": created,
            "updated_at": created,
        }
        doc = document_of(SimpleNamespace(**case))
        yield case, {"case_id": i, "tenant_id": tenant_id, **doc}


def load(count: int, tenant_id: int, categories: list[int]) -> dict[str, float]:
    """COPY ``count`` cases and their search rows; the GIN indexes dropped and rebuilt."""
    import sqlalchemy as sa

    from tenants.db import db

    times = {}
    with db.engine.connect() as conn:
        indexdefs = conn.execute(
            sa.text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'case_search' "
                "AND indexname LIKE 'case_search_%'"
            )
        ).all()
        for name, _ in indexdefs:
            conn.execute(sa.text(f'DROP INDEX "{name}"'))
        conn.commit()
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        start = time.monotonic()
        cases_sql = f"COPY cases ({', '.join(CASE_COLUMNS)}) FROM STDIN"
        search_sql = f"COPY case_search ({', '.join(SEARCH_COLUMNS)}) FROM STDIN"
        pending = []
        with cur.copy(cases_sql) as copy:
            for case, search in _rows(count, tenant_id, categories):
                copy.write_row([case[c] for c in CASE_COLUMNS])
                pending.append([search[c] for c in SEARCH_COLUMNS])
        times["copy cases (with building the search rows)"] = time.monotonic() - start
        start = time.monotonic()
        with cur.copy(search_sql) as copy:
            for row in pending:
                copy.write_row(row)
        del pending
        times["copy case_search"] = time.monotonic() - start
        cur.execute(f"SELECT setval(pg_get_serial_sequence('cases', 'id'), {count})")
        raw.commit()
        start = time.monotonic()
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET max_parallel_maintenance_workers = 2")
        for _, definition in indexdefs:
            cur.execute(definition)
        raw.commit()
        times["rebuild the GIN indexes"] = time.monotonic() - start
        start = time.monotonic()
        raw.driver_connection.autocommit = True  # VACUUM runs outside a transaction
        cur.execute("VACUUM ANALYZE cases")
        cur.execute("VACUUM ANALYZE case_search")
        times["vacuum analyze"] = time.monotonic() - start
    finally:
        raw.invalidate()  # an autocommit connection must not go back to the product's pool
    return times


class Capture:
    """The last SELECT on case_search the product sent, with its parameters."""

    def __init__(self) -> None:
        self.sql, self.params = "", None

    def __call__(self, _conn, _cursor, statement, parameters, _context, _many) -> None:
        if "case_search" in statement:
            self.sql, self.params = statement, parameters


def time_search(query: str, user, runs: int, *, seq: bool = False) -> tuple[list[float], int]:
    """The product's search, ``runs`` times; with ``seq``, index and bitmap scans turned off
    for the transaction (SET LOCAL, rolled back after each run)."""
    import sqlalchemy as sa

    from casework import queue as caseq
    from casework import search
    from tenants.db import db

    samples, found = [], 0
    filters = caseq.Filters(status="all")
    for _ in range(runs):
        db.session.expire_all()
        if seq:
            db.session.execute(sa.text("SET LOCAL enable_indexscan = off"))
            db.session.execute(sa.text("SET LOCAL enable_bitmapscan = off"))
        start = time.perf_counter()
        page = search.search(query, filters, user)
        samples.append((time.perf_counter() - start) * 1000)
        found = len(page.cases)
        db.session.rollback()
    return samples, found


def plan(sql: str, params) -> str:
    """The scan nodes of the captured statement's plan, as it ran."""
    from tenants.db import db

    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql, params)
        lines = [r[0].strip() for r in cur.fetchall()]
        raw.rollback()
    finally:
        raw.close()
    return " / ".join(line for line in lines if "Scan" in line)[:260]


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seq-runs", type=int, default=5)
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
        _drop(admin, sa)
        admin.dispose()
        print(f"dropped {PG_DB}")


def run(args) -> None:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from casework.models import Category
    from tenants.db import db, tenant_bound

    app = _app()
    with app.app_context():
        start = time.monotonic()
        upgrade()
        tenant, users = _tenant()
        tenant_id = tenant.id
        with tenant_bound(tenant_id):
            categories = list(db.session.scalars(sa.select(Category.id)))
        print(f"schema and tenant: {time.monotonic() - start:.1f} s")
        start = time.monotonic()
        for what, seconds in load(args.cases, tenant_id, categories).items():
            print(f"  {what}: {seconds:.1f} s")
        print(f"loaded {args.cases:,} cases in {time.monotonic() - start:.1f} s")
        with tenant_bound(tenant_id):
            super_ = db.session.merge(users["super"])
            sizes = db.session.execute(
                sa.text(
                    "SELECT pg_size_pretty(pg_total_relation_size('case_search')), "
                    "pg_size_pretty(pg_total_relation_size('cases'))"
                )
            ).one()
            print(f"case_search with its indexes: {sizes[0]}; cases: {sizes[1]}")
            queries = [
                ("Chinese phrase (3+ chars, trigram)", "电梯经常停运"),
                ("Chinese phrase (2 chars, bigram)", "井盖"),
                ("Chinese phrase + place", "油烟 望京"),
                ("phone fragment (6 digits)", "123456"),
                ("phone fragment (4 digits)", "5678"),
                ("phone fragment (4 equal digits)", "8888"),
                ("name (2 chars)", "王芳"),
                ("case number part", "0424242"),
            ]
            capture = Capture()
            sa.event.listen(db.engine, "before_cursor_execute", capture)
            print(
                f"\n{'query':44} {'rows':>4} {'p50 ms':>8} {'p95 ms':>8}   "
                f"{'seq scan p50':>12} {'p95':>8}  verdict"
            )
            for label, query in queries:
                time_search(query, super_, 2)  # warm
                samples, found = time_search(query, super_, args.runs)
                sql, params = capture.sql, capture.params
                seq, _ = time_search(query, super_, args.seq_runs, seq=True)
                p95 = pct(samples, 0.95)
                verdict = "OK" if p95 < TARGET_MS else "SLOW"
                print(
                    f"{label + ' ' + repr(query):44} {found:>4} {pct(samples, 0.5):>8.1f} "
                    f"{p95:>8.1f}   {pct(seq, 0.5):>12.1f} {pct(seq, 0.95):>8.1f}  {verdict}"
                )
                print(f"    last tier's plan: {plan(sql, params)}", flush=True)
            sa.event.remove(db.engine, "before_cursor_execute", capture)


if __name__ == "__main__":
    main()
