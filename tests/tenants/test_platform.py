"""Platform operators and suspension, in the domain: no HTTP here."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from tenants import platform
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound
from tenants.models import Operator
from tests.conftest import TEST_HASH

GOOD = "Plat-0ps!kq7Zr"


def _operator(username: str = "root", name: str = "Wang Platform") -> Operator:
    operator = platform.create_operator(username, name, GOOD, TEST_HASH)
    db.session.commit()
    return operator


def test_an_operator_is_made_with_a_hashed_password(app):
    operator = _operator("  root ")
    assert operator.username == "root" and operator.active
    assert GOOD not in operator.password_hash and operator.check_password(GOOD)


@pytest.mark.parametrize(
    ("username", "name", "password", "says"),
    [
        ("root", "Someone", GOOD, "exists already"),
        ("", "Someone", GOOD, "user name"),
        ("x" * 81, "Someone", GOOD, "user name"),
        ("other", "  ", GOOD, "name"),
        ("other", "Someone", "short-9ch", "at least 10"),
    ],
)
def test_bad_operator_accounts_are_refused(app, username, name, password, says):
    _operator()
    with pytest.raises(platform.OperatorError, match=says), force_locale("en"):
        platform.create_operator(username, name, password, TEST_HASH)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Operator.id))) == 1


def test_authenticate_refuses_wrong_unknown_and_inactive_after_one_check_each(app, monkeypatch):
    import tenants.models

    operator = _operator()
    checks: list[str] = []

    def spy(real):
        def check(pwhash: str, password: str) -> bool:
            checks.append(pwhash.split("$", 1)[0])
            return real(pwhash, password)

        return check

    for module in (platform, tenants.models):
        monkeypatch.setattr(module, "check_password_hash", spy(module.check_password_hash))
    assert platform.authenticate_operator(" root", GOOD, TEST_HASH) == operator
    for name, password in (("root", "wrong-password"), ("nobody", GOOD)):
        checks.clear()
        assert platform.authenticate_operator(name, password, TEST_HASH) is None
        assert checks == [TEST_HASH], name
    operator.active = False
    db.session.commit()
    checks.clear()
    assert platform.authenticate_operator("root", GOOD, TEST_HASH) is None
    assert checks == [TEST_HASH]


def test_a_session_token_is_good_until_log_out(app):
    operator = _operator()
    token = platform.session_token(operator)
    assert platform.operator_for_session(token) == operator
    platform.log_out(operator)
    db.session.commit()
    assert platform.operator_for_session(token) is None
    assert platform.operator_for_session(platform.session_token(operator)) == operator


@pytest.mark.parametrize(
    "junk", [None, 7, "", "1", "1:", "a:1", "1:1:1", "١:1", "9" * 30 + ":1", "999:1"]
)
def test_a_forged_token_names_nobody(app, junk):
    _operator()
    assert platform.operator_for_session(junk) is None


def test_an_inactive_operator_has_no_session(app):
    operator = _operator()
    token = platform.session_token(operator)
    operator.active = False
    db.session.commit()
    assert platform.operator_for_session(token) is None


def _audit(org) -> list[AuditEvent]:
    with tenant_bound(org.tenant.id):
        return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()


def test_suspend_and_resume_are_audited_in_the_tenants_own_log(world):
    operator = _operator()
    tenant = world.a.tenant
    assert platform.suspend_tenant(operator, tenant) is True
    db.session.commit()
    since = tenant.suspended_at
    assert since is not None
    assert platform.suspend_tenant(operator, tenant) is False  # once is enough
    assert platform.resume_tenant(operator, tenant) is True
    db.session.commit()
    assert tenant.suspended_at is None
    assert platform.resume_tenant(operator, tenant) is False
    events = _audit(world.a)
    assert [(e.kind, e.subject, e.actor_id, e.actor_label) for e in events] == [
        ("tenant.suspended", "alpha", None, "platform: Wang Platform"),
        ("tenant.resumed", "alpha", None, "platform: Wang Platform"),
    ]
    assert events[0].changes == {"before": None, "after": since.isoformat()}
    assert events[1].changes == {"before": since.isoformat(), "after": None}
    assert _audit(world.b) == []  # the other tenant's log is untouched


def test_creation_is_recorded_in_the_new_tenants_log(world):
    operator = _operator()
    platform.record_creation(operator, world.b.tenant, "boss")
    db.session.commit()
    (event,) = _audit(world.b)
    assert (event.kind, event.actor_label) == ("tenant.created", "platform: Wang Platform")
    assert event.changes["after"] == {"preset": "hospital", "admin": "boss"}
