"""Staff log-in (issue 8, items 2 and 3): sessions that end, names that stay secret."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tenants import accounts
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound
from tests.conftest import PASSWORD, TEST_HASH, login


def _desk(app, org, cookie: str | None = None, addr: str = "127.0.0.1"):
    """The queue, opened by a browser that holds only ``cookie`` (a replayed one)."""
    browser = app.test_client()
    if cookie is not None:
        browser.set_cookie("session", cookie)
    return browser.get(f"/t/{org.slug}/desk/", environ_base={"REMOTE_ADDR": addr})


def _logged_in(app, org, username: str):
    browser = app.test_client()
    login(browser, org, username)
    return browser, browser.get_cookie("session").value


def _try(app, org, username: str, password: str, addr: str):
    return app.test_client().post(
        f"/t/{org.slug}/desk/login?lang=en",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": addr},
    )


def _page(response) -> tuple[int, str]:
    """Status and page, less the CSRF token every fresh browser gets."""
    return response.status_code, re.sub(r'"X-CSRFToken": "[^"]*"', "", response.text)


def test_a_cookie_saved_before_log_out_is_dead(app, world):
    browser, saved = _logged_in(app, world.a, "desk")
    assert _desk(app, world.a, saved).status_code == 200
    assert browser.post(f"/t/{world.a.slug}/desk/logout").status_code == 303
    replayed = _desk(app, world.a, saved)
    assert replayed.status_code == 302
    assert f"/t/{world.a.slug}/desk/login" in replayed.headers["Location"]
    # Logging in again gives a new, working session.
    _browser, fresh = _logged_in(app, world.a, "desk")
    assert _desk(app, world.a, fresh).status_code == 200


def test_log_out_ends_the_users_sessions_on_every_device(app, world):
    _phone, on_phone = _logged_in(app, world.a, "desk")
    laptop, _on_laptop = _logged_in(app, world.a, "desk")
    _other, colleague = _logged_in(app, world.a, "super")
    laptop.post(f"/t/{world.a.slug}/desk/logout")
    assert _desk(app, world.a, on_phone).status_code == 302
    assert _desk(app, world.a, colleague).status_code == 200  # another user's session lives


def test_changing_the_password_ends_sessions_and_is_audited(app, world):
    _browser, saved = _logged_in(app, world.a, "desk")
    with tenant_bound(world.a.tenant.id):
        admin, desk = (db.session.merge(world.a.users[n]) for n in ("admin", "desk"))
        accounts.change_password(admin, desk, "a-new-pass", TEST_HASH)
        db.session.commit()
    assert _desk(app, world.a, saved).status_code == 302
    assert _try(app, world.a, "desk", PASSWORD, "198.51.100.1").status_code == 200
    assert _try(app, world.a, "desk", "a-new-pass", "198.51.100.2").status_code == 303
    with tenant_bound(world.a.tenant.id):
        event = db.session.scalars(sa.select(AuditEvent)).one()
        assert (event.kind, event.subject, event.actor_id) == ("user.password", "desk", admin.id)
        assert "pbkdf2" not in str(event.changes)  # the audit never holds the hash


def test_deactivating_a_user_ends_their_sessions_and_is_audited(app, world):
    _browser, saved = _logged_in(app, world.a, "ops_li")
    with tenant_bound(world.a.tenant.id):
        admin, handler = (db.session.merge(world.a.users[n]) for n in ("admin", "ops_li"))
        accounts.deactivate(admin, handler)
        db.session.commit()
    assert _desk(app, world.a, saved).status_code == 302
    refused = _try(app, world.a, "ops_li", PASSWORD, "198.51.100.1")
    assert refused.status_code == 200 and "Wrong username or password" in refused.text
    with tenant_bound(world.a.tenant.id):
        event = db.session.scalars(sa.select(AuditEvent)).one()
        assert (event.kind, event.changes) == ("user.active", {"before": True, "after": False})


def test_an_unknown_name_costs_one_password_check_like_a_wrong_password(app, world, monkeypatch):
    import tenants.accounts
    import tenants.models

    checks: list[str] = []

    def spy(real):
        def check(pwhash: str, password: str) -> bool:
            checks.append(pwhash.split("$", 1)[0])  # the method and its cost, e.g. pbkdf2:…
            return real(pwhash, password)

        return check

    for module in (tenants.accounts, tenants.models):
        monkeypatch.setattr(module, "check_password_hash", spy(module.check_password_hash))
    with tenant_bound(world.a.tenant.id):
        db.session.merge(world.a.users["ops_li"]).active = False
        db.session.commit()
    answers = {}
    for i, name in enumerate(("nobody", "desk", "ops_li")):  # unknown, wrong, deactivated
        checks.clear()
        response = _try(app, world.a, name, "wrong-pass", f"198.51.100.{i + 1}")
        assert checks == [TEST_HASH], name
        answers[name] = (response.status_code, "Wrong username or password" in response.text)
    assert set(answers.values()) == {(200, True)}


def test_a_spread_attack_on_one_account_is_throttled(app, world):
    for i in range(10):  # ten addresses, one try each: far under the per-address limit
        assert _try(app, world.a, "desk", f"guess-{i}", f"203.0.113.{i + 1}").status_code == 200
    throttled = _try(app, world.a, "desk", PASSWORD, "203.0.113.200")
    assert throttled.status_code == 429
    # Other accounts, and the same name at another tenant, are not held up.
    assert _try(app, world.a, "super", PASSWORD, "203.0.113.200").status_code == 303
    assert _try(app, world.b, "desk", PASSWORD, "203.0.113.200").status_code == 303
    # A name nobody has is throttled the same way, with the same page.
    for i in range(10):
        _try(app, world.a, "nobody", f"guess-{i}", f"203.0.113.{i + 1}")
    unknown = _try(app, world.a, "nobody", PASSWORD, "203.0.113.201")
    assert _page(unknown) == _page(throttled)


def test_one_address_is_throttled_across_accounts_with_the_same_page(app, world):
    for i in range(20):
        assert _try(app, world.a, f"user{i}", "x", "198.51.100.50").status_code == 200
    by_address = _try(app, world.a, "desk", PASSWORD, "198.51.100.50")
    by_account = None
    for i in range(11):
        by_account = _try(app, world.a, "super", "x", f"192.0.2.{i + 1}")
    assert by_address.status_code == 429
    assert _page(by_address) == _page(by_account)
