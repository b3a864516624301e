"""Staff administration (desk → 机构设置 → 人员): adding staff, their one-time link to set a
password, role and department, deactivation, resets and the last admin."""

from __future__ import annotations

import html
import re
import smtplib

import pytest
import sqlalchemy as sa

from casework.models import Message, PendingJob
from jobs import accounts as account_mail
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound, unscoped
from tenants.models import Department, Role, User
from tests.conftest import PASSWORD, dispatched_case, login

STAFF = "/t/alpha/desk/admin/staff"
GOOD = "kite-ladder-57-plum"


class FakeSmtp:
    """Stands in for smtplib.SMTP: keeps what would have been sent."""

    sent: list = []

    def __init__(self, host, port, timeout=None) -> None:
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> bool:
        return False

    def starttls(self) -> None:
        pass

    def login(self, user, password) -> None:
        pass

    def send_message(self, message) -> None:
        FakeSmtp.sent.append(message)


@pytest.fixture
def mail_on(app, monkeypatch):
    FakeSmtp.sent = []
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.alpha.test")
    monkeypatch.setattr(smtplib, "SMTP", FakeSmtp)
    return FakeSmtp.sent


def _dept_id(org, code: str) -> int:
    with tenant_bound(org.tenant.id):
        return db.session.scalar(sa.select(Department.id).where(Department.code == code))


def _user(org, username: str) -> User:
    with tenant_bound(org.tenant.id):
        db.session.expire_all()
        return db.session.scalars(sa.select(User).where(User.username == username)).one()


def _new(client, org, **overrides):
    data = {
        "name": "王芳",
        "username": "wang",
        "email": "wang@example.com",
        "phone": "0571-8600 2000",
        "role": "handler",
        "department_id": str(_dept_id(org, "ops")),
    }
    data.update(overrides)
    return client.post(f"{STAFF}/new?lang=en", data=data)


def _shown_link(page: str) -> str:
    match = re.search(r'id="password-link" type="text" value="([^"]+)"', page)
    assert match, "no link on the page"
    return html.unescape(match.group(1)).removeprefix("http://closeloop.test")


def _queue(browser, org):
    return browser.get(f"/t/{org.slug}/desk/")


def test_adding_staff_with_mail_off_shows_the_link_once(app, client, world):
    login(client, world.a, "admin")
    added = _new(client, world.a)
    assert added.status_code == 303
    user = _user(world.a, "wang")
    assert added.headers["Location"] == f"{STAFF}/{user.id}"
    page = client.get(added.headers["Location"])
    assert "王芳 has been added" in page.text
    link = _shown_link(page.text)
    assert link.startswith("/t/alpha/desk/password/")
    assert "Waiting for password" in page.text
    # Shown only once; nothing of it is in the database or the outbox.
    assert 'id="password-link"' not in client.get(added.headers["Location"]).text
    token = link.rsplit("/", 1)[1]
    with unscoped():
        assert db.session.scalar(sa.select(sa.func.count(PendingJob.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 0
        stored = " ".join(str(e.changes) for e in db.session.scalars(sa.select(AuditEvent)))
        assert token not in stored
    # The list shows the new member, role and department.
    listing = client.get(f"{STAFF}?lang=en")
    assert "wang" in listing.text and "运营部" in listing.text and "Handler" in listing.text

    # The new member follows the link, sets a password, and is in.
    newcomer = app.test_client()
    form = newcomer.get(link + "?lang=en")
    assert form.status_code == 200 and "王芳" in form.text
    weak = newcomer.post(
        link + "?lang=en", data={"password": "password123", "confirm": "password123"}
    )
    assert weak.status_code == 200 and "most common passwords" in weak.text
    short = newcomer.post(link + "?lang=en", data={"password": "abc", "confirm": "abc"})
    assert short.status_code == 200 and "between 10 and 200" in short.text
    differ = newcomer.post(link, data={"password": GOOD, "confirm": GOOD + "x"})
    assert differ.status_code == 200
    done = newcomer.post(link, data={"password": GOOD, "confirm": GOOD})
    assert done.status_code == 303 and done.headers["Location"] == "/t/alpha/desk/"
    assert _queue(newcomer, world.a).status_code == 200  # logged in
    # The link is spent: a clear page, not an error.
    again = app.test_client().get(link + "?lang=en")
    assert again.status_code == 404 and "This link does not work" in again.text
    reused = app.test_client().post(link, data={"password": GOOD + "1", "confirm": GOOD + "1"})
    assert reused.status_code == 404
    # And the new password logs in.
    browser = app.test_client()
    r = browser.post("/t/alpha/desk/login", data={"username": "wang", "password": GOOD})
    assert r.status_code == 303


def test_adding_staff_with_mail_on_mails_the_link_once(app, client, world, mail_on):
    login(client, world.a, "admin")
    added = _new(client, world.a)
    assert added.status_code == 303
    page = client.get(added.headers["Location"])
    assert "being emailed to wang@example.com" in page.text
    assert 'id="password-link"' not in page.text
    assert len(mail_on) == 1
    mail = mail_on[0]
    assert mail["To"] == "wang@example.com"
    body = mail.get_content()
    link = re.search(r"http://closeloop\.test(/t/alpha/desk/password/\S+)", body).group(1)
    user = _user(world.a, "wang")
    with tenant_bound(world.a.tenant.id):
        message = db.session.scalars(sa.select(Message)).one()
        assert message.status == "sent"
        assert message.dedupe_key == f"password-link:{user.id}:{user.session_version}"
        assert (
            link not in message.body and "/password/" not in message.body
        )  # the log keeps no link
        pending = db.session.scalars(sa.select(PendingJob)).one()
        assert set(pending.args) == {"user_id", "version"}
        # A retried or duplicated job sends nothing more.
        account_mail.password_link(user.id, user.session_version)
        db.session.rollback()
    assert len(mail_on) == 1
    # The mailed link works.
    browser = app.test_client()
    assert browser.post(link, data={"password": GOOD, "confirm": GOOD}).status_code == 303
    assert _queue(browser, world.a).status_code == 200


def test_a_reset_before_the_mail_goes_out_sends_only_the_newer_link(app, world, mail_on):
    with tenant_bound(world.a.tenant.id):
        li = db.session.scalars(sa.select(User).where(User.username == "ops_li")).one()
        old_version = li.session_version
        li.session_version += 1  # a newer link was issued meanwhile
        db.session.commit()
        account_mail.password_link(li.id, old_version)
        assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 0
    assert mail_on == []


def test_a_user_name_taken_is_a_form_error(client, world):
    login(client, world.a, "admin")
    page = _new(client, world.a, username="ops_li")
    assert page.status_code == 200 and "This user name is taken already" in page.text
    bad = _new(client, world.a, username="with space")
    assert bad.status_code == 200 and "without spaces" in bad.text
    no_dept = _new(client, world.a, username="nodept", department_id="")
    assert no_dept.status_code == 200 and "needs a department" in no_dept.text
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0
    # "admin" exists at tenant B too: a name is unique per tenant only.
    assert _new(client, world.a, username="desk_b", role="intake").status_code == 303


@pytest.mark.parametrize("who", ["super", "desk", "ops_li", "ops_head"])
def test_only_admins_reach_staff_administration(client, world, who):
    login(client, world.a, who)
    target = world.a.users["ops_li"].id
    assert client.get(STAFF).status_code == 403
    assert client.get(f"{STAFF}/new").status_code == 403
    assert _new(client, world.a).status_code == 403
    assert client.get(f"{STAFF}/{target}").status_code == 403
    for action in ("deactivate", "reactivate", "reset"):
        assert client.post(f"{STAFF}/{target}/{action}").status_code == 403


def test_deactivating_logs_the_user_out_at_once_and_keeps_their_cases(app, client, world):
    case_id = dispatched_case(world.a, "ops_li")
    handler = app.test_client()
    login(handler, world.a, "ops_li")
    assert _queue(handler, world.a).status_code == 200
    login(client, world.a, "admin")
    li = world.a.users["ops_li"].id
    r = client.post(f"{STAFF}/{li}/deactivate")
    assert r.status_code == 303
    assert "Deactivated" in client.get(f"{STAFF}/{li}?lang=en").text
    # Their open session is over on its next request, and they cannot log in again.
    assert _queue(handler, world.a).status_code == 302
    again = app.test_client().post(
        "/t/alpha/desk/login", data={"username": "ops_li", "password": PASSWORD}
    )
    assert again.status_code == 200
    # The case still names who handled it, on its page and in the queue.
    supervisor = app.test_client()
    login(supervisor, world.a, "super")
    assert "李明" in supervisor.get(f"/t/alpha/desk/cases/{case_id}").text
    assert "李明" in supervisor.get("/t/alpha/desk/").text
    # Reactivated, they log in with the password they had.
    assert client.post(f"{STAFF}/{li}/reactivate").status_code == 303
    login(app.test_client(), world.a, "ops_li")


def test_changing_role_and_department(client, world):
    login(client, world.a, "admin")
    li = world.a.users["ops_li"]
    r = client.post(
        f"{STAFF}/{li.id}",
        data={
            "name": li.name,
            "email": "li@example.com",
            "phone": li.phone,
            "role": "dept_head",
            "department_id": str(_dept_id(world.a, "cs")),
        },
    )
    assert r.status_code == 303
    user = _user(world.a, "ops_li")
    assert (user.role, user.department_id) == (Role.DEPT_HEAD, _dept_id(world.a, "cs"))
    with tenant_bound(world.a.tenant.id):
        kinds = set(db.session.scalars(sa.select(AuditEvent.kind)))
    assert kinds == {"user.role", "user.department", "user.email"}


def test_the_last_admin_is_kept_with_a_clear_message(client, world):
    login(client, world.a, "admin")
    me = world.a.users["admin"]
    demote = client.post(
        f"{STAFF}/{me.id}?lang=en",
        data={
            "name": "新名字",
            "email": "",
            "phone": "",
            "role": "supervisor",
            "department_id": "",
        },
    )
    assert demote.status_code == 200 and "last active admin" in demote.text
    r = client.post(f"{STAFF}/{me.id}/deactivate?lang=en")
    assert r.status_code == 303
    assert "last active admin" in client.get(r.headers["Location"] + "?lang=en").text
    user = _user(world.a, "admin")
    assert (user.name, user.role, user.active) == (me.name, Role.ADMIN, True)
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0


def test_a_reset_stops_the_old_password_and_sessions_and_gives_a_new_link(app, client, world):
    handler = app.test_client()
    login(handler, world.a, "ops_li")
    login(client, world.a, "admin")
    li = world.a.users["ops_li"].id
    r = client.post(f"{STAFF}/{li}/reset")
    assert r.status_code == 303
    link = _shown_link(client.get(r.headers["Location"]).text)
    assert _queue(handler, world.a).status_code == 302
    old = app.test_client().post(
        "/t/alpha/desk/login", data={"username": "ops_li", "password": PASSWORD}
    )
    assert old.status_code == 200
    # A second reset spoils the first link.
    r = client.post(f"{STAFF}/{li}/reset")
    newer = _shown_link(client.get(r.headers["Location"]).text)
    assert app.test_client().get(link).status_code == 404
    browser = app.test_client()
    assert browser.post(newer, data={"password": GOOD, "confirm": GOOD}).status_code == 303
    with tenant_bound(world.a.tenant.id):
        kinds = list(db.session.scalars(sa.select(AuditEvent.kind).order_by(AuditEvent.id)))
    assert kinds == ["user.password_link", "user.password_link", "user.password"]


def test_a_link_for_another_tenant_is_not_found_here(app, world):
    from tenants.accounts import password_token

    with tenant_bound(world.b.tenant.id):
        token = password_token(world.b.users["admin"], app.config["SECRET_KEY"])
    assert app.test_client().get(f"/t/alpha/desk/password/{token}").status_code == 404
    assert app.test_client().get(f"/t/beta/desk/password/{token}").status_code == 200


def test_bad_links_are_rate_limited(app, world):
    browser = app.test_client()
    for i in range(20):
        assert browser.get(f"/t/alpha/desk/password/forged{i}").status_code == 404
    assert browser.get("/t/alpha/desk/password/forged").status_code == 429


def test_staff_change_their_own_password(app, client, world):
    other = app.test_client()
    login(other, world.a, "desk")
    login(client, world.a, "desk")
    page = client.get("/t/alpha/desk/account?lang=en")
    assert page.status_code == 200 and "王晓雯" in page.text
    wrong = client.post(
        "/t/alpha/desk/account?lang=en",
        data={"current_password": "nope", "password": GOOD, "confirm": GOOD},
    )
    assert wrong.status_code == 200 and "not your current password" in wrong.text
    weak = client.post(
        "/t/alpha/desk/account?lang=en",
        data={"current_password": PASSWORD, "password": "1234567890", "confirm": "1234567890"},
    )
    assert weak.status_code == 200 and "common" in weak.text
    done = client.post(
        "/t/alpha/desk/account",
        data={"current_password": PASSWORD, "password": GOOD, "confirm": GOOD},
    )
    assert done.status_code == 303
    assert _queue(client, world.a).status_code == 200  # this session goes on
    assert _queue(other, world.a).status_code == 302  # the other one has ended
    r = app.test_client().post("/t/alpha/desk/login", data={"username": "desk", "password": GOOD})
    assert r.status_code == 303


def test_a_link_can_be_delivered_from_outside_any_tenant(app, world, monkeypatch):
    """The platform console gives a new tenant's first admin their link, with no tenant
    bound and no tenant request."""
    from tenants import accounts
    from web.auth.links import deliver_password_link

    chief = accounts.create_account(
        world.b.tenant, None, username="chief", name="主任", role=Role.ADMIN, email="c@example.com"
    )
    url = deliver_password_link(chief)
    db.session.commit()
    assert url.startswith("http://closeloop.test/t/beta/desk/password/")
    browser = app.test_client()
    path = url.removeprefix("http://closeloop.test")
    assert "主任" in browser.get(path).text
    # With mail on, it is queued for after the commit, and mailed once.
    FakeSmtp.sent = []
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.beta.test")
    monkeypatch.setattr(smtplib, "SMTP", FakeSmtp)
    with tenant_bound(world.b.tenant.id):
        chief = db.session.merge(chief)
        accounts.reset_password(None, chief, label="operator")
    assert deliver_password_link(chief) is None
    db.session.commit()
    assert [m["To"] for m in FakeSmtp.sent] == ["c@example.com"]
    assert browser.get(path).status_code == 404  # the reset spoilt the first link


def test_a_member_may_hold_further_roles_and_use_them_on_the_desk(app, client, world):
    login(client, world.a, "admin")
    li = world.a.users["ops_li"]
    page = client.get(f"{STAFF}/{li.id}")
    assert 'name="extra_roles"' in page.text
    r = client.post(
        f"{STAFF}/{li.id}",
        data={
            "name": li.name,
            "email": "li@example.com",
            "phone": li.phone,
            "role": "handler",
            "extra_roles": ["admin", "intake"],
            "department_id": str(li.department_id),
        },
    )
    assert r.status_code == 303
    assert _user(world.a, "ops_li").role_list == [Role.HANDLER, Role.INTAKE, Role.ADMIN]
    assert 'value="admin" checked' in client.get(f"{STAFF}/{li.id}").text
    # Their further roles open the desk's doors: the admin pages and the intake form.
    theirs = app.test_client()
    login(theirs, world.a, "ops_li")
    assert theirs.get(STAFF).status_code == 200
    assert theirs.get("/t/alpha/desk/intake/").status_code == 200
    assert "/desk/admin/" in theirs.get("/t/alpha/desk/").text
    # Unticked again, they are a handler only.
    client.post(
        f"{STAFF}/{li.id}",
        data={
            "name": li.name,
            "email": "li@example.com",
            "phone": li.phone,
            "role": "handler",
            "department_id": str(li.department_id),
        },
    )
    assert theirs.get(STAFF).status_code == 403
