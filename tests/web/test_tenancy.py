"""The desk gate: every blueprint under /t/<slug>/desk keeps a session on its own tenant."""

from __future__ import annotations

import pytest
from flask import Blueprint

from tests.conftest import login
from web.tenancy import DESK_PREFIX, desk_blueprints, is_desk


def test_every_blueprint_under_the_desk_is_a_desk_blueprint(app):
    desk = desk_blueprints(app)
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0]
        under_desk = rule.rule == DESK_PREFIX or rule.rule.startswith(DESK_PREFIX + "/")
        assert (blueprint in desk) == under_desk, rule.rule
    assert {"auth", "cases", "intake", "admin", "mail", "notifications", "reports"} <= desk
    assert not {"home", "portal", "api"} & desk


@pytest.mark.parametrize(
    ("prefix", "desk"),
    [
        ("/t/<slug>/desk", True),
        ("/t/<slug>/desk/", True),
        ("/t/<slug>/desk/reports", True),
        ("/t/<slug>/desktop", False),
        ("/t/<slug>", False),
        ("/t/<slug>/api", False),
        (None, False),
    ],
)
def test_a_new_blueprint_is_a_desk_blueprint_by_its_prefix(prefix, desk):
    assert is_desk(Blueprint("new", __name__, url_prefix=prefix)) is desk


def test_a_session_finds_nothing_on_another_tenants_desk_pages(client, world):
    login(client, world.a, "admin")
    for page in ("mail", "notifications", "notifications/badge", "overdue"):
        assert client.get(f"/t/{world.a.slug}/desk/{page}").status_code == 200, page
        assert client.get(f"/t/{world.b.slug}/desk/{page}").status_code == 404, page
    assert client.post(f"/t/{world.b.slug}/desk/notifications/read").status_code == 404
