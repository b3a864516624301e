"""机构设置 → 回访制度: each section saves and is read back through the tenant's settings,
refusals land on the form in the user's language, every save is audited before and after,
and the page is the tenant admin's alone."""

from __future__ import annotations

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from casework import questionnaire, revisit_rules
from casework.states import CaseKind
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound
from tenants.models import Tenant
from tests.conftest import login

PAGE = "/t/{slug}/desk/admin/revisiting"
HTMX = {"HX-Request": "true"}


def _url(org, part: str = "") -> str:
    return PAGE.format(slug=org.slug) + (f"/{part}" if part else "")


def _config(org):
    db.session.expire_all()
    return db.session.get(Tenant, org.tenant.id).config.revisiting


def _events(org, kind: str) -> list[AuditEvent]:
    with tenant_bound(org.tenant.id):
        return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == kind)))


def _rules_data(**rows: dict[str, object]) -> dict[str, object]:
    """The rules form as the page posts it, every kind with the product's rule unless given."""
    data: dict[str, object] = {}
    for kind in CaseKind:
        rule = revisit_rules.DEFAULT_RULES.get(kind)
        row: dict[str, object] = {"method": "phone", "rate": "all"}
        if rule is not None:
            row = {"method": rule.method, "rate": rule.rate}
            if rule.within:
                row |= {"within_value": rule.within.value, "within_unit": rule.within.unit.value}
            if rule.every:
                row |= {"every_value": rule.every.value, "every_unit": rule.every.unit.value}
        row |= rows.get(kind.value, {})
        data |= {f"rules-{kind.value}-{k}": v for k, v in row.items()}
    return data


def _bands(*rows: tuple[object, object, str], do: str = "save") -> dict[str, object]:
    data: dict[str, object] = {"sampling-period": "month", "do": do}
    for i, (up_to, amount, per) in enumerate(rows):
        data |= {
            f"sampling-bands-{i}-up_to": up_to,
            f"sampling-bands-{i}-amount": amount,
            f"sampling-bands-{i}-per": per,
        }
    return data


def _questions(*rows: dict[str, str], ask=("speed", "attitude", "result"), do="save"):
    data: list[tuple[str, str]] = [("do", do)] + [("questions-ask", a) for a in ask]
    for i, row in enumerate(rows):
        data += [(f"questions-questions-{i}-{k}", v) for k, v in row.items()]
    return MultiDict(data)


def test_the_page_is_in_the_menu_and_the_admins_alone(client, world):
    org = world.a
    login(client, org, "admin")
    page = client.get(_url(org))
    assert page.status_code == 200
    for testid in ("revisit-rules-form", "sampling-form", "questions-form", "contacts-form"):
        assert f'data-testid="{testid}"' in page.text
    assert f'href="{_url(org)}"' in client.get(f"/t/{org.slug}/desk/admin/rules").text
    client.post(f"/t/{org.slug}/desk/logout")
    for who in ("desk", "super", "ops_li"):
        login(client, org, who)
        assert client.get(_url(org)).status_code == 403, who
        for part in ("rules", "sampling", "questions", "contacts"):
            assert client.post(_url(org, part), data={}).status_code == 403, (who, part)
        client.post(f"/t/{org.slug}/desk/logout")


def test_another_tenants_page_is_404(client, world):
    login(client, world.a, "admin")
    assert client.get(_url(world.b)).status_code == 404
    assert client.post(_url(world.b, "contacts"), data={}).status_code == 404
    assert _config(world.b).attempts == 3


def test_the_rules_save_and_are_read_back(client, world):
    org = world.a
    login(client, org, "admin")
    data = _rules_data(
        work_order={"within_value": 2, "within_unit": "months", "rate": "sample"},
        high_value={"every_value": 6, "every_unit": "months", "method": "visit"},
        event={"rate": "none", "within_value": ""},
        complaint={"method": "email"},
    )
    response = client.post(_url(org, "rules"), data=data)
    assert response.status_code == 303
    rules = _config(org).rules
    assert rules["work_order"].within.value == 2 and rules["work_order"].within.unit == "months"
    assert rules["work_order"].rate == "sample"
    assert rules["high_value"].every.value == 6 and rules["high_value"].method == "visit"
    assert rules["event"].rate == "none" and rules["event"].within is None
    # A complaint keeps the deadline policy's revisit limit and is revisited every time.
    assert rules["complaint"].method == "email" and rules["complaint"].within is None
    assert rules["complaint"].rate == "all"
    (event,) = _events(org, "revisiting.rules")
    assert event.changes["before"]["rules"] == {}
    assert event.changes["after"]["rules"]["work_order"]["within"] == {"value": 2, "unit": "months"}
    # The page shows what was saved, and saving it again changes nothing.
    page = client.get(_url(org)).text
    assert 'name="rules-high_value-every_value" type="text" value="6"' in page or (
        'id="rules-high_value-every_value"' in page and 'value="6"' in page
    )
    again = client.post(_url(org, "rules"), data=data, follow_redirects=True)
    assert "内容未变更" in again.text
    assert len(_events(org, "revisiting.rules")) == 1


def test_a_kind_revisited_needs_its_time_and_the_error_is_in_chinese(client, world):
    org = world.a
    login(client, org, "admin")
    data = _rules_data(other={"within_value": ""})
    response = client.post(_url(org, "rules"), data=data, headers=HTMX)
    assert response.status_code == 422
    assert 'id="rules"' in response.text and "<html" not in response.text  # the fragment
    assert "回访时限" in response.text
    assert _config(org).rules == {}
    bad_unit = client.post(_url(org, "rules"), data=_rules_data(other={"within_unit": "years"}))
    assert bad_unit.status_code == 422 and "<html" in bad_unit.text


def test_the_sampling_table_saves_and_draws_by_it(client, world):
    org = world.a
    login(client, org, "admin")
    data = _bands((10, 10, "orders"), (200, 10, "percent"), ("", 30, "orders"))
    data["sampling-period"] = "week"
    assert client.post(_url(org, "sampling"), data=data).status_code == 303
    settings = _config(org)
    assert settings.period == "week"
    assert [(b.up_to, b.take, b.percent) for b in settings.sampling] == [
        (10, 10, None),
        (200, None, 10),
        (None, 30, None),
    ]
    assert revisit_rules.sample_size(150, settings.sampling)[0] == 15
    (event,) = _events(org, "revisiting.sampling")
    assert event.changes["before"]["sampling"][0] == {"up_to": 20, "take": 5}
    assert event.changes["after"]["period"] == "week"


def test_bad_sampling_rows_are_refused_on_the_form(client, world):
    org = world.a
    login(client, org, "admin")
    cases = [
        (_bands((50, 30, "percent"), (20, 5, "orders")), "大于上一行"),  # not rising
        (_bands(("", 5, "orders"), (50, 30, "percent")), "只有最后一行"),  # open row not last
        (_bands((20, 150, "percent")), "1 到 100"),  # a percentage above 100
        (_bands((20, "", "orders")), 'class="help is-danger"'),  # no amount
    ]
    for data, shown in cases:
        response = client.post(_url(org, "sampling"), data=data, headers=HTMX)
        assert response.status_code == 422, shown
        assert shown in response.text, shown
    assert len(_config(org).sampling) == 4  # PROP-10's table stands
    assert _events(org, "revisiting.sampling") == []


def test_sampling_rows_are_added_and_removed_without_saving(client, world):
    org = world.a
    login(client, org, "admin")
    data = _bands((20, 5, "orders"), ("", 20, "orders"), do="add")
    added = client.post(_url(org, "sampling"), data=data, headers=HTMX)
    assert added.status_code == 200
    assert 'name="sampling-bands-2-up_to"' in added.text
    three = _bands((20, 5, "orders"), (50, 30, "percent"), ("", 20, "orders"), do="remove-0")
    removed = client.post(_url(org, "sampling"), data=three, headers=HTMX)
    assert 'name="sampling-bands-1-up_to"' in removed.text
    assert 'name="sampling-bands-2-up_to"' not in removed.text
    assert 'value="30"' in removed.text and 'value="5"' not in removed.text
    assert _events(org, "revisiting.sampling") == []


def test_the_questionnaire_saves_reorders_and_is_asked(client, world):
    org = world.a
    login(client, org, "admin")
    clean = {"key": "clean", "text": "您对保洁满意吗？", "text_en": "Clean?", "kind": "scale"}
    floor = {
        "key": "floor",
        "text": "您在哪层购物？",
        "kind": "choice",
        "options": "一楼\n二楼\n三楼",
        "required": "y",
    }
    moved = client.post(
        _url(org, "questions"), data=_questions(clean, floor, do="up-1"), headers=HTMX
    )
    assert moved.status_code == 200
    assert moved.text.index('value="floor"') < moved.text.index('value="clean"')
    response = client.post(_url(org, "questions"), data=_questions(floor, clean, ask=("speed",)))
    assert response.status_code == 303
    settings = _config(org)
    assert [q.key for q in settings.questions] == ["floor", "clean"]
    assert settings.questions[0].options == ("一楼", "二楼", "三楼")
    assert settings.questions[0].required and not settings.questions[1].required
    assert settings.skip_questions == ("attitude", "result")
    with tenant_bound(org.tenant.id):
        tenant = db.session.get(Tenant, org.tenant.id)
        keys = [q.key for q in questionnaire.questions(tenant)]
    assert keys == ["overall", "solved", "speed", "floor", "clean"]
    (event,) = _events(org, "revisiting.questionnaire")
    assert event.changes["before"]["questions"] == []
    assert event.changes["after"]["skip_questions"] == ["attitude", "result"]


def test_a_duplicate_or_built_in_question_key_is_refused(client, world):
    org = world.a
    login(client, org, "admin")
    one = {"key": "clean", "text": "保洁？", "kind": "yes_no"}
    for rows, shown in (
        ((one, {**one, "text": "再问一次？"}), "另一个问题"),
        (({**one, "key": "overall"},), "内置问题"),
        (({**one, "key": "Clean!"},), "小写字母"),
        (({**one, "kind": "choice", "options": "只有一个"},), "至少给出两个答案"),
    ):
        response = client.post(_url(org, "questions"), data=_questions(*rows), headers=HTMX)
        assert response.status_code == 422, shown
        assert shown in response.text, shown
    assert _config(org).questions == ()


def test_the_attempts_and_link_days_save(client, world):
    org = world.a
    login(client, org, "admin")
    data = {
        "contacts-attempts": 5,
        "contacts-retry_hours": 24,
        "contacts-satisfied_from": 4,
        "contacts-link_days": 30,
    }
    response = client.post(_url(org, "contacts"), data=data, headers=HTMX)
    assert response.status_code == 200 and "已保存" in response.text
    settings = _config(org)
    assert (settings.attempts, settings.retry_hours, settings.satisfied_from) == (5, 24, 4)
    assert settings.link_days == 30
    (event,) = _events(org, "revisiting.contacts")
    assert event.changes["before"]["link_days"] == 14 and event.changes["after"]["attempts"] == 5
    too_long = client.post(_url(org, "contacts"), data={**data, "contacts-link_days": 91})
    assert too_long.status_code == 422
    assert _config(org).link_days == 30
    # The audit log names the change in the user's words.
    log = client.get(f"/t/{org.slug}/desk/admin/audit").text
    assert "回访" in log
