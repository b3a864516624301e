"""The desk's search page: everyone's box, results within sight, bad input never a 500."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from casework.models import Case
from casework.operations import confidentiality
from tenants.db import db, tenant_bound
from tests.conftest import dispatched_case, login, open_case

STAFF = ("admin", "desk", "super", "ops_head", "ops_li", "cs_zhou")


def _search(client, org, query: str, **args):
    return client.get(f"/t/{org.slug}/desk/search", query_string={"q": query, **args})


def _link(case_id: int) -> str:
    return f'/desk/cases/{case_id}"'


@pytest.mark.parametrize("who", STAFF)
def test_every_member_of_staff_has_the_box(client, world, who):
    login(client, world.a, who)
    queue = client.get(f"/t/{world.a.slug}/desk/")
    assert 'role="search"' in queue.text and f"/t/{world.a.slug}/desk/search" in queue.text
    page = _search(client, world.a, "")
    assert page.status_code == 200 and 'id="search-q"' in page.text


def test_an_empty_query_is_the_form_and_reads_no_case(client, world, monkeypatch):
    from casework import search

    def boom(*_a, **_k):
        raise AssertionError("searched on an empty query")

    monkeypatch.setattr(search, "search", boom)
    login(client, world.a, "desk")
    for query in ("", "   "):
        page = _search(client, world.a, query)
        assert page.status_code == 200 and 'id="rows"' not in page.text


def test_a_two_character_phrase_finds_its_cases_with_masked_rows(client, world):
    noise = dispatched_case(
        world.a, "ops_li", description="楼下噪音很大,请回电 13600007777。", phone="13600007777"
    )
    lift = open_case(world.a, description="电梯坏了。").id
    login(client, world.a, "ops_li")
    page = _search(client, world.a, "噪音")
    assert page.status_code == 200
    assert _link(noise) in page.text and _link(lift) not in page.text
    assert "13600007777" not in page.text and "136****7777" in page.text  # |redact(case)


def test_results_take_the_queue_filters_and_page_with_htmx(client, world):
    ids = [open_case(world.a, description=f"停车收费不合理 {i}").id for i in range(27)]
    login(client, world.a, "desk")
    first = _search(client, world.a, "停车")
    assert first.status_code == 200
    assert sum(_link(i) in first.text for i in ids) == 25 and "after=" in first.text
    after = first.text.split("after=", 1)[1].split("&", 1)[0].split('"', 1)[0]
    more = client.get(
        f"/t/{world.a.slug}/desk/search",
        query_string={"q": "停车", "after": after},
        headers={"HX-Request": "true"},
    )
    assert more.status_code == 200 and "<html" not in more.text
    assert sum(_link(i) in more.text for i in ids) == 2
    closed = _search(client, world.a, "停车", status="closed")
    assert not any(_link(i) in closed.text for i in ids)
    fragment = client.get(
        f"/t/{world.a.slug}/desk/search",
        query_string={"q": "停车"},
        headers={"HX-Request": "true"},
    )
    assert 'id="search-results"' in fragment.text and "<html" not in fragment.text


def test_sight_and_another_tenant(client, world):
    mine = dispatched_case(world.a, "ops_li", description="空调漏水。")
    theirs = dispatched_case(world.a, "cs_zhou", description="空调太冷。")
    beta = open_case(world.b, description="空调坏了。").id
    login(client, world.a, "ops_li")
    page = _search(client, world.a, "空调").text
    assert _link(mine) in page and _link(theirs) not in page
    client.post(f"/t/{world.a.slug}/desk/logout")
    login(client, world.a, "super")
    page = _search(client, world.a, "空调").text
    assert _link(mine) in page and _link(theirs) in page
    assert _link(beta) not in page
    # Tenant B's search page with tenant A's session: 404 like every other desk URL.
    assert _search(client, world.b, "空调").status_code == 404


def test_a_restricted_case_is_found_only_by_its_managers(client, world):
    case_id = dispatched_case(world.a, "ops_li", description="医生态度恶劣。")
    with tenant_bound(world.a.tenant.id):
        case = db.session.get(Case, case_id)
        confidentiality.restrict_case(case, db.session.merge(world.a.users["super"]), "医疗纠纷")
        db.session.commit()
        number = case.number
    for who, found in (("desk", False), ("ops_li", False), ("super", True)):
        login(client, world.a, who)
        for query in ("态度", number):
            assert (_link(case_id) in _search(client, world.a, query).text) is found, (who, query)
        client.post(f"/t/{world.a.slug}/desk/logout")


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "NEAR",
        "NEAR(噪音 电梯)",
        "%",
        "%%%",
        "_",
        "'",
        "()",
        "(",
        "a'b\"c*d",
        "噪音*",
        '"噪音"',
        "x' OR '1'='1",
        "\u202eabc",
        "{doc}: 1234",
    ],
)
def test_syntax_is_plain_text_never_a_500(client, world, query):
    open_case(world.a, description="楼下噪音很大。")
    login(client, world.a, "desk")
    page = _search(client, world.a, query)
    assert page.status_code == 200


def test_a_nul_is_refused_as_everywhere(client, world):
    login(client, world.a, "desk")
    assert _search(client, world.a, "\x00abc").status_code == 400  # web/errors.py, app-wide


def test_a_long_or_short_query_is_a_clear_message(client, world):
    open_case(world.a, description="楼下噪音很大。")
    login(client, world.a, "desk")
    with force_locale("en"):
        long = _search(client, world.a, "噪音" * 1000, lang="en")
        assert long.status_code == 200
        assert "at most 200 characters" in long.text and 'id="rows"' not in long.text
        short = _search(client, world.a, "ab", lang="en")
        assert "at least 3 letters, 4 digits or 2 Chinese characters" in short.text
        many = _search(client, world.a, "aaa bbb ccc ddd eee fff ggg", lang="en")
        assert "at most 6 words" in many.text
