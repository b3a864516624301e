"""Staff accounts: adding, role and department, deactivation, the last admin, and the
one-time links that set a password."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from itsdangerous.timed import TimestampSigner

from tenants import accounts
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound
from tenants.models import Department, Role, User
from tests.conftest import PASSWORD, TEST_HASH

SECRET = "test"
DAY = 24 * 3600
GOOD = "kite-ladder-57-plum"


def _events(org) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)))


def _dept(code: str) -> Department:
    return db.session.scalars(sa.select(Department).where(Department.code == code)).one()


def _user(org, username: str) -> User:
    return db.session.scalars(sa.select(User).where(User.username == username)).one()


def _add(org, username="wang", role=Role.HANDLER, department="ops", **kw) -> User:
    actor = _user(org, "admin")
    return accounts.create_account(
        org.tenant,
        actor,
        username=username,
        name=kw.pop("name", "王芳"),
        role=role,
        department_id=_dept(department).id if department else None,
        email=kw.pop("email", "wang@alpha.test"),
        phone=kw.pop("phone", "0571-8600 2000"),
    )


def test_a_new_account_has_no_usable_password_and_is_audited(world):
    with tenant_bound(world.a.tenant.id):
        user = _add(world.a)
        db.session.commit()
        assert not accounts.has_password(user)
        assert accounts.authenticate("wang", "", TEST_HASH) is None
        assert accounts.authenticate("wang", user.password_hash, TEST_HASH) is None
        event = _events(world.a)[-1]
        assert (event.kind, event.subject, event.actor_id) == (
            "user.add",
            "wang",
            world.a.users["admin"].id,
        )
        assert event.changes["after"] == {
            "name": "王芳",
            "role": "handler",
            "department": "运营部",
            "email": "wang@alpha.test",
            "phone": "0571-8600 2000",
        }
        assert user.password_hash not in str(event.changes)


def test_a_user_name_is_unique_per_tenant(world):
    with tenant_bound(world.a.tenant.id):
        with pytest.raises(accounts.Refused) as refused:
            _add(world.a, username="ops_li")
        assert refused.value.field == "username"
    with tenant_bound(world.b.tenant.id):  # the same name at another tenant is fine
        user = accounts.create_account(
            world.b.tenant, None, username="ops_li", name="李明", role=Role.INTAKE
        )
        db.session.commit()
        assert user.tenant_id == world.b.tenant.id


def test_handlers_need_an_active_department_of_the_tenant(world):
    with tenant_bound(world.b.tenant.id):
        foreign = db.session.scalars(sa.select(Department.id)).first()
    with tenant_bound(world.a.tenant.id):
        with pytest.raises(accounts.Refused) as refused:
            _add(world.a, department=None)
        assert refused.value.field == "department_id"
        admin = _user(world.a, "admin")
        with pytest.raises(accounts.Refused):
            accounts.create_account(
                world.a.tenant,
                admin,
                username="x1",
                name="x",
                role=Role.INTAKE,
                department_id=foreign,
            )
        _dept("ops").active = False
        with pytest.raises(accounts.Refused):
            _add(world.a, username="x2")


def test_create_account_works_with_no_tenant_bound(world):
    # The platform console adds a new tenant's first admin from outside every tenant.
    user = accounts.create_account(
        world.b.tenant, None, username="chief", name="主任", role=Role.ADMIN, label="operator"
    )
    db.session.commit()
    with tenant_bound(world.b.tenant.id):
        event = _events(world.b)[-1]
        assert (event.kind, event.actor_label, event.subject) == ("user.add", "operator", "chief")
        assert _user(world.b, "chief").id == user.id


def test_role_and_department_changes_are_audited_with_before_and_after(world):
    with tenant_bound(world.a.tenant.id):
        admin, li = _user(world.a, "admin"), _user(world.a, "ops_li")
        kinds = accounts.update_member(
            admin,
            li,
            name="李明明",
            email=li.email,
            phone=li.phone,
            role=Role.DEPT_HEAD,
            department_id=_dept("cs").id,
        )
        db.session.commit()
        assert kinds == ["user.role", "user.department", "user.name"]
        changes = {e.kind: e.changes for e in _events(world.a)}
        assert changes["user.role"] == {"before": "handler", "after": "dept_head"}
        assert changes["user.department"] == {"before": "运营部", "after": "客服部"}
        assert changes["user.name"] == {"before": "李明", "after": "李明明"}
        assert (
            accounts.update_member(
                admin,
                li,
                name="李明明",
                email=li.email,
                phone=li.phone,
                role=li.role,
                department_id=li.department_id,
            )
            == []
        )


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(world):
    # The messages are lazy: read them in the msgids' language.
    with tenant_bound(world.a.tenant.id), force_locale("en"):
        admin = _user(world.a, "admin")
        with pytest.raises(accounts.Refused, match="last active admin"):
            accounts.deactivate(None, admin)
        with pytest.raises(accounts.Refused, match="last active admin"):
            accounts.deactivate(admin, admin)
        with pytest.raises(accounts.Refused, match="last active admin"):
            accounts.set_role(admin, admin, Role.SUPERVISOR)
        # Nothing half-saved: the name change in the same edit is refused with the demotion.
        with pytest.raises(accounts.Refused, match="last active admin"):
            accounts.update_member(
                admin,
                admin,
                name="新名字",
                email="",
                phone="",
                role=Role.SUPERVISOR,
                department_id=None,
            )
        assert admin.name == "林嘉怡" and admin.role == Role.ADMIN and admin.active
        assert _events(world.a) == []
        # With a second admin, either may step down; an inactive admin does not count.
        second = _add(world.a, username="admin2", role=Role.ADMIN, department=None)
        accounts.deactivate(admin, second)
        with pytest.raises(accounts.Refused):
            accounts.set_role(admin, admin, Role.SUPERVISOR)
        accounts.reactivate(admin, second)
        accounts.set_role(admin, admin, Role.SUPERVISOR)
        db.session.commit()
        kinds = [(e.kind, e.changes) for e in _events(world.a)]
        assert ("user.active", {"before": True, "after": False}) in kinds
        assert ("user.active", {"before": False, "after": True}) in kinds


def test_deactivating_ends_sessions_and_keeps_the_row(world):
    with tenant_bound(world.a.tenant.id):
        admin, li = _user(world.a, "admin"), _user(world.a, "ops_li")
        version = li.session_version
        accounts.deactivate(admin, li)
        db.session.commit()
        assert (li.active, li.session_version) == (False, version + 1)
        assert accounts.authenticate("ops_li", PASSWORD, TEST_HASH) is None
        accounts.reactivate(admin, li)
        db.session.commit()
        assert accounts.authenticate("ops_li", PASSWORD, TEST_HASH) is not None
        with pytest.raises(accounts.Refused):  # not one's own
            accounts.deactivate(li, li)


def test_a_link_works_once_and_logs_the_change(world):
    with tenant_bound(world.a.tenant.id):
        user = _add(world.a)
        db.session.commit()
        token = accounts.password_token(user, SECRET)
        assert accounts.user_for_token(token, SECRET, DAY) == user
        assert accounts.set_password_from_link(user, GOOD, TEST_HASH)
        db.session.commit()
        assert accounts.user_for_token(token, SECRET, DAY) is None
        assert accounts.authenticate("wang", GOOD, TEST_HASH) == user
        event = _events(world.a)[-1]
        assert (event.kind, event.actor_id, event.changes) == (
            "user.password",
            user.id,
            {"before": None, "after": None},
        )


def test_two_requests_racing_with_one_link_set_one_password(world):
    with tenant_bound(world.a.tenant.id):
        user = _add(world.a)
        db.session.commit()
        token = accounts.password_token(user, SECRET)
        first = accounts.user_for_token(token, SECRET, DAY)
        version, old_hash = first.session_version, first.password_hash
        assert accounts.set_password_from_link(first, GOOD, TEST_HASH)
        db.session.commit()
        # The second request checked the token before the first committed: it holds the
        # user as they were then.
        stale = User(
            id=user.id,
            username=user.username,
            name=user.name,
            email="",
            phone="",
            session_version=version,
            password_hash=old_hash,
        )
        assert not accounts.set_password_from_link(stale, "another-pass-91x", TEST_HASH)
        db.session.rollback()
        assert accounts.authenticate("wang", GOOD, TEST_HASH) is not None


def test_a_link_expires(world, monkeypatch):
    with tenant_bound(world.a.tenant.id):
        user = _add(world.a)
        db.session.commit()
        monkeypatch.setattr(
            TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 73 * 3600
        )
        old = accounts.password_token(user, SECRET)
        monkeypatch.undo()
        assert accounts.user_for_token(old, SECRET, 72 * 3600) is None
        assert accounts.user_for_token(old, SECRET, 74 * 3600) == user


def test_a_reset_or_a_newer_link_spoils_older_links(world):
    with tenant_bound(world.a.tenant.id):
        admin, li = _user(world.a, "admin"), _user(world.a, "ops_li")
        first = accounts.password_token(li, SECRET)
        accounts.reset_password(admin, li)
        db.session.commit()
        assert accounts.user_for_token(first, SECRET, DAY) is None
        assert accounts.authenticate("ops_li", PASSWORD, TEST_HASH) is None  # old one is dead
        second = accounts.password_token(li, SECRET)
        assert accounts.user_for_token(second, SECRET, DAY) == li
        accounts.reset_password(admin, li)  # a newer link
        assert accounts.user_for_token(second, SECRET, DAY) is None
        event = _events(world.a)[-1]
        assert (event.kind, event.subject) == ("user.password_link", "ops_li")
        assert li.password_hash not in str(event.changes)
        with pytest.raises(accounts.Refused):
            accounts.reset_password(admin, admin)  # their own: on the account page


def test_a_link_is_good_only_at_its_own_tenant_and_for_an_active_user(world):
    with tenant_bound(world.a.tenant.id):
        admin, li = _user(world.a, "admin"), _user(world.a, "ops_li")
        token = accounts.password_token(li, SECRET)
        assert accounts.user_for_token(token, "another secret", DAY) is None
        assert accounts.user_for_token(token + "x", SECRET, DAY) is None
    with tenant_bound(world.b.tenant.id):
        assert accounts.user_for_token(token, SECRET, DAY) is None
    with tenant_bound(world.a.tenant.id):
        accounts.deactivate(admin, li)
        assert accounts.user_for_token(token, SECRET, DAY) is None
        with pytest.raises(accounts.Refused):
            accounts.reset_password(admin, li)


def test_password_changes_keep_to_the_rules(world):
    with tenant_bound(world.a.tenant.id):
        admin, li = _user(world.a, "admin"), _user(world.a, "ops_li")
        for weak in ("short", "password123", "ops_li2024!"):
            with pytest.raises(accounts.Refused) as refused:
                accounts.change_password(admin, li, weak, TEST_HASH)
            assert refused.value.field == "password"
        with pytest.raises(accounts.Refused) as refused:
            accounts.change_own_password(li, "wrong", GOOD, TEST_HASH)
        assert refused.value.field == "current_password"
        accounts.change_own_password(li, PASSWORD, GOOD, TEST_HASH)
        db.session.commit()
        assert accounts.authenticate("ops_li", GOOD, TEST_HASH) == li


def test_a_user_name_taken_between_the_check_and_the_insert_is_a_refusal(world, monkeypatch):
    """Two admins adding one name at once: the second gets the form's message, not a 500."""
    real = accounts._department

    def meanwhile(department_id, tenant_id):
        db.session.add(
            User(
                tenant_id=tenant_id,
                username="zhao",
                name="另一位管理员加的赵",
                role=Role.INTAKE,
                password_hash="x",
            )
        )
        db.session.flush()
        return real(department_id, tenant_id)

    monkeypatch.setattr(accounts, "_department", meanwhile)
    with pytest.raises(accounts.Refused) as caught:
        accounts.create_account(
            world.a.tenant, world.a.users["admin"], username="zhao", name="赵林", role=Role.INTAKE
        )
    assert caught.value.field == "username"
    with tenant_bound(world.a.tenant.id):
        names = db.session.scalars(sa.select(User.name).where(User.username == "zhao")).all()
    assert names == ["另一位管理员加的赵"]  # the first stands, nothing of the second
