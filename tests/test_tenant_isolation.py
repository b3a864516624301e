"""Walk every URL rule with the other tenant's slug and ids: each answers 404.

New routes are picked up automatically: a rule that is neither walked nor listed as public
without ids fails the completeness check at the bottom. The rows each area's URLs take come
from tests/isolation/. The platform console, which has no tenant in its URLs, is walked the
same way in tests/web/test_platform.py: no tenant session reaches any of its pages.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import login, open_case
from tests.isolation import fixture_ids

# Public pages that show no tenant data without proof: the form, the lookup, the log-in,
# and the tenant's colours (brand.css, which every one of its public pages links).
PUBLIC_WITHOUT_IDS = {"portal.complain", "portal.status", "auth.login", "brand_css"}
# Public pages whose proof is a signed token in the URL (the questionnaire's link, CS-2):
# tenant B's link under B's own path answers whoever holds it, a staff session of A too,
# as it would in any browser; the same token under tenant A's path must be a 404 (below).
PUBLIC_BY_TOKEN = {"survey.show", "survey.answer", "survey.thanks"}


def _fixture_ids(org):
    """Rows of every area in ``org`` (tests/isolation/), by the URL argument they fill."""
    return fixture_ids(org)


def _tenant_rules(app):
    return [r for r in app.url_map.iter_rules() if "slug" in r.arguments]


_ARGUMENT = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def _url(rule, values):
    """The rule's URL with every argument filled from ``values``."""
    return _ARGUMENT.sub(lambda m: str(values.get(m.group(1), m.group(0))), rule.rule)


def _call(client, rule, url):
    assert "<" not in url, f"the walk does not fill every argument of {rule.rule}"
    method = "GET" if "GET" in rule.methods else "POST"
    return client.open(url, method=method, data={})


@pytest.mark.parametrize("who", ["super", "admin", "desk", "ops_li"])
def test_other_tenants_urls_answer_404(app, client, world, who):
    a_ids = _fixture_ids(world.a)
    b_ids = _fixture_ids(world.b)
    login(client, world.a, who)
    walked = set()
    for rule in _tenant_rules(app):
        # Tenant B's URL, tenant A's session: 404 for the desk and for every id.
        url = _url(rule, {**b_ids, "slug": world.b.slug})
        response = _call(client, rule, url)
        public = PUBLIC_WITHOUT_IDS | PUBLIC_BY_TOKEN
        if rule.endpoint not in public or rule.endpoint.startswith("auth."):
            assert response.status_code == 404, f"{rule.endpoint} {url} → {response.status_code}"
        # Tenant A's own URL carrying tenant B's ids: 404 as if they did not exist.
        # "index" is a position in the tenant's own settings, not another tenant's row.
        if set(rule.arguments) - {"slug", "action", "index"}:
            url = _url(rule, {**b_ids, "slug": world.a.slug})
            response = _call(client, rule, url)
            roles = getattr(app.view_functions[rule.endpoint], "staff_roles", ())
            allowed = {404} if not roles or world.a.users[who].role in roles else {403, 404}
            assert response.status_code in allowed, (
                f"{rule.endpoint} {url} → {response.status_code}"
            )
        walked.add(rule.endpoint)
    # The same ids under their own tenant do exist (so the 404s above mean something), seen
    # by someone who sees every case (a handler sees only their unit's: CO-8).
    client.post(f"/t/{world.a.slug}/desk/logout")
    login(client, world.a, "super")
    ok = client.get(f"/t/{world.a.slug}/desk/cases/{a_ids['case_id']}")
    assert ok.status_code == 200
    assert walked == {r.endpoint for r in _tenant_rules(app)}


@pytest.mark.parametrize("who", ["super", "admin"])
def test_every_case_action_on_another_tenants_case_is_404(client, world, who):
    """The walk above posts one action; each verb, repeat marking and rectification included,
    must find tenant B's case as missing from tenant A's desk."""
    from casework.states import Action

    foreign = _fixture_ids(world.b)["case_id"]
    login(client, world.a, who)
    for action in Action:
        url = f"/t/{world.a.slug}/desk/cases/{foreign}/{action.value}"
        assert client.post(url, data={}).status_code == 404, action


def test_anonymous_portal_sees_no_other_tenants_case(client, world):
    b_case = open_case(world.b)
    # File in A so the session has proof for A's case only.
    response = client.get(f"/t/{world.a.slug}/filed/{b_case.number}")
    assert response.status_code == 404
    response = client.get(f"/t/{world.a.slug}/status/{b_case.number}/receipt.pdf")
    assert response.status_code == 404
    response = client.post(
        f"/t/{world.a.slug}/status", data={"number": b_case.number, "factor": "5678"}
    )
    assert "could not find" in response.text or "未找到" in response.text


def test_every_tenant_route_is_walked(app, world):
    rules = _tenant_rules(app)
    assert len(rules) >= 14
    known = {"slug", *fixture_ids(world.a)}
    unknown = [r.rule for r in rules if set(r.arguments) - known]
    assert unknown == [], "teach the isolation walk the new URL arguments (tests/isolation/)"


def test_unknown_tenant_is_404(client):
    assert client.get("/t/nobody/").status_code == 404
    assert client.get("/t/nobody/desk/").status_code == 404
