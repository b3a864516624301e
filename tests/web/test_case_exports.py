"""Exports of the queue and of search results (issue 13): the rows the list shows, all its
pages, masked as the viewer reads them, safe in a spreadsheet, logged, bounded."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from casework import exports as case_exports
from casework import queue as caseq
from casework.models import Case
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound
from tests.conftest import dispatched_case, login, open_case

DETAILS = {
    "phone": "13812345678",
    "email": "zhang.wei@example.com",
    "address": "杭州市西湖区文三路100号3单元",
    "description": "请打 13812345678 联系我,收银员多收了 60 元。",
}


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM Excel reads UTF-8 by
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def _xlsx(response):
    assert response.status_code == 200, response.status_code
    assert response.content_type.startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.data)).worksheets[0]


def _numbers_in_queue(org, user: str, filters: caseq.Filters) -> list[str]:
    """Every page of the queue as the viewer reads it, in its order."""
    with tenant_bound(org.tenant.id):
        viewer = db.session.get(type(org.users[user]), org.users[user].id)
        numbers, cursor = [], ""
        while True:
            cases, cursor = caseq.list_cases(filters, cursor or "", viewer=viewer)
            numbers += [c.number for c in cases]
            if not cursor:
                return numbers


def _exports(org) -> list[AuditEvent]:
    with tenant_bound(org.tenant.id):
        return db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.kind == "export.cases").order_by(AuditEvent.id)
        ).all()


def test_the_export_holds_every_page_of_the_filtered_queue_in_its_order(client, world):
    ops = [dispatched_case(world.a, description=f"电梯故障 {i}") for i in range(28)]
    other = open_case(world.a, description="不在运营部")
    department = world.a.users["ops_li"].department_id
    login(client, world.a, "super")
    url = f"/t/{world.a.slug}/desk/queue.csv?status=all&department={department}&lang=en"
    rows = _csv(client.get(url))
    shown = _numbers_in_queue(
        world.a, "super", caseq.Filters(status="all", department_id=department)
    )
    assert len(shown) == 28 > caseq.PAGE_SIZE  # more than one page of the queue
    assert [r[0] for r in rows[1:]] == shown
    with tenant_bound(world.a.tenant.id):
        assert db.session.get(Case, other.id).number not in {r[0] for r in rows}
        first = db.session.get(Case, ops[-1])
        assert rows[1][0] == first.number  # newest first, as the queue
        assert rows[1][6] == first.department.name and rows[1][7] == first.handler.name
    sheet = _xlsx(client.get(url.replace("queue.csv", "queue.xlsx")))
    assert [c.value for c in next(sheet.iter_rows(min_row=2, max_col=1, max_row=2))] == [shown[0]]
    assert [r[0] for r in sheet.iter_rows(min_row=2, max_col=1, values_only=True)] == shown


def test_headers_are_chinese_and_times_in_the_tenants_zone(client, world):
    case = open_case(world.a, **DETAILS)
    login(client, world.a, "super")
    rows = _csv(client.get(f"/t/{world.a.slug}/desk/queue.csv"))
    assert rows[0][0] == "受理编号" and "投诉人" in rows[0] and "电话" in rows[0]
    assert "Asia/Shanghai" in rows[0][1]
    with tenant_bound(world.a.tenant.id):
        created = db.session.get(Case, case.id).created_at
    local = created + dt.timedelta(hours=8)  # China keeps no summer time
    assert rows[1][1] == local.strftime("%Y-%m-%d %H:%M")
    sheet = _xlsx(client.get(f"/t/{world.a.slug}/desk/queue.xlsx"))
    assert sheet.title == "案件清单"
    received = sheet.cell(row=2, column=2)
    assert abs(received.value - local) < dt.timedelta(seconds=1)
    assert received.number_format == "yyyy-mm-dd hh:mm"


def test_a_handler_without_the_right_exports_what_the_queue_shows_them_masked(client, world):
    case_id = dispatched_case(world.a, "ops_li", **DETAILS)
    outside = open_case(world.a, description="别的部门的投诉")
    login(client, world.a, "ops_li")
    queue = client.get(f"/t/{world.a.slug}/desk/?status=all")
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/t/{world.a.slug}/desk/queue.{fmt}?status=all&lang=en")
        if fmt == "csv":
            rows = _csv(response)
        else:
            rows = [[str(v or "") for v in r] for r in _xlsx(response).iter_rows(values_only=True)]
        header, cells = rows[0], dict(zip(rows[0], rows[1], strict=True))
        assert len(rows) == 2, "a case outside the handler's sight was exported"
        with tenant_bound(world.a.tenant.id):
            case = db.session.get(Case, case_id)
            assert cells["Case number"] == case.number
            assert outside.number not in str(rows)
        assert cells["Phone"] == "138****5678"
        assert cells["Email"] == "z***@example.com"
        assert cells["Address"] == "杭州市西湖区****"
        assert "13812345678" not in str(rows) and "文三路" not in str(rows)
        assert cells["Description"] == "请打 138****5678 联系我,收银员多收了 60 元。"
        # The name reads as the queue's row shows it (staff address people by name).
        assert cells["Complainant"] == "张伟" and "张伟" in queue.text
        assert "Complainant" in header


def test_the_personal_data_right_exports_the_details_in_full(client, world):
    open_case(world.a, **DETAILS)
    login(client, world.a, "super")
    rows = _csv(client.get(f"/t/{world.a.slug}/desk/queue.csv?lang=en"))
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert cells["Phone"] == "13812345678" and cells["Email"] == DETAILS["email"]
    assert cells["Address"] == DETAILS["address"] and cells["Description"] == DETAILS["description"]


def test_cells_that_would_start_a_formula_are_text(client, world):
    open_case(
        world.a,
        name='=HYPERLINK("http://x","张")',
        description="@SUM(A1:A9) 收费\x07不合理",
        phone="13812345678",
    )
    login(client, world.a, "super")
    rows = _csv(client.get(f"/t/{world.a.slug}/desk/queue.csv?lang=en"))
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert cells["Complainant"] == '\'=HYPERLINK("http://x","张")'
    assert cells["Description"].startswith("'@SUM")
    sheet = _xlsx(client.get(f"/t/{world.a.slug}/desk/queue.xlsx?lang=en"))
    names = [c.value for c in sheet[1]]
    name = sheet.cell(row=2, column=names.index("Complainant") + 1)
    assert name.value == '=HYPERLINK("http://x","张")'
    assert name.data_type == "s" and name.quotePrefix  # shown as typed, never run
    text = sheet.cell(row=2, column=names.index("Description") + 1)
    assert text.data_type == "s" and text.value == "@SUM(A1:A9) 收费不合理"  # no control byte


def test_search_results_export_in_their_ranked_order(client, world):
    noise = [open_case(world.a, description=f"楼下噪音很大 {i}") for i in range(3)]
    open_case(world.a, description="电梯坏了。")
    login(client, world.a, "desk")
    rows = _csv(client.get(f"/t/{world.a.slug}/desk/search.csv", query_string={"q": "噪音"}))
    assert [r[0] for r in rows[1:]] == [c.number for c in reversed(noise)]
    sheet = _xlsx(client.get(f"/t/{world.a.slug}/desk/search.xlsx", query_string={"q": "噪音"}))
    assert sheet.max_row == 4
    page = client.get(f"/t/{world.a.slug}/desk/search", query_string={"q": "噪音"})
    assert f"/t/{world.a.slug}/desk/search.csv?q=" in page.text


@pytest.mark.parametrize("query", ["", "噪", "x" * 500])
def test_a_search_export_without_a_searchable_query_goes_back_to_the_search(client, world, query):
    login(client, world.a, "desk")
    response = client.get(f"/t/{world.a.slug}/desk/search.csv", query_string={"q": query})
    assert response.status_code == 303 and "/desk/search" in response.headers["Location"]
    assert _exports(world.a) == []


def test_each_export_is_in_the_audit_log_with_its_filter_and_rows(client, world):
    for _ in range(2):
        open_case(world.a)
    login(client, world.a, "super")
    client.get(f"/t/{world.a.slug}/desk/queue.xlsx?status=all&channel=web&lang=en").close()
    _csv(client.get(f"/t/{world.a.slug}/desk/search.csv?q=收银员"))
    made = _exports(world.a)
    assert [e.changes["after"]["format"] for e in made] == ["xlsx", "csv"]
    first, second = (e.changes["after"] for e in made)
    assert first == {
        "list": "queue",
        "format": "xlsx",
        "filters": {"status": "all", "channel": "web"},
        "rows": 2,
        "cut": False,
    }
    assert second["list"] == "search" and second["filters"] == {"q": "收银员"}
    assert made[0].actor_id == world.a.users["super"].id
    client.post(f"/t/{world.a.slug}/desk/logout")
    login(client, world.a, "admin")
    log = client.get(f"/t/{world.a.slug}/desk/admin/audit?lang=en").text
    assert "Case list exported" in log


def test_an_export_past_the_most_says_it_was_cut(client, world, monkeypatch):
    numbers = [open_case(world.a, description=f"投诉 {i}").number for i in range(5)]
    monkeypatch.setattr(case_exports, "MOST", 3)
    monkeypatch.setattr(case_exports, "MOST_XLSX", 2)
    monkeypatch.setattr(case_exports, "BATCH", 2)  # the batches' seams are crossed too
    login(client, world.a, "super")
    rows = _csv(client.get(f"/t/{world.a.slug}/desk/queue.csv?lang=en"))
    assert [r[0] for r in rows[1:4]] == numbers[::-1][:3]
    assert len(rows) == 5 and rows[4][0].startswith("Only the first 3 cases")
    sheet = _xlsx(client.get(f"/t/{world.a.slug}/desk/queue.xlsx?lang=en"))
    assert sheet.max_row == 4
    assert sheet.cell(row=4, column=1).value.startswith("Only the first 2 cases")
    assert "the CSV holds up to 3" in sheet.cell(row=4, column=1).value
    assert [e.changes["after"]["rows"] for e in _exports(world.a)] == [3, 2]
    assert all(e.changes["after"]["cut"] for e in _exports(world.a))


def test_the_queue_offers_the_downloads_with_its_filters(client, world):
    open_case(world.a)
    login(client, world.a, "desk")
    page = client.get(f"/t/{world.a.slug}/desk/?status=all&channel=web&after=&lang=en")
    assert f"/t/{world.a.slug}/desk/queue.csv?status=all&amp;channel=web" in page.text
    assert f"/t/{world.a.slug}/desk/queue.xlsx?status=all&amp;channel=web" in page.text
    fragment = client.get(
        f"/t/{world.a.slug}/desk/?status=closed", headers={"HX-Request": "true"}
    ).text
    assert "queue.csv" not in fragment  # nothing to download


@pytest.mark.parametrize(
    "path", ["queue.csv", "queue.xlsx", "search.csv?q=收银员", "search.xlsx?q=收银员"]
)
def test_another_tenants_export_is_404(client, world, path):
    open_case(world.b)
    login(client, world.a, "super")
    assert client.get(f"/t/{world.b.slug}/desk/{path}").status_code == 404


def test_a_case_revealed_minutes_ago_exports_in_full_as_on_screen(client, world):
    shown = dispatched_case(world.a, "ops_li", **DETAILS)
    hidden = dispatched_case(world.a, "ops_li", **{**DETAILS, "phone": "13900001111"})
    login(client, world.a, "ops_li")
    reveal = client.post(
        f"/t/{world.a.slug}/desk/cases/{shown}/reveal", data={"reveal-reason": "回电核实"}
    )
    assert reveal.status_code == 303
    rows = _csv(client.get(f"/t/{world.a.slug}/desk/queue.csv?lang=en"))
    with tenant_bound(world.a.tenant.id):
        numbers = {db.session.get(Case, i).number: i for i in (shown, hidden)}
    phones = {numbers[r[0]]: r[rows[0].index("Phone")] for r in rows[1:]}
    assert phones == {shown: "13812345678", hidden: "139****1111"}
