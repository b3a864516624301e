"""Garbage in any parameter is a clear 4xx or a form error, never a 500."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, login, open_case
from web.cases.actions import ACTIONS

# Past INTEGER (PostgreSQL's int4 keys) but inside a 64-bit number: SQLite takes these, the
# PostgreSQL driver fails on them, so they must be refused before any query.
PAST_INTEGER = ["2147483648", "99999999999999"]
GARBAGE = [
    "abc",
    "-1",
    "99999999999999999999",
    *PAST_INTEGER,
    "'; DROP TABLE cases;--",
    "😀" * 50,
    "",
]


@pytest.mark.parametrize("value", PAST_INTEGER)
def test_ids_past_integer_in_urls_are_404(client, world, value):
    case = open_case(world.a)
    login(client, world.a, "admin")
    base = f"/t/{world.a.slug}/desk"
    assert client.get(f"{base}/cases/{value}").status_code == 404
    assert client.get(f"{base}/cases/{case.id}/attachments/{value}").status_code == 404
    assert client.get(f"{base}/cases/{case.id}/dossiers/{value}").status_code == 404
    after = {"after": f"2026-01-01T00:00:00_{value}"}
    assert client.get(f"{base}/", query_string=after).status_code == 200


def _planned_revisit(org, case_id: int) -> int:
    """A revisit planned on the case by the domain, for its page's forms."""
    import datetime as dt

    from casework.models import Case
    from casework.operations import revisits
    from casework.states import ContactMethod, Occasion
    from tenants.db import db, tenant_bound, utcnow

    with tenant_bound(org.tenant.id):
        now = utcnow()
        revisit = revisits.plan(
            db.session.get(Case, case_id),
            Occasion.AFTER_HANDLING,
            now,
            now + dt.timedelta(days=1),
            ContactMethod.PHONE,
        )
        db.session.commit()
        return revisit.id


@pytest.mark.parametrize("value", GARBAGE)
def test_portal_and_desk_survive_garbage(client, world, value):
    case = open_case(world.a)
    slug = world.a.slug
    fields = [
        "category_id",
        "description",
        "name",
        "phone",
        "email",
        "occurred_at",
        "preferred_contact",
        "location",
    ]
    r = client.post(f"/t/{slug}/", data=dict.fromkeys(fields, value))
    assert r.status_code == 200 and "is-danger" in r.text
    r = client.post(f"/t/{slug}/status", data={"number": value, "factor": value})
    assert r.status_code == 200
    login(client, world.a, "admin")
    for query in ("status", "category", "department", "channel", "due", "q", "after", "mine"):
        assert client.get(f"/t/{slug}/desk/", query_string={query: value}).status_code == 200
    for action in [a.value for a in ACTIONS]:
        data = {
            f"{action}-{k}": value
            for k in (
                "department_id",
                "handler_id",
                "body",
                "method",
                "result",
                "days",
                "reason",
                "decision",
                "note",
                "reached",
                "satisfaction",
                "earlier",
                "defect",
                "measures",
                "instructions",
                "report",
            )
        }
        r = client.post(f"/t/{slug}/desk/cases/{case.id}/{action}", data=data)
        assert r.status_code in (303, 422), (action, r.status_code)
    # The revisit is made on its page (web/revisits): its forms take garbage as errors too.
    revisit_id = _planned_revisit(world.a, case.id)
    revisit_forms = {
        "call": ("outcome", "note", "q_overall", "q_solved", "q_comments"),
        "assign": ("revisitor_id",),
        "visit": ("at", "address", "visitor_id"),
        "ask": ("question", "answer_by"),
        "answer": ("answer",),
        "reveal": ("reason", "page"),
    }
    for verb, keys in revisit_forms.items():
        data = {f"{verb}-{k}": value for k in keys}
        r = client.post(f"/t/{slug}/desk/revisits/{revisit_id}/{verb}", data=data)
        assert r.status_code in (303, 422), (verb, r.status_code)
    query = {"who": value, "kind": value, "method": value, "after": value}
    assert client.get(f"/t/{slug}/desk/revisits/", query_string=query).status_code == 200
    r = client.post(f"/t/{slug}/desk/admin/calendar", data={"day": value, "working": value})
    assert r.status_code == 200
    reminders = {"first": value, "second": value}
    r = client.post(f"/t/{slug}/desk/admin/policy/reminders", data=reminders)
    assert r.status_code == 303  # back to the page, with the reason flashed
    intake = dict.fromkeys([*fields, "channel", "priority", "received_at"], value)
    assert client.post(f"/t/{slug}/desk/intake/", data=intake).status_code == 200
    r = client.get(
        f"/t/{slug}/desk/admin/policy/preview",
        query_string={"result_value": value, "result_unit": value, "preview_start": value},
    )
    assert r.status_code == 200


def test_huge_ids_in_urls_are_404(client, world):
    login(client, world.a, "admin")
    huge = "9" * 30
    assert client.get(f"/t/{world.a.slug}/desk/cases/{huge}").status_code == 404
    assert client.post(f"/t/{world.a.slug}/desk/admin/calendar/{huge}/delete").status_code == 404


def test_nul_characters_are_a_clear_400(client, world):
    case = open_case(world.a)
    slug = world.a.slug
    r = client.post(f"/t/{slug}/?lang=en", data={"description": "a\x00b", "name": "x"})
    assert r.status_code == 400 and "cannot be stored" in r.text
    assert client.get(f"/t/{slug}/status/{case.number}%00").status_code == 400
    assert client.get(f"/t/{slug}/desk/", query_string={"q": "\x00"}).status_code == 400


def test_a_queue_cursor_with_a_huge_id_reads_as_the_first_page(client, world):
    case = open_case(world.a)
    login(client, world.a, "admin")
    for cursor in (
        f"2026-01-01T00:00:00_{'9' * 30}",
        f"{'9' * 30}_{'9' * 30}",
        "2026-01-01T00:00:00+08:00_5",
        "2026-01-01T00:00:00_-5",
        "2026-01-01T00:00:00_٣",
    ):
        page = client.get(f"/t/{world.a.slug}/desk/", query_string={"after": cursor})
        assert page.status_code == 200, cursor
        assert case.number in page.text, cursor


@pytest.mark.parametrize(
    "target",
    [
        "/t/alpha/desk/\r\nSet-Cookie: stolen=1",
        "/t/alpha/desk/cases/1\n",
        "\r\n",
        "/t/alpha/desk/%0d%0aX-Injected:%201",
        "/t/alpha/desk/\x7f",
        "https://evil.example/t/alpha/desk/",
        "//evil.example/t/alpha/desk/",
        "/t/alpha/desk/../../beta/desk/",
        "/t/alpha/desk/%2e%2e/%2e%2e/beta/desk/",
        "/t/alpha/desk\\..\\..\\beta",
        "/t/alpha/desk-elsewhere",
        "/t/beta/desk/",
        "http://[::1",
        "😀" * 50,
        "9" * 30,
    ],
)
def test_junk_in_next_at_log_in_goes_to_the_queue(client, world, target):
    response = client.post(
        f"/t/{world.a.slug}/desk/login",
        query_string={"next": target},
        data={"username": "admin", "password": PASSWORD},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/t/{world.a.slug}/desk/"
    assert "stolen" not in response.headers.get("Set-Cookie", "")


def test_a_desk_path_in_next_is_kept(client, world):
    case = open_case(world.a)
    target = f"/t/{world.a.slug}/desk/cases/{case.id}?tab=history"
    response = client.post(
        f"/t/{world.a.slug}/desk/login",
        query_string={"next": target},
        data={"username": "admin", "password": PASSWORD},
    )
    assert (response.status_code, response.headers["Location"]) == (303, target)


# A phone number in the wrong format (issue 11, "Bad input"): too short, too long, a digit
# short of a mobile, letters, a Chinese number that is no number, 2,000 digits pasted.
WRONG_PHONES = ["12345", "1381234567", "138123456789012", "abcdefg", "电话一三八", "1" * 2000]
LANGUAGES = {"en": "Enter a valid phone number", "zh_CN": "请输入有效的电话号码"}


def _intake_forms(org) -> dict[str, tuple[str, str | None, dict]]:
    """Each intake form: its address, who signs in, and a complaint it would accept."""
    complaint = {"description": "停车场照明不足", "name": "黄磊", "preferred_contact": "phone"}
    category = str(org.category("safety").id)
    return {
        "portal": (f"/t/{org.slug}/", None, {**complaint, "category_id": category}),
        "desk": (
            f"/t/{org.slug}/desk/intake/",
            "desk",
            {**complaint, "category_id": category, "channel": "phone"},
        ),
        "phone": (
            f"/t/{org.slug}/desk/intake/phone",
            "desk",
            {**complaint, "category_id": category, "channel": "phone", "email": ""},
        ),
    }


@pytest.mark.parametrize("form", ["portal", "desk", "phone"])
@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_a_wrong_phone_number_is_a_form_error_in_the_users_language(client, world, form, lang):
    import sqlalchemy as sa

    from casework.models import Case
    from tenants.db import db, tenant_bound

    url, who, data = _intake_forms(world.a)[form]
    if who is not None:
        login(client, world.a, who)
    for phone in WRONG_PHONES:
        r = client.post(f"{url}?lang={lang}", data={**data, "phone": phone})
        assert r.status_code in (200, 422), (form, phone)  # the form again, never a 500
        assert 'class="help is-danger"' in r.text, (form, phone)
        assert LANGUAGES[lang] in r.text, (form, phone)
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0  # nothing half-saved
    good = client.post(f"{url}?lang={lang}", data={**data, "phone": "137 0000 2222"})
    assert good.status_code == 303, form  # the same form takes a right one


@pytest.mark.parametrize("form", ["portal", "desk", "phone"])
def test_an_empty_description_is_a_form_error_and_saves_nothing(client, world, form):
    import sqlalchemy as sa

    from casework.models import Case
    from tenants.db import db, tenant_bound

    url, who, data = _intake_forms(world.a)[form]
    if who is not None:
        login(client, world.a, who)
    for empty, lang, said in (("", "zh_CN", "请描述"), (" \n\t ", "en", "describe")):
        r = client.post(
            f"{url}?lang={lang}", data={**data, "phone": "13700002222", "description": empty}
        )
        assert r.status_code in (200, 422) and said in r.text, (form, lang)
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0
