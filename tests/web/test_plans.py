"""The handling plan on the desk: drafting, approval, refer up, and bad input as form errors."""

from __future__ import annotations

import pytest

from casework.models import Case
from casework.states import Status
from tenants.db import db, tenant_bound
from tests.conftest import dispatched_case, login


def _post(client, org, case_id, action, **data):
    fields = {f"{action}-{k}": v for k, v in data.items()}
    return client.post(f"/t/{org.slug}/desk/cases/{case_id}/{action}", data=fields)


def _error_on(html: str, action: str, field: str) -> bool:
    """Whether the form field shows an error (in whatever language the tenant reads)."""
    chunk = next(c for c in html.split('<div class="field">') if f'name="{action}-{field}"' in c)
    return 'class="help is-danger"' in chunk


def _as(client, org, who):
    fresh = client.application.test_client()
    login(fresh, org, who)
    return fresh


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"measures": ""}, "measures"),
        ({"measures": "退款", "remedy_type": "refund"}, "remedy_amount"),
        ({"measures": "退款", "remedy_type": "cash"}, "remedy_type"),
        ({"measures": "退款", "remedy_type": "refund", "remedy_amount": "abc"}, "remedy_amount"),
        ({"measures": "退款", "remedy_amount": "10"}, "remedy_amount"),
        ({"measures": "x" * 5001}, "measures"),
    ],
)
def test_a_bad_plan_is_a_form_error_and_saves_nothing(client, world, data, error):
    org = world.a
    case_id = dispatched_case(org)
    handler = _as(client, org, "ops_li")
    page = _post(handler, org, case_id, "draft_plan", **data)
    assert page.status_code == 422 and _error_on(page.text, "draft_plan", error)
    with tenant_bound(org.tenant.id):
        assert db.session.get(Case, case_id).status is Status.DISPATCHED


def test_plan_to_approval_to_result_on_the_desk(client, world):
    org, u = world.a, world.a.users
    case_id = dispatched_case(org)
    handler = _as(client, org, "ops_li")
    url = f"/t/{org.slug}/desk/cases/{case_id}"
    saved = _post(
        handler,
        org,
        case_id,
        "draft_plan",
        measures="退还差价",
        remedy_type="refund",
        remedy_amount="60",
    )
    assert saved.status_code == 303
    page = handler.get(url)
    assert 'data-action="submit_plan"' in page.text and 'data-action="result"' not in page.text
    assert _post(handler, org, case_id, "submit_plan").status_code == 303
    page = handler.get(url)
    assert 'data-testid="plan-waiting"' in page.text and u["ops_head"].name in page.text
    assert 'data-action="decide_plan"' not in page.text

    head = _as(client, org, "ops_head")
    assert 'data-action="decide_plan"' in head.get(url).text
    refused = _post(head, org, case_id, "decide_plan", decision="return", comment="")
    assert refused.status_code == 422 and _error_on(refused.text, "decide_plan", "comment")
    garbage = _post(head, org, case_id, "decide_plan", decision="maybe")
    assert garbage.status_code == 422 and "help is-danger" in garbage.text
    # Another department's head sees the case as far as CO-8 lets them, never the decision.
    other = _as(client, org, "cs_head")
    assert _post(other, org, case_id, "decide_plan", decision="approve").status_code in (
        403,
        404,
        422,
    )
    assert _post(head, org, case_id, "decide_plan", decision="approve").status_code == 303

    page = handler.get(url)
    assert 'data-testid="result-plan-remedy"' in page.text and "60.00" in page.text
    done = _post(
        handler,
        org,
        case_id,
        "result",
        result="已退还差价 60 元",
        finding="not_valid",
        remedy="当面致歉",
    )
    assert done.status_code == 303
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        assert case.status is Status.RESOLVED
        assert case.remedy_amount == 60 and case.remedy_approved_by_label == u["ops_head"].name


def test_refer_up_with_a_bad_choice_is_a_form_error(client, world):
    org, u = world.a, world.a.users
    case_id = dispatched_case(org)
    handler = _as(client, org, "ops_li")
    for to_id in ("abc", str(u["cs_head"].id), "99999999999999999999"):
        page = _post(handler, org, case_id, "refer_up", to_id=to_id, proposal="建议")
        assert page.status_code == 422 and _error_on(page.text, "refer_up", "to_id"), to_id
    page = _post(handler, org, case_id, "refer_up", to_id=str(u["ops_head"].id), proposal="")
    assert page.status_code == 422 and _error_on(page.text, "refer_up", "proposal")
    ok = _post(handler, org, case_id, "refer_up", to_id=str(u["ops_head"].id), proposal="建议")
    assert ok.status_code == 303
    with tenant_bound(org.tenant.id):
        assert db.session.get(Case, case_id).handler_id == u["ops_head"].id


def test_the_plan_box_shows_every_version(client, world):
    org = world.a
    case_id = dispatched_case(org)
    handler = _as(client, org, "ops_li")
    head = _as(client, org, "ops_head")
    _post(handler, org, case_id, "draft_plan", measures="第一版")
    _post(handler, org, case_id, "submit_plan")
    _post(head, org, case_id, "decide_plan", decision="return", comment="请写明金额")
    page = handler.get(f"/t/{org.slug}/desk/cases/{case_id}")
    assert "请写明金额" in page.text and 'data-testid="plan"' in page.text
    assert 'data-testid="plan-state"' in page.text
