"""The summary report (统计报告, issue 13): the job makes a PDF in Chinese with the figures of
the hand-counted month (tests/casework/stats_world.py) and no personal data; a retried job
makes one report; the routes ask, poll and download, for dashboard readers only.

Rendering is slow, so the module renders one PDF per test that needs one.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from casework import stats
from casework.models import Case, Message, PendingJob, SummaryReport
from casework.operations import summary_reports
from casework.states import DossierState
from jobs import runtime
from jobs import summary_reports as summary_jobs
from tenants.db import db, tenant_bound, unscoped
from tenants.models import Tenant, User
from tests.casework import stats_world
from tests.conftest import login

NOVEMBER = "period=custom&first=2026-11-01&last=2026-11-30"


@pytest.fixture
def month(world, monkeypatch):
    built = stats_world.build(world.a, monkeypatch)
    monkeypatch.undo()
    return built


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _retry() -> int:
    """The one report job, made pending again as a retried or duplicated job would be."""
    with unscoped():
        pending = db.session.scalars(
            sa.select(PendingJob).where(PendingJob.name == summary_reports.JOB)
        ).one()
        pending.done_at = None
        db.session.commit()
        return pending.id


def _ask(client, org, user="super", query=NOVEMBER):
    login(client, org, user)
    return client.post(f"/t/{org.slug}/desk/dashboard/reports?{query}")


def test_the_job_prints_the_months_figures_in_chinese_without_personal_data(client, world, month):
    asked = _ask(client, world.a)
    assert asked.status_code == 303
    report_id = int(re.search(r"/reports/(\d+)$", asked.headers["Location"]).group(1))
    # The job ran inline after the commit (embedded mode).
    with tenant_bound(world.a.tenant.id):
        row = db.session.get(SummaryReport, report_id)
        assert row.state == DossierState.DONE, row.error
        data = row.pdf
        assert row.size == len(data)
        numbers = {
            name: db.session.get(Case, case_id).number for name, case_id in month.ids.items()
        }
    text = re.sub(r"\s+", "", _pdf_text(data))
    for heading in (
        "统计报告",
        "关键指标",
        "投诉量与趋势",
        "主要原因与类别",
        "超期案件",
        "不满意案件",
    ):
        assert heading in text, heading
    assert world.a.tenant.name.replace(" ", "") in text
    assert "2026-11-01–2026-11-30" in text
    # Hand-counted: 4 complaints in November, 1 answered at once (25.0%), 2 scored
    # revisits of which 1 satisfied (50.0%); result on time 2 of 3 (66.7%).
    assert "受理投诉4" in text
    assert "25.0%" in text and "50.0%" in text and "66.7%" in text
    # Overdue now: G4, O5, Y6, Y7 waiting for dispatch, and P2; unsatisfied: P2 (score 2).
    overdue = text[text.index("超期案件", text.index("主要原因与类别")) : text.index("不满意案件")]
    for name in ("G4", "O5", "Y6", "Y7", "P2"):
        assert numbers[name] in overdue, name
    unsatisfied = text[text.index("不满意案件", text.index("主要原因与类别")) :]
    assert numbers["P2"] in unsatisfied and numbers["P1"] not in unsatisfied
    # No personal data: the complainant's name, phone or the complaint's text.
    for secret in ("张伟", "13812345678", "统计用的投诉", "孙建国"):
        assert secret not in text, secret
    cjk = ("Closeloop-Sans", "NotoSansCJK", "Noto-Sans-CJK")  # trimmed, or system Noto
    fonts = {
        str(f.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(data)).pages
        for f in page["/Resources"]["/Font"].values()
    }
    assert all(any(name in f for name in cjk) for f in fonts), fonts

    # Run again, as a retried or duplicated job: one report, its PDF untouched.
    pending = _retry()
    assert runtime.execute(pending) == "ok"
    assert runtime.execute(pending) == "done already"
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SummaryReport)) == 1
        assert db.session.get(SummaryReport, report_id).pdf == data


def test_asking_twice_while_under_way_makes_one_report(world, month, monkeypatch):
    user = world.a.users["super"]
    with tenant_bound(world.a.tenant.id):
        scope = month.scope(period=stats.Period.LAST_MONTH)
        first = summary_reports.request_report(scope, user)
        again = summary_reports.request_report(scope, user)
        assert again.id == first.id
        db.session.rollback()


def test_the_routes_poll_and_download(client, world, month):
    asked = _ask(client, world.a)
    status = client.get(asked.headers["Location"])
    assert status.status_code == 200 and 'data-state="done"' in status.text
    pdf = client.get(asked.headers["Location"] + ".pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert 'data-testid="request-report"' in status.text  # ask again for the same period
    page = client.get(f"/t/{world.a.slug}/desk/dashboard?{NOVEMBER}")
    assert 'data-testid="past-reports"' in page.text and asked.headers["Location"] in page.text


def test_a_handler_gets_403_and_a_head_404_for_another_department(client, world):
    with tenant_bound(world.a.tenant.id):
        row = SummaryReport(
            key="other", first_day=dt.date(2026, 11, 1), last_day=dt.date(2026, 11, 30),
            department_id=world.a.users["ops_li"].department_id,
        )  # fmt: skip
        db.session.add(row)
        db.session.commit()
        report_id = row.id
    base = f"/t/{world.a.slug}/desk/dashboard/reports/{report_id}"
    for user in ("ops_li", "desk"):
        assert _ask(client, world.a, user).status_code == 403
        assert client.get(f"{base}.pdf").status_code == 403
    login(client, world.a, "ops_head")  # operations' own head reads it
    assert client.get(base).status_code == 200
    # The service desk's head: operations' report is not theirs, and what they ask for is
    # their own department's whatever the query says.
    ops = world.a.users["ops_li"].department_id
    asked = _ask(client, world.a, "cs_head", f"{NOVEMBER}&department={ops}")
    assert asked.status_code == 303
    assert client.get(base).status_code == 404
    assert client.get(f"{base}.pdf").status_code == 404
    with tenant_bound(world.a.tenant.id):
        own = db.session.scalars(sa.select(SummaryReport).where(SummaryReport.key != "other")).one()
        assert own.department_id == world.a.users["cs_head"].department_id


def test_the_monthly_schedule_mails_last_months_report_once(world, month):
    tenant_id = world.a.tenant.id
    with tenant_bound(tenant_id):
        tenant = db.session.get(Tenant, tenant_id)
        with pytest.raises(ValueError):
            tenant.update_config(report_recipients=["not an address"])
        db.session.rollback()
        tenant = db.session.get(Tenant, tenant_id)
        tenant.update_config(report_recipients=["head@example.com", "board@example.com"])
        db.session.commit()
    # Run on 7 December (Beijing): November's report, built after commit, mailed to each.
    assert summary_jobs.monthly(stats_world.NOW) == 1
    assert summary_jobs.monthly(stats_world.NOW) == 0  # the month's key is taken
    with tenant_bound(tenant_id):
        row = db.session.scalars(sa.select(SummaryReport)).one()
        assert (row.key, row.first_day.isoformat(), row.last_day.isoformat()) == (
            "monthly-2026-11",
            "2026-11-01",
            "2026-11-30",
        )
        assert row.state == DossierState.DONE, row.error
        mails = db.session.scalars(sa.select(Message).order_by(Message.to)).all()
        assert [m.to for m in mails] == ["board@example.com", "head@example.com"]
        assert all("2026-11-01" in m.subject for m in mails)
    # A retried job finds the report done and the mails sent: nothing more goes out.
    pending = _retry()
    assert runtime.execute(pending) == "ok"
    with tenant_bound(tenant_id):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 2
    # The other tenant names no recipients: no report of theirs.
    with tenant_bound(world.b.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SummaryReport)) == 0


def test_a_report_under_way_is_polled_by_htmx(client, world):
    with tenant_bound(world.a.tenant.id):
        row = SummaryReport(
            key="queued", first_day=dt.date(2026, 11, 1), last_day=dt.date(2026, 11, 30)
        )
        db.session.add(row)
        db.session.commit()
        report_id = row.id
    login(client, world.a, "super")
    url = f"/t/{world.a.slug}/desk/dashboard/reports/{report_id}"
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert f'hx-get="{url}"' in fragment.text and 'hx-trigger="every 2s"' in fragment.text
    assert 'data-testid="request-report"' not in fragment.text
    assert client.get(f"{url}.pdf").status_code == 202


def test_a_head_of_no_department_asks_for_nothing(client, world):
    with tenant_bound(world.a.tenant.id):
        db.session.get(User, world.a.users["cs_head"].id).department_id = None
        db.session.commit()
    assert _ask(client, world.a, "cs_head").status_code == 403
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SummaryReport)) == 0
