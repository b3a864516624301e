"""The admin's catalogue and routing pages: departments, categories, causes, channels, rules
and the "try it" box; the portal and the desk offer what the catalogue says."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework import routing
from casework.models import Case, Category, Cause, RoutingRule
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound
from tenants.models import Department, Tenant
from tests.conftest import login

HX = {"HX-Request": "true"}
BASE = "/t/alpha/desk/admin"


def _one(org, model, **where):
    db.session.expire_all()  # the requests wrote through sessions of their own
    with tenant_bound(org.tenant.id):
        stmt = sa.select(model)
        for key, value in where.items():
            stmt = stmt.where(getattr(model, key) == value)
        return db.session.scalars(stmt).one_or_none()


def _rules(org) -> tuple[routing.RuleEntry, ...]:
    db.session.expire_all()  # the tenant's config_version, which the cached copy follows
    return routing.rules(org.tenant)


def _kinds(org) -> list[str]:
    with tenant_bound(org.tenant.id):
        return list(db.session.scalars(sa.select(AuditEvent.kind).order_by(AuditEvent.id)))


@pytest.mark.parametrize("who", ["super", "desk", "ops_li", "cs_head"])
def test_only_admins_reach_the_catalogue_and_routing(client, world, who):
    login(client, world.a, who)
    dept = _one(world.a, Department, code="cs")
    assert client.get(f"{BASE}/catalogue").status_code == 403
    assert client.get(f"{BASE}/routing").status_code == 403
    assert client.get(f"{BASE}/routing/try").status_code == 403
    assert (
        client.post(f"{BASE}/catalogue/departments", data={"department-name": "x"}).status_code
        == 403
    )
    assert client.post(f"{BASE}/catalogue/departments/{dept.id}/deactivate").status_code == 403
    assert _one(world.a, Department, name="x") is None


def test_the_catalogue_page_lists_everything_in_a_readable_table(client, world):
    login(client, world.a, "admin")
    page = client.get(f"{BASE}/catalogue?lang=en")
    assert page.status_code == 200
    for text in ("客服部", "价格问题", "服务态度", 'data-testid="departments"', "table-container"):
        assert text in page.text
    assert 'style="' not in page.text and "<script>" not in page.text
    # Listed in the admin menu.
    assert f'href="{BASE}/catalogue"' in page.text and f'href="{BASE}/routing"' in page.text


def test_htmx_gets_the_fragment_and_the_browser_the_page(client, world):
    login(client, world.a, "admin")
    full = client.get(f"{BASE}/catalogue")
    part = client.get(f"{BASE}/catalogue", headers=HX)
    assert "<html" in full.text and 'id="catalogue"' in full.text
    assert "<html" not in part.text and part.text.lstrip().startswith('<div id="catalogue"')
    assert "HX-Request" in part.headers.get("Vary", "")


def test_adding_a_department_with_and_without_htmx(client, world):
    login(client, world.a, "admin")
    r = client.post(f"{BASE}/catalogue/departments", data={"department-name": "工程部"})
    assert r.status_code == 303 and r.location.endswith("/catalogue#departments")
    row = _one(world.a, Department, name="工程部")
    assert row is not None and row.code.startswith("dept_")
    r = client.post(f"{BASE}/catalogue/departments", data={"department-name": "物业部"}, headers=HX)
    assert r.status_code == 200 and "<html" not in r.text and "物业部" in r.text
    assert 'role="status"' in r.text  # the outcome, beside the departments
    assert _kinds(world.a) == ["department.added", "department.added"]


def test_a_duplicate_name_comes_back_on_the_form_and_saves_nothing(client, world):
    login(client, world.a, "admin")
    r = client.post(f"{BASE}/catalogue/departments?lang=en", data={"department-name": " 客服部 "})
    assert r.status_code == 422
    assert "There is already a department named 客服部" in r.text
    r = client.post(
        f"{BASE}/catalogue/departments?lang=en", data={"department-name": ""}, headers=HX
    )
    assert r.status_code == 422 and "Give a name." in r.text and "<html" not in r.text
    assert _kinds(world.a) == []


def test_deactivating_a_department_in_use_says_why(client, world):
    login(client, world.a, "admin")
    security = _one(world.a, Department, code="security")
    r = client.post(f"{BASE}/catalogue/departments/{security.id}/deactivate?lang=en", headers=HX)
    assert r.status_code == 422 and "安全保卫" in r.text and 'role="alert"' in r.text
    assert _one(world.a, Department, code="security").active
    # Without JavaScript: back to the page, the reason flashed.
    r = client.post(f"{BASE}/catalogue/departments/{security.id}/deactivate?lang=en")
    assert r.status_code == 303
    assert "安全保卫" in client.get(f"{BASE}/catalogue?lang=en").text


def test_a_department_is_renamed_deactivated_and_reactivated(client, world):
    login(client, world.a, "admin")
    client.post(f"{BASE}/catalogue/departments", data={"department-name": "工程部"})
    row = _one(world.a, Department, name="工程部")
    edit = client.get(f"{BASE}/catalogue/departments/{row.id}")
    assert edit.status_code == 200 and 'value="工程部"' in edit.text
    r = client.post(
        f"{BASE}/catalogue/departments/{row.id}", data={"department-name": "工程维修部"}
    )
    assert r.status_code == 303
    assert _one(world.a, Department, id=row.id).name == "工程维修部"
    r = client.post(f"{BASE}/catalogue/departments/{row.id}", data={"department-name": "财务部"})
    assert r.status_code == 422
    r = client.post(f"{BASE}/catalogue/departments/{row.id}/deactivate", headers=HX)
    assert r.status_code == 200 and f'id="department-toggle-{row.id}"' in r.text
    assert not _one(world.a, Department, id=row.id).active
    r = client.post(f"{BASE}/catalogue/departments/{row.id}/reactivate")
    assert r.status_code == 303 and _one(world.a, Department, id=row.id).active
    assert _kinds(world.a) == [
        "department.added",
        "department.renamed",
        "department.deactivated",
        "department.reactivated",
    ]


def test_a_category_is_added_edited_and_deactivated(client, world):
    login(client, world.a, "admin")
    ops = _one(world.a, Department, code="ops")
    r = client.post(
        f"{BASE}/catalogue/categories",
        data={
            "category-name": "电梯故障",
            "category-department_id": str(ops.id),
            "category-default_priority": "urgent",
        },
    )
    assert r.status_code == 303
    row = _one(world.a, Category, name="电梯故障")
    assert row.department_id == ops.id and row.default_priority.value == "urgent"
    cs = _one(world.a, Department, code="cs")
    r = client.post(
        f"{BASE}/catalogue/categories/{row.id}",
        data={
            "category-name": "电梯",
            "category-department_id": str(cs.id),
            "category-default_priority": "normal",
        },
    )
    assert r.status_code == 303
    row = _one(world.a, Category, id=row.id)
    assert (row.name, row.department_id, row.default_priority.value) == ("电梯", cs.id, "normal")
    r = client.post(f"{BASE}/catalogue/categories/{row.id}/deactivate", headers=HX)
    assert r.status_code == 200 and not _one(world.a, Category, id=row.id).active
    assert _kinds(world.a) == ["category.added", "category.edited", "category.deactivated"]


def test_a_category_cannot_point_at_a_deactivated_department(client, world):
    login(client, world.a, "admin")
    client.post(f"{BASE}/catalogue/departments", data={"department-name": "闲置部"})
    spare = _one(world.a, Department, name="闲置部")
    client.post(f"{BASE}/catalogue/departments/{spare.id}/deactivate")
    page = client.get(f"{BASE}/catalogue")
    form = page.text[page.text.index('action="/t/alpha/desk/admin/catalogue/categories"') :]
    assert f'value="{spare.id}"' not in form[: form.index("</form>")]  # not offered
    r = client.post(
        f"{BASE}/catalogue/categories?lang=en",
        data={"category-name": "新类", "category-department_id": str(spare.id)},
    )
    assert r.status_code == 422
    assert _one(world.a, Category, name="新类") is None


def test_causes_and_channels(client, world):
    login(client, world.a, "admin")
    r = client.post(f"{BASE}/catalogue/causes", data={"cause-name": "培训不足"}, headers=HX)
    assert r.status_code == 200 and "培训不足" in r.text
    cause = _one(world.a, Cause, name="培训不足")
    assert client.get(f"{BASE}/catalogue/causes/{cause.id}").status_code == 200
    client.post(f"{BASE}/catalogue/causes/{cause.id}", data={"cause-name": "培训缺失"})
    client.post(f"{BASE}/catalogue/causes/{cause.id}/deactivate")
    assert not _one(world.a, Cause, id=cause.id).active
    r = client.post(f"{BASE}/catalogue/channels?lang=en", data={})
    assert r.status_code == 422 and "Offer at least one channel." in r.text
    r = client.post(f"{BASE}/catalogue/channels", data={"channels-channels": ["phone", "walk_in"]})
    assert r.status_code == 303
    db.session.expire_all()
    assert list(db.session.get(Tenant, world.a.tenant.id).config.channels) == ["phone", "walk_in"]
    assert _kinds(world.a)[-1] == "channels.set"


def test_another_tenants_rows_are_404(client, world):
    login(client, world.a, "admin")
    with tenant_bound(world.b.tenant.id):
        dept = db.session.scalars(sa.select(Department.id)).first()
        cat = db.session.scalars(sa.select(Category.id)).first()
        rule = db.session.scalars(sa.select(RoutingRule.id)).first()
    assert client.get(f"{BASE}/catalogue/departments/{dept}").status_code == 404
    assert client.post(f"{BASE}/catalogue/departments/{dept}/deactivate").status_code == 404
    assert client.post(f"{BASE}/catalogue/categories/{cat}/reactivate").status_code == 404
    assert client.get(f"{BASE}/routing/rules/{rule}").status_code == 404
    assert client.post(f"{BASE}/routing/rules/{rule}/up").status_code == 404
    assert client.post(f"{BASE}/routing/rules/{rule}/delete").status_code == 404


# Routing ----------------------------------------------------------------------------------


def test_the_routing_page_lists_the_rules_in_order_with_buttons(client, world):
    login(client, world.a, "admin")
    page = client.get(f"{BASE}/routing?lang=en")
    assert page.status_code == 200
    rules = _rules(world.a)
    assert len(rules) >= 2
    assert page.text.index("停车场") < page.text.index("标价")  # the mall's rules, in order
    assert f'id="rule-up-{rules[0].id}" disabled' in page.text
    assert 'aria-label="Move rule 2 up"' in page.text
    assert (
        'id="try-result"' in page.text and 'hx-get="/t/alpha/desk/admin/routing/try"' in page.text
    )


def test_rules_are_added_moved_and_removed(client, world):
    login(client, world.a, "admin")
    cs = _one(world.a, Department, code="cs")
    r = client.post(
        f"{BASE}/routing/rules",
        data={"rule-category_id": "0", "rule-keyword": "退款", "rule-department_id": str(cs.id)},
    )
    assert r.status_code == 303
    rule = _rules(world.a)[-1]
    assert (rule.keyword, rule.department_id, rule.category_id, rule.channel) == (
        "退款",
        cs.id,
        None,
        None,
    )
    r = client.post(f"{BASE}/routing/rules/{rule.id}/up", headers=HX)
    assert r.status_code == 200 and r.text.lstrip().startswith('<section class="box" id="rules"')
    assert _rules(world.a)[-2].id == rule.id
    assert client.post(f"{BASE}/routing/rules/{rule.id}/down").status_code == 303
    assert _rules(world.a)[-1].id == rule.id
    assert client.post(f"{BASE}/routing/rules/{rule.id}/deactivate").status_code == 303
    assert _rules(world.a)[-1].active is False
    assert client.post(f"{BASE}/routing/rules/{rule.id}/delete").status_code == 303
    assert rule.id not in [r.id for r in _rules(world.a)]
    assert [k for k in _kinds(world.a) if k.startswith("routing.")] == [
        "routing.rule_added",
        "routing.rule_moved",
        "routing.rule_moved",
        "routing.rule_deactivated",
        "routing.rule_deleted",
    ]


def test_a_rule_without_a_condition_is_refused_on_the_form(client, world):
    login(client, world.a, "admin")
    cs = _one(world.a, Department, code="cs")
    before = len(_rules(world.a))
    r = client.post(
        f"{BASE}/routing/rules?lang=en",
        data={"rule-category_id": "0", "rule-keyword": " , ", "rule-department_id": str(cs.id)},
        headers=HX,
    )
    assert r.status_code == 422 and "Give at least one condition" in r.text
    assert len(_rules(world.a)) == before


def test_a_rule_is_edited_on_its_page(client, world):
    login(client, world.a, "admin")
    rule = _rules(world.a)[0]
    page = client.get(f"{BASE}/routing/rules/{rule.id}")
    assert page.status_code == 200 and 'value="停车场"' in page.text
    ops = _one(world.a, Department, code="ops")
    r = client.post(
        f"{BASE}/routing/rules/{rule.id}",
        data={
            "rule-category_id": "0",
            "rule-channel": "phone",
            "rule-location": "停车场",
            "rule-department_id": str(ops.id),
        },
    )
    assert r.status_code == 303
    edited = _rules(world.a)[0]
    assert (edited.id, edited.channel, edited.department_id) == (rule.id, "phone", ops.id)


def test_the_try_box_says_which_rule_fires_live_and_without_javascript(client, world):
    login(client, world.a, "admin")
    price = world.a.category("price")
    args = {
        "try-category_id": str(price.id),
        "try-channel": "web",
        "try-description": "商品标价与收银不一致",
        "try-location": "一楼",
        "lang": "en",
    }
    part = client.get(f"{BASE}/routing/try", query_string=args, headers=HX)
    assert part.status_code == 200 and "<html" not in part.text
    assert "Rule 2 takes it." in part.text and "财务部" in part.text
    args["try-description"] = "服务员态度差"
    part = client.get(f"{BASE}/routing/try", query_string=args, headers=HX)
    assert "No rule matches." in part.text and "财务部" in part.text  # the category's
    args["try-location"] = "B2 停车场"
    full = client.get(f"{BASE}/routing/try", query_string=args)
    assert "<html" in full.text and "Rule 1 takes it." in full.text and "安保部" in full.text
    assert 'value="B2 停车场"' in full.text  # the sample stays in the form
    assert _kinds(world.a) == []  # trying saves nothing


# What the portal and the desk offer -------------------------------------------------------


def test_deactivated_categories_are_not_offered_but_old_cases_show_them(client, world):
    from tests.conftest import open_case

    other = world.a.category("other")
    case = open_case(world.a, category_id=other.id)
    login(client, world.a, "admin")
    client.post(f"{BASE}/catalogue/categories/{other.id}/deactivate")
    portal = client.get("/t/alpha/")
    desk = client.get("/t/alpha/desk/intake/")
    for page in (portal, desk):
        assert page.status_code == 200
        start = page.text.index('id="category_id"')  # the category list, not the staff list
        offered = page.text[start : page.text.index("</select>", start)]
        assert f'value="{other.id}"' not in offered
        assert f'value="{world.a.category("price").id}"' in offered
    shown = client.get(f"/t/alpha/desk/cases/{case.id}")
    assert shown.status_code == 200 and other.name in shown.text
    # A stale form posting it is refused with a message on the field.
    r = client.post(
        "/t/alpha/desk/intake/?lang=en",
        data={
            "channel": "phone",
            "category_id": str(other.id),
            "description": "x",
            "name": "王",
            "phone": "13812345678",
            "preferred_contact": "phone",
        },
    )
    assert r.status_code == 200 and "is-danger" in r.text


def test_the_desk_and_portal_leave_priority_to_the_category(client, world):
    login(client, world.a, "admin")
    price = world.a.category("price")
    finance = _one(world.a, Department, code="finance")
    client.post(
        f"{BASE}/catalogue/categories/{price.id}",
        data={
            "category-name": price.name,
            "category-department_id": str(finance.id),
            "category-default_priority": "urgent",
        },
    )
    form = {
        "category_id": str(price.id),
        "description": "多收钱",
        "name": "王",
        "phone": "13812345678",
        "preferred_contact": "phone",
    }
    r = client.post("/t/alpha/desk/intake/", data={**form, "channel": "phone", "priority": ""})
    assert r.status_code == 303, r.text
    r = client.post(
        "/t/alpha/desk/intake/", data={**form, "channel": "phone", "priority": "normal"}
    )
    assert r.status_code == 303
    assert client.post("/t/alpha/", data=form).status_code == 303
    with tenant_bound(world.a.tenant.id):
        cases = list(db.session.scalars(sa.select(Case).order_by(Case.id)))
    assert [c.priority.value for c in cases] == ["urgent", "normal", "urgent"]
    assert all(c.department_id == finance.id for c in cases)


def test_channels_decide_what_the_desk_and_portal_offer(client, world):
    login(client, world.a, "admin")
    client.post(f"{BASE}/catalogue/channels", data={"channels-channels": ["phone", "letter"]})
    desk = client.get("/t/alpha/desk/intake/").text
    offered = desk[desk.index('id="channel"') : desk.index("</select>", desk.index('id="channel"'))]
    assert 'value="letter"' in offered and 'value="email"' not in offered
    portal = client.get("/t/alpha/?lang=en")
    assert "not taken on this website" in portal.text
    price = world.a.category("price")
    r = client.post(
        "/t/alpha/",
        data={
            "category_id": str(price.id),
            "description": "多收钱",
            "name": "王",
            "phone": "13812345678",
            "preferred_contact": "phone",
        },
    )
    assert r.status_code == 200
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0
