"""Importing work orders at the desk: the preview shows each bad row's errors and saves
nothing, the import saves the good rows, a second import of the same orders saves nothing
new; and the issue's "done when": a month of 60 repairs imported, 9 drawn (15%), each
revisit due within a month of its repair."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from casework import deadlines
from casework.models import Case, Revisit, SampleDraw, ServiceImport
from casework.states import CaseKind
from jobs import sampling as sampling_job
from tenants.db import db, tenant_bound, utcnow
from tests.conftest import login, make_org


@pytest.fixture
def prop():
    return make_org("jc", "property")


def last_month_day(day: int) -> dt.date:
    start = utcnow().date().replace(day=1)
    return (start - dt.timedelta(days=1)).replace(day=day)


HEADER = ["工单号", "类型", "完成时间", "姓名", "电话", "地址", "内容"]


def bad_rows() -> list[list[str]]:
    good = last_month_day(3).isoformat()
    return [
        HEADER,
        ["PG-001", "维修", f"{good} 14:30", "陈静", "139 1234 5678", "3-2-501", "换水管接头"],
        ["PG-002", "派工单", "11/31/2026", "王强", "13912345679", "3-2-502", "修门锁"],  # date
        ["PG-003", "维修", good, "李娜", "", "3-2-503", "疏通下水道"],  # no phone
        ["PG-004", "洗车", good, "赵敏", "13912345670", "3-2-504", "清洗"],  # unknown kind
        ["PG-001", "维修", good, "陈静", "13912345678", "3-2-501", "重复"],  # duplicate number
        ["PG-005", "", good, "周杰", "13912345671", "3-2-505", "换灯泡"],  # default kind
    ]


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    return "\r\n".join(",".join(r) for r in rows).encode(encoding)


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for i, row in enumerate(rows):
        if i and row[2] and re.fullmatch(r"\d{4}-\d\d-\d\d", row[2]):
            row = [*row[:2], dt.datetime.fromisoformat(row[2]), *row[3:]]  # a real date cell
        if i and row[4].isdigit():
            row = [*row[:4], int(row[4]), *row[5:]]  # a phone typed as a number
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, org, data: bytes, name: str, kind="work_order"):
    return client.post(
        f"/t/{org.slug}/desk/services/import",
        data={"file": (io.BytesIO(data), name), "kind": kind},
        content_type="multipart/form-data",
    )


def cases(org) -> list[Case]:
    with tenant_bound(org.tenant.id):
        return list(db.session.scalars(sa.select(Case).order_by(Case.id)))


@pytest.mark.parametrize(
    "data,name",
    [
        (csv_bytes(bad_rows()), "orders.csv"),
        (csv_bytes(bad_rows(), "gb18030"), "orders-gbk.csv"),
        (xlsx_bytes(bad_rows()), "orders.xlsx"),
    ],
)
def test_bad_rows_are_shown_nothing_saved_then_the_good_ones_imported_once(
    client, prop, data, name
):
    login(client, prop, "desk")
    response = upload(client, prop, data, name)
    assert response.status_code == 303
    preview_url = response.headers["Location"]
    page = client.get(preview_url)
    assert page.status_code == 200
    text = page.text
    assert cases(prop) == []  # the preview saves nothing
    # Each bad row with its column and why, in the user's language (Chinese by default).
    assert re.search(r'data-testid="row-3".*?完成时间：', text, re.S)
    assert re.search(r'data-testid="row-4".*?电话：', text, re.S)
    assert re.search(r'data-testid="row-5".*?类型：', text, re.S)
    assert re.search(r'data-testid="row-6".*?工单号：.*?第 2 行', text, re.S)
    assert "2 行可导入" in text and "4 行有错误" in text

    confirm = preview_url + "/confirm"
    assert client.post(confirm).status_code == 303
    saved = cases(prop)
    assert sorted(c.source_ref for c in saved) == ["PG-001", "PG-005"]
    assert {c.kind for c in saved} == {CaseKind.WORK_ORDER}
    assert client.post(confirm).status_code == 409  # the same upload imports once

    # The same file uploaded again: every good row is known, nothing new is saved.
    again = upload(client, prop, data, name).headers["Location"]
    assert "2 行已导入过" in client.get(again).text
    assert client.post(again + "/confirm").status_code == 303
    assert len(cases(prop)) == 2


def test_the_preview_speaks_english_to_an_english_reader(client, prop):
    login(client, prop, "desk")
    client.get(f"/t/{prop.slug}/desk/services/import?lang=en")
    url = upload(client, prop, csv_bytes(bad_rows()), "o.csv").headers["Location"]
    text = client.get(url).text
    assert "Give the phone number the revisit will call." in text
    assert "Not a kind of service we know." in text


@pytest.mark.parametrize(
    "data,why",
    [
        (b"", "选择要导入的文件"),
        (b"\x00\x01\x02\xff\xfe" * 10, "既不是电子表格"),
        (b"PK\x03\x04 not a zip", "无法读取"),
        ("姓名,电话\n陈静,139\n".encode(), "缺少以下列"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(client, prop, data, why):
    login(client, prop, "desk")
    response = upload(client, prop, data, "x.csv")
    if response.status_code == 303:
        response = client.get(response.headers["Location"])
    assert why in response.text
    assert cases(prop) == []


def test_another_tenants_upload_is_not_found(client, world, prop):
    login(client, prop, "desk")
    url = upload(client, prop, csv_bytes(bad_rows()), "o.csv").headers["Location"]
    import_id = url.rsplit("/", 1)[1]
    client.post(f"/t/{prop.slug}/desk/logout")
    login(client, world.a, "desk")
    assert client.get(f"/t/{world.a.slug}/desk/services/import/{import_id}").status_code == 404
    confirm = f"/t/{world.a.slug}/desk/services/import/{import_id}/confirm"
    assert client.post(confirm).status_code == 404


def test_a_month_of_60_repairs_imported_draws_9_due_within_a_month(client, prop):
    rows = [HEADER]
    for i in range(60):
        day = last_month_day(1 + i % 28).isoformat()
        rows.append([f"WX-{i:03d}", "维修", f"{day} 09:{i % 60:02d}", "业主", "13912345678",
                     f"{i // 10 + 1} 幢", f"维修 {i}"])  # fmt: skip
    login(client, prop, "desk")
    url = upload(client, prop, xlsx_bytes(rows), "十一月派工单.xlsx").headers["Location"]
    assert "60 行可导入" in client.get(url).text
    assert client.post(url + "/confirm").status_code == 303
    assert len(cases(prop)) == 60
    with tenant_bound(prop.tenant.id):
        assert db.session.scalars(sa.select(Revisit)).all() == []  # sampled: none until drawn
        assert db.session.scalars(sa.select(ServiceImport)).one().saved == 60

    assert sampling_job.run() == 1
    with tenant_bound(prop.tenant.id):
        draw = db.session.scalars(sa.select(SampleDraw)).one()
        assert (draw.population, draw.size) == (60, 9)
        revisits = list(db.session.scalars(sa.select(Revisit)))
        assert len(revisits) == 9
        tz = prop.tenant.timezone
        for revisit in revisits:
            done = deadlines.to_local(db.session.get(Case, revisit.case_id).result_at, tz)
            assert deadlines.to_local(revisit.due_at, tz).date() == deadlines.add_months(
                done.date(), 1
            )

    # The supervisor's audit page shows the draw, its seed, its row and the 9 orders.
    client.post(f"/t/{prop.slug}/desk/logout")
    login(client, prop, "super")
    listing = client.get(f"/t/{prop.slug}/desk/services/draws")
    assert listing.status_code == 200 and "15%" in listing.text
    page = client.get(f"/t/{prop.slug}/desk/services/draws/{draw.id}")
    assert draw.seed in page.text and page.text.count("WX-") == 9
    assert 'data-testid="redo"' in page.text and "is-success" in page.text


@pytest.mark.parametrize("header", ["邮箱", "电子邮件", "E-mail"])
def test_an_email_column_is_checked_and_kept_for_the_questionnaire(client, prop, header):
    day = last_month_day(5).isoformat()
    rows = [
        [*HEADER, header],
        ["EM-1", "维修", day, "陈静", "13912345678", "1 幢", "换水龙头", "chen.jing@example.com"],
        ["EM-2", "维修", day, "王强", "13912345679", "1 幢", "修门锁", "wang@@example"],  # bad
        ["EM-3", "维修", day, "李娜", "13912345670", "1 幢", "疏通下水道", ""],  # none: by phone
    ]
    login(client, prop, "desk")
    url = upload(client, prop, csv_bytes(rows), "orders.csv").headers["Location"]
    text = client.get(url).text
    assert re.search(rf'data-testid="row-3".*?{header}：请输入有效的电子邮箱地址。', text, re.S)
    assert "2 行可导入" in text and "1 行有错误" in text
    assert client.post(url + "/confirm").status_code == 303
    saved = {c.source_ref: c.complainant_email for c in cases(prop)}
    assert saved == {"EM-1": "chen.jing@example.com", "EM-3": ""}


def test_a_bad_email_is_told_in_english_to_an_english_reader(client, prop):
    day = last_month_day(5).isoformat()
    rows = [[*HEADER, "email"], ["EM-1", "维修", day, "陈静", "13912345678", "1 幢", "换", "x@y"]]
    login(client, prop, "desk")
    client.get(f"/t/{prop.slug}/desk/services/import?lang=en")
    url = upload(client, prop, csv_bytes(rows), "o.csv").headers["Location"]
    assert re.search(
        r'data-testid="row-2".*?email: Enter a valid email address\.', client.get(url).text, re.S
    )
