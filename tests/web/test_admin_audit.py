"""The audit log: every configuration change, filtered, a page at a time, and as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa

from casework import calendar, numbering, policy
from casework.deadlines import Target, Unit
from tenants import audit
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound
from tests.conftest import login

URL = "/t/alpha/desk/admin/audit"


def _event(org, kind: str, subject: str = "", changes=None, at=None, actor="admin", label=None):
    """An audit event as a verb records it, optionally at a given (naive UTC) time."""
    with tenant_bound(org.tenant.id):
        user = org.users[actor] if actor else None
        row = audit.record(
            user, kind, subject, changes or {"before": None, "after": None}, label=label
        )
        if at is not None:
            row.at = at
        db.session.commit()
        return row.id


def _kinds(html: str) -> list[str]:
    return re.findall(r'class="audit-event" data-kind="([^"]+)"', html)


def test_the_existing_changes_appear_readably_newest_first(client, world):
    org, admin = world.a, world.a.users["admin"]
    calendar.set_day(org.tenant, admin, dt.date(2030, 5, 6), False, "台风停业")
    db.session.commit()
    policy.set_limits(org.tenant, admin, {"result": Target(3, Unit.WORKING_DAYS)})
    db.session.commit()
    numbering.set_pattern(org.tenant, admin, "NB", "%Y", 5)
    db.session.commit()
    _event(org, "someone.elses_kind", "thing", {"before": 1, "after": 2}, actor=None)
    _event(world.b, "calendar.day_set", "beta-marker", actor=None)

    login(client, org, "admin")
    page = client.get(URL, query_string={"lang": "en"})
    assert page.status_code == 200
    assert _kinds(page.text) == [
        "someone.elses_kind",
        "numbering.pattern",
        "policy.limits",
        "calendar.day_set",
    ]
    text = page.text
    assert "beta-marker" not in text  # another tenant's log stays its own
    assert "Calendar day set" in text and "台风停业" in text and "2030-05-06" in text
    assert "Working day: " in text and "No" in text
    assert "Time limits changed" in text and "3 working days" in text
    assert "Case-number pattern changed" in text
    assert "Prefix: XH" in text and "Prefix: NB" in text and "year and month" not in text
    assert "Date part: year, month and day" in text and "Date part: year" in text
    assert "someone.elses_kind" in text and ">1<" in text and ">2<" in text  # raw kind
    assert admin.name in text and "system" in text
    assert "Export as CSV" in text
    assert 'class="table-container"' in text


def test_the_time_is_the_tenants_and_the_language_the_users(client, world):
    _event(world.a, "calendar.day_set", "x", at=dt.datetime(2026, 3, 1, 17, 30))
    login(client, world.a, "admin")
    # 17:30 UTC is 01:30 the next morning in Shanghai.
    assert "Mar 2, 2026, 1:30:00" in client.get(URL, query_string={"lang": "en"}).text
    assert "2026年3月2日 01:30:00" in client.get(URL, query_string={"lang": "zh_CN"}).text


def test_filters_by_kind_actor_and_dates(client, world):
    org = world.a
    _event(org, "calendar.day_set", "c1", at=dt.datetime(2026, 3, 1, 2))
    _event(
        org,
        "user.role",
        "u1",
        {"before": "handler", "after": "dept_head"},
        at=dt.datetime(2026, 3, 2, 2),
    )
    _event(
        org,
        "user.active",
        "u2",
        {"before": True, "after": False},
        actor="super",
        at=dt.datetime(2026, 3, 3, 2),
    )
    _event(
        org,
        "tenant.suspended",
        "alpha",
        actor=None,
        label="platform: 运维",
        at=dt.datetime(2026, 3, 4, 2),
    )
    login(client, org, "admin")

    def kinds(**args) -> list[str]:
        page = client.get(URL, query_string={**args, "lang": "en"})
        assert page.status_code == 200
        return _kinds(page.text)

    assert kinds(kind="user") == ["user.active", "user.role"]
    assert kinds(kind="calendar") == ["calendar.day_set"]
    assert kinds(kind="nothing") == []
    assert kinds(actor=str(org.users["super"].id)) == ["user.active"]
    assert kinds(actor="none") == ["tenant.suspended"]
    assert kinds(actor=str(world.b.users["admin"].id)) == []
    # Dates are the tenant's days: 2 March 02:00 UTC is 2 March 10:00 in Shanghai.
    assert kinds(since="2026-03-02", until="2026-03-03") == ["user.active", "user.role"]
    assert kinds(since="2026-03-04") == ["tenant.suspended"]
    assert kinds(until="2026-03-01") == ["calendar.day_set"]
    assert kinds(kind="user", since="2026-03-03") == ["user.active"]
    # Readable single values: a role by its label, a flag as yes or no.
    page = client.get(URL, query_string={"kind": "user", "lang": "en"}).text
    assert "Role: Handler" in page and "Role: Department head" in page
    assert "Active: Yes" in page and "Active: No" in page
    # Nonsense in the query string is ignored, never a 500.
    for args in ({"since": "yesterday"}, {"actor": "99999999999999999999999"}, {"before": "x_y"}):
        assert client.get(URL, query_string=args).status_code == 200


def test_pages_are_keyset_and_bounded(client, world, app):
    start = dt.datetime(2026, 1, 1)
    for i in range(120):
        # Pairs share a time, so the id breaks the tie.
        _event(world.a, "calendar.day_set", f"e{i:03d}", at=start + dt.timedelta(minutes=i // 2))
    login(client, world.a, "admin")
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        if "audit_events" in statement:
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        subjects, url, pages = [], URL, 0
        while url:
            page = client.get(url).text
            got = re.findall(r"<td rowspan=\"\d+\">(e\d{3})</td>", page)
            assert 0 < len(got) <= 50
            subjects += got
            pages += 1
            more = re.search(r'href="([^"]+)"[^>]*data-testid="older"', page)
            url = more.group(1).replace("&amp;", "&") if more else None
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    assert pages == 3
    assert subjects == [f"e{i:03d}" for i in reversed(range(120))]
    assert statements and all("LIMIT" in s.upper() for s in statements)
    # htmx asks for the list alone.
    fragment = client.get(URL, headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and 'id="audit"' in fragment.text


def test_csv_export_is_filtered_streamed_excel_ready_and_formula_safe(client, world, monkeypatch):
    import web.admin.audit as audit_view

    monkeypatch.setattr(audit_view, "CSV_CHUNK", 7)  # several chunks from 20 events
    org = world.a
    for i in range(18):
        _event(
            org,
            "calendar.day_set",
            f"day{i}",
            {"before": None, "after": {"working": False, "note": "停电"}},
        )
    _event(org, "user.role", '=HYPERLINK("http://evil")', {"before": "handler", "after": "admin"})
    _event(org, "user.add", "@cmd", actor=None, label="-2+3")
    _event(world.b, "calendar.day_set", "beta-marker")
    login(client, org, "admin")

    response = client.get(f"{URL}.csv", query_string={"lang": "en"})
    assert response.status_code == 200
    assert response.is_streamed
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=alpha-audit.csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Time (Asia/Shanghai)", "Changed by", "Kind", "What"]
    body = rows[1:]
    assert len(body) == 20
    assert "beta-marker" not in raw.decode("utf-8-sig")
    assert body[0][1] == "'-2+3" and body[0][4] == "'@cmd"
    assert body[1][4] == '\'=HYPERLINK("http://evil")'
    assert body[1][3] == "Role changed"
    assert body[2][6] == "" and '"note": "停电"' in body[2][7]  # before / after as JSON
    assert "Note: — → 停电" in body[2][5]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", body[0][0])
    assert not [c for row in body for c in row if c[:1] and c[0] in "=+-@"]

    only_users = client.get(f"{URL}.csv", query_string={"kind": "user"}).get_data()
    assert len(list(csv.reader(io.StringIO(only_users.decode("utf-8-sig"))))) == 3


@pytest.mark.parametrize("path", ["", ".csv"])
def test_only_admins_read_the_log(client, world, path):
    login(client, world.a, "super")
    assert client.get(f"{URL}{path}").status_code == 403


def test_a_calendar_edit_on_its_page_shows_in_the_log(client, world):
    login(client, world.a, "admin")
    client.post(
        "/t/alpha/desk/admin/calendar",
        data={"day": "2030-12-07", "working": "closed", "note": "盘点"},
    )
    page = client.get(URL, query_string={"lang": "en"}).text
    assert _kinds(page) == ["calendar.day_set"] and "盘点" in page
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalar(sa.select(AuditEvent.subject)) == "2030-12-07"


def test_the_other_areas_kinds_read_well(client, world):
    org = world.a
    _event(org, "branding.color", "primary_color", {"before": "#c2410c", "after": "#1d4ed8"})
    _event(
        org,
        "letter.ack",
        "ack",
        {
            "before": {"title": "投诉受理确认函", "opening": "旧的开头", "closing": "结尾"},
            "after": {"title": "投诉受理确认函", "opening": "新的开头", "closing": "结尾"},
        },
    )
    _event(org, "routing.rule_moved", "#3", {"before": {"number": 1}, "after": {"number": 2}})
    login(client, org, "admin")
    page = client.get(URL, query_string={"lang": "en"}).text
    assert "Colour changed" in page and "Colour: #c2410c" in page and "Colour: #1d4ed8" in page
    assert "Letter wording changed" in page and "Opening: 新的开头" in page
    assert "Title: " not in page  # unchanged parts are left out
    assert "Routing rule moved" in page and "Position: 2" in page
    assert client.get(URL, query_string={"kind": "letter"}).text.count('class="audit-event"') == 1


@pytest.mark.parametrize("cell", ["=1+1", " =1+1", "＝1+1", "\t=1", "@SUM(A1)", "-2", "＋1"])
def test_a_cell_that_would_start_a_formula_is_quoted(cell):
    from web.exports import safe_cell

    assert safe_cell(cell) == "'" + cell
    assert safe_cell("平价 =1") == "平价 =1"
