"""The dashboard's figures as downloads (issue 13): the same figures as the page, for the
period and department shown, without personal data; only the dashboard's readers."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound
from tests.casework import stats_world
from tests.conftest import login

NOVEMBER = "period=custom&first=2026-11-01&last=2026-11-30"


@pytest.fixture
def month(world, monkeypatch):
    built = stats_world.build(world.a, monkeypatch)
    monkeypatch.undo()
    return built


def _get(client, org, fmt: str, query: str = NOVEMBER, user: str = "super", lang: str = "en"):
    login(client, org, user)
    return client.get(f"/t/{org.slug}/desk/dashboard.{fmt}?lang={lang}&{query}")


def _table(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def _value(rows, figure: str, key: str = "") -> str:
    found = [r[2] for r in rows if r[0] == figure and r[1] == key]
    assert len(found) == 1, (figure, key, found)
    return found[0]


def test_the_csv_is_one_long_table_of_the_pages_figures(client, world, month):
    rows = _table(_get(client, world.a, "csv"))
    assert rows[0] == ["Figure", "Item", "Value"]
    assert _value(rows, "Period", "From") == "2026-11-01"
    assert _value(rows, "Period", "To") == "2026-11-30"
    assert _value(rows, "Department") == "All departments"
    assert _value(rows, "Complaints received", "Cases") == "4"
    assert _value(rows, "By category", world.a.category("price").name) == "2"
    assert _value(rows, "By channel", "Phone") == "1"
    assert _value(rows, "First-contact resolution", "Share (%)") == "25.0"
    assert _value(rows, "First-contact resolution", "Cases") == "1"
    assert _value(rows, "Reopened", "Cases") == "1"
    assert _value(rows, "Refunds and compensation (¥)") == "60.0"
    assert _value(rows, "Revisits with a score") == "2"
    assert _value(rows, "Satisfied", "Share (%)") == "50.0"
    assert _value(rows, "Overdue now") != ""
    # The dashboard page shows the same first-contact share.
    login(client, world.a, "super")
    page = client.get(f"/t/{world.a.slug}/desk/dashboard?lang=en&{NOVEMBER}").text
    assert "25.0%" in page[page.index('data-testid="first-contact"') :][:200]


def test_no_personal_data_is_in_the_figures(client, world, month):
    for fmt in ("csv", "xlsx"):
        response = _get(client, world.a, fmt)
        if fmt == "csv":
            text = response.data.decode("utf-8-sig")
        else:
            book = load_workbook(io.BytesIO(response.data))
            text = str([list(s.iter_rows(values_only=True)) for s in book.worksheets])
        for secret in ("张伟", "13812345678", "138****5678", "统计用的投诉", "XH2026"):
            assert secret not in text, (fmt, secret)
        for staff in world.a.users.values():
            assert staff.name not in text, (fmt, staff.name)


def test_the_workbook_has_one_sheet_per_group_of_figures(client, world, month):
    response = _get(client, world.a, "xlsx")
    assert response.status_code == 200
    assert "figures-2026-11-01-2026-11-30.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == [
        "Period",
        "Volumes",
        "Trend",
        "Timeliness",
        "Outcomes",
        "Repeat complaints and hot spots",
        "Satisfaction",
    ]
    outcomes = list(book["Outcomes"].iter_rows(values_only=True))
    assert outcomes[0] == ("Figure", "Item", "Value")
    assert ("Complaints received", "Cases", 4) in outcomes
    assert ("First-contact resolution", "Share (%)", 25.0) in outcomes


def test_chinese_headers_and_sheet_names(client, world, month):
    rows = _table(_get(client, world.a, "csv", lang="zh_CN"))
    assert rows[0] == ["指标", "项目", "数值"]
    book = load_workbook(io.BytesIO(_get(client, world.a, "xlsx", lang="zh_CN").data))
    assert book.sheetnames[0] == "周期" and "满意度" in book.sheetnames


def test_a_department_head_exports_their_own_department_only(client, world, month):
    other = world.a.users["ops_li"].department_id
    rows = _table(_get(client, world.a, "csv", f"{NOVEMBER}&department={other}", "cs_head"))
    assert _value(rows, "Complaints received", "Cases") == "1"  # S3 only, as on the page
    assert _value(rows, "Department") != "All departments"


@pytest.mark.parametrize("user", ["ops_li", "desk"])
def test_without_the_dashboard_right_the_figures_are_403(client, world, user):
    for fmt in ("csv", "xlsx"):
        assert _get(client, world.a, fmt, user=user).status_code == 403


def test_each_figures_export_is_in_the_audit_log(client, world, month):
    _table(_get(client, world.a, "csv"))
    with tenant_bound(world.a.tenant.id):
        made = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.kind == "export.figures")
        ).all()
    assert [e.changes["after"] for e in made] == [
        {"format": "csv", "period": "2026-11-01 – 2026-11-30", "department": None}
    ]


def test_the_dashboard_offers_the_downloads_for_the_period_shown(client, world):
    login(client, world.a, "super")
    page = client.get(f"/t/{world.a.slug}/desk/dashboard?{NOVEMBER}").text
    assert "dashboard.csv?period=custom&amp;first=2026-11-01&amp;last=2026-11-30" in page
    assert "dashboard.xlsx?period=custom" in page


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_another_tenants_figures_are_404(client, world, fmt):
    login(client, world.a, "super")
    assert client.get(f"/t/{world.b.slug}/desk/dashboard.{fmt}").status_code == 404
