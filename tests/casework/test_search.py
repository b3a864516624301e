"""The desk's search (casework.search): what finds a case, in which order, for whom.

Run on SQLite (FTS5) and, with TEST_DATABASE_URL, on PostgreSQL (pg_trgm and the bigram
array): the same assertions hold on both engines.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework import queue as caseq
from casework import search
from casework.models import Case, CaseSearch
from casework.searchtext import MAX_QUERY, BadQuery, grams, parse
from tenants.db import db, tenant_bound
from tests.conftest import dispatched_case, open_case

ALL = caseq.Filters(status="all")


def _find(org, who: str, query: str, filters: caseq.Filters = ALL, **kw) -> list[int]:
    with tenant_bound(org.tenant.id):
        user = db.session.merge(org.users[who])
        return [c.id for c in search.search(query, filters, user, **kw).cases]


@pytest.fixture
def noise(world):
    """Three cases of alpha: a noise complaint, a lift complaint, a refund."""
    return {
        "noise": open_case(
            world.a,
            description="楼下商铺噪音很大,晚上十点还在装修。",
            name="李娜",
            phone="13900001111",
            email="lina@example.com",
            location="三号楼",
        ).id,
        "lift": open_case(
            world.a,
            description="电梯坏了三天没人修。",
            name="王芳",
            phone="13700002222",
            location="五号楼",
        ).id,
        "refund": open_case(world.a).id,  # 收银员多收了 60 元, 张伟, 13812345678
    }


def test_a_two_character_chinese_phrase_finds_the_cases_that_contain_it(world, noise):
    assert _find(world.a, "desk", "噪音") == [noise["noise"]]
    assert _find(world.a, "desk", "电梯") == [noise["lift"]]
    assert _find(world.a, "desk", "噪音很大") == [noise["noise"]]  # by trigram
    assert _find(world.a, "desk", "装修 十点") == [noise["noise"]]  # every word must match
    assert _find(world.a, "desk", "噪音 电梯") == []
    assert _find(world.a, "desk", "商铺噪音") == [noise["noise"]]
    assert _find(world.a, "desk", "楼下噪音") == []  # a phrase, not its characters anywhere


def test_name_place_email_and_full_width_text(world, noise):
    assert _find(world.a, "desk", "王芳") == [noise["lift"]]
    assert _find(world.a, "desk", "五号楼") == [noise["lift"]]
    assert _find(world.a, "desk", "LINA@example") == [noise["noise"]]
    assert _find(world.a, "desk", "１３９０００") == [noise["noise"]]  # full-width digits


def test_a_phone_fragment_of_four_digits_or_more(world, noise):
    assert _find(world.a, "desk", "1111") == [noise["noise"]]
    assert _find(world.a, "desk", "137-0000 2222") == [noise["lift"]]
    assert _find(world.a, "desk", "0000") == [noise["lift"], noise["noise"]]
    with pytest.raises(BadQuery):
        _find(world.a, "desk", "111")


def test_any_part_of_the_case_number(world, noise):
    with tenant_bound(world.a.tenant.id):
        number = db.session.get(Case, noise["lift"]).number
    assert _find(world.a, "desk", number) == [noise["lift"]]
    assert noise["lift"] in _find(world.a, "desk", number[-5:])
    assert _find(world.a, "desk", number.lower()) == [noise["lift"]]


def test_exact_number_first_then_name_then_text_newest_first(world):
    first = open_case(world.a, name="赵敏", description="门口台阶太滑。")
    with tenant_bound(world.a.tenant.id):
        number = db.session.get(Case, first.id).number
    mention = open_case(world.a, description=f"与 {number} 同一件事,赵敏 的邻居。").id
    older_text = open_case(world.a, description="赵敏 说过这件事。").id
    newer_text = open_case(world.a, description="又是 赵敏 反映的台阶。").id
    assert _find(world.a, "desk", number) == [first.id, mention]
    # The name first, then the text matches newest first.
    assert _find(world.a, "desk", "赵敏") == [first.id, newer_text, older_text, mention]


def test_pages_are_keyset_and_do_not_overlap(world):
    ids = [open_case(world.a, description=f"停车场收费不合理 第{i}次").id for i in range(7)]
    page = None
    seen: list[int] = []
    with tenant_bound(world.a.tenant.id):
        user = db.session.merge(world.a.users["desk"])
        cursor = ""
        while True:
            page = search.search("停车", ALL, user, cursor=cursor, limit=3)
            seen += [c.id for c in page.cases]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    assert seen == sorted(ids, reverse=True)
    assert _find(world.a, "desk", "停车", cursor="2_garbage") == sorted(ids, reverse=True)


def test_the_queue_filters_apply(world, noise):
    with tenant_bound(world.a.tenant.id):
        lift = db.session.get(Case, noise["lift"])
        channel, category = lift.channel, lift.category_id
    assert _find(world.a, "desk", "号楼", caseq.Filters(status="all")) == [
        noise["lift"],
        noise["noise"],
    ]
    assert _find(world.a, "desk", "号楼", caseq.Filters(status="closed")) == []
    assert noise["lift"] in _find(
        world.a,
        "desk",
        "电梯",
        caseq.Filters(status="open", channel=channel.value, category_id=category),
    )


def test_sight_and_personal_data(world):
    mine = dispatched_case(
        world.a,
        "ops_li",
        description="空调漏水滴到货架上。",
        phone="13600003333",
        email="kong@example.com",
    )
    other = dispatched_case(world.a, "cs_zhou", description="空调温度太低。")
    assert _find(world.a, "super", "空调") == [other, mine]
    assert _find(world.a, "ops_li", "空调") == [mine]  # only the case in their sight
    # The handler reads the phone masked: searching by it would unmask it.
    assert _find(world.a, "desk", "3333") == [mine]
    assert _find(world.a, "ops_li", "3333") == []
    assert _find(world.a, "ops_li", "kong@example") == []


def test_the_description_is_indexed_redacted_for_those_without_the_right(world):
    case = dispatched_case(
        world.a, "ops_li", phone="13600004444", description="请回电 136 0000 4444 联系。"
    )
    assert _find(world.a, "desk", "1360000") == [case]
    # The mask (136****4444) hides the middle digits, so they find nothing for the handler.
    assert _find(world.a, "ops_li", "1360000") == []
    assert _find(world.a, "ops_li", "回电") == [case]


def test_another_tenants_case_is_never_found(world):
    open_case(world.b, description="病房噪音太大。", name="孙悦", phone="13500005555")
    assert _find(world.a, "super", "噪音") == []
    assert _find(world.a, "super", "孙悦") == []
    assert _find(world.a, "super", "5555") == []
    assert _find(world.b, "super", "噪音") != []


def test_an_edit_of_a_searched_field_is_found_at_once(world, noise):
    with tenant_bound(world.a.tenant.id):
        case = db.session.get(Case, noise["refund"])
        case.description = "积分没有到账。"
        case.complainant_phone = "+8613311118888"
        db.session.commit()
    assert _find(world.a, "desk", "积分") == [noise["refund"]]
    assert _find(world.a, "desk", "收银员") == []
    assert _find(world.a, "desk", "8888") == [noise["refund"]]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "*",
        "噪音*",
        "NEAR",
        "NEAR(a b)",
        "%",
        "%%%",
        "_",
        "___",
        "'",
        "''",
        "()",
        "(噪音)",
        "a OR b",
        "噪音 OR 电梯",
        "doc : x",
        "{doc pdoc}: 1111",
        "\\%",
        "^abc",
        "'; DROP TABLE cases; --",
    ],
)
def test_syntax_is_plain_text(world, noise, query):
    try:
        found = _find(world.a, "desk", query)
    except BadQuery:  # too short to search: said on the form
        return
    assert found == []


def test_special_characters_are_found_as_themselves(world):
    case = open_case(world.a, description='打折 50%_off "最后一天" (限时)').id
    open_case(world.a, description="打折 500 元")
    assert _find(world.a, "desk", "50%") == [case]
    assert _find(world.a, "desk", "%_o") == [case]
    assert _find(world.a, "desk", '"最后') == [case]
    assert _find(world.a, "desk", "(限时)") == [case]


def test_bad_queries():
    with pytest.raises(BadQuery) as too_long:
        parse("噪" * (MAX_QUERY + 1))
    assert too_long.value.reason == "too_long"
    with pytest.raises(BadQuery):
        parse("a b c d e f g")
    with pytest.raises(BadQuery):
        parse("噪")
    assert parse("   ") == []
    assert grams("楼下噪音", "a栋") == "楼下 下噪 噪音 a栋"


def test_an_empty_query_reads_nothing(world, noise):
    assert _find(world.a, "desk", "  ") == []


def test_every_case_has_its_document(world, noise):
    with tenant_bound(world.a.tenant.id):
        rows = set(db.session.scalars(sa.select(CaseSearch.case_id)))
    assert rows == set(noise.values())
