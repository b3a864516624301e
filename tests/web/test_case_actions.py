"""The desk's action registry: one entry and one template per action of the domain."""

from __future__ import annotations

import pathlib
import re

from casework.models import Case
from casework.operations import guards
from casework.states import Action
from tenants.db import db, tenant_bound
from tests.conftest import dispatched_case, login
from web.cases.actions import ACTIONS, OWN_PAGE

TEMPLATES = pathlib.Path(__file__).resolve().parents[2] / "templates" / "cases" / "actions"


def test_every_action_has_an_entry_and_a_template():
    # The revisit is made on its page (web/revisits): the case page links to it.
    assert set(ACTIONS) == set(Action) - OWN_PAGE and OWN_PAGE == {Action.REVISIT}
    missing = [a.value for a in ACTIONS if not (TEMPLATES / f"_{a.value}.html").exists()]
    assert missing == []


def test_the_case_page_offers_what_the_domain_offers(client, world):
    org = world.a
    u = org.users
    case_id = dispatched_case(org)
    for who in ("ops_li", "ops_head", "cs_head", "super"):
        fresh = client.application.test_client()
        login(fresh, org, who)
        page = fresh.get(f"/t/{org.slug}/desk/cases/{case_id}")
        shown = re.findall(r'data-action="([a-z_]+)"', page.text)
        with tenant_bound(org.tenant.id):
            offered = guards.available_actions(db.session.get(Case, case_id), u[who])
        assert shown == [a.value for a in offered], who


def test_an_action_the_guards_refuse_is_said_above_the_case(client, world):
    org = world.a
    case_id = dispatched_case(org)
    login(client, org, "super")
    response = client.post(f"/t/{org.slug}/desk/cases/{case_id}/resume?lang=en", data={})
    assert response.status_code == 422
    assert "The clocks of this case are running." in response.text
