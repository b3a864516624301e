"""The mailbox page (机构设置 → 邮箱收件): settings saved and audited, the password sealed and
never shown, the connection test in words, the mails read listed."""

from __future__ import annotations

import socket

import sqlalchemy as sa

from casework import mailboxes
from casework.models import InboundMail, Mailbox
from casework.models.inbound import MailOutcome
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound
from tenants.models import Tenant
from tests.conftest import login, open_case

URL = "/t/alpha/desk/admin/mailbox"


def _form(_client, **values):
    data = {
        "host": "imap.example.com",
        "port": "993",
        "tls": "y",
        "username": "complaints@alpha.test",
        "password": "s3cret-Imap!",
        "folder": "INBOX",
        "enabled": "y",
    }
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def _box(world) -> Mailbox:
    db.session.expire_all()
    with tenant_bound(world.a.tenant.id):
        return db.session.scalars(sa.select(Mailbox)).one()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again at once: nothing listens there


def test_only_the_admin_sees_the_page(client, world):
    login(client, world.a, "desk")
    assert client.get(URL).status_code == 403
    client.post("/t/alpha/desk/logout")
    login(client, world.a, "admin")
    page = client.get(URL, query_string={"lang": "en"})
    assert page.status_code == 200
    assert "Mailbox" in page.text and 'value="993"' in page.text and 'value="INBOX"' in page.text
    assert '<input checked id="tls" name="tls"' in page.text  # TLS on by default


def test_saving_seals_the_password_and_never_shows_it(client, world):
    login(client, world.a, "admin")
    response = client.post(URL, data=_form(client))
    assert response.status_code == 303
    box = _box(world)
    assert (box.host, box.port, box.tls, box.enabled) == ("imap.example.com", 993, True, True)
    assert "s3cret-Imap!" not in box.password_sealed
    assert mailboxes.password(box) == "s3cret-Imap!"
    assert box.since is not None
    page = client.get(URL, query_string={"lang": "en"})
    assert "s3cret-Imap!" not in page.text and box.password_sealed not in page.text
    assert "Leave empty to keep it" in page.text

    # An empty password keeps the stored one; the log says only that it changed, once.
    sealed = box.password_sealed
    assert client.post(URL, data=_form(client, password="", folder="Complaints")).status_code == 303
    box = _box(world)
    assert box.folder == "Complaints" and box.password_sealed == sealed
    with tenant_bound(world.a.tenant.id):
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.kind == "mailbox.set").order_by(AuditEvent.id)
        ).all()
    assert len(events) == 2
    assert events[0].changes["after"]["password_changed"] is True
    assert "password_changed" not in events[1].changes["after"]
    assert "s3cret" not in str([e.changes for e in events])


def test_bad_values_are_form_errors(client, world):
    login(client, world.a, "admin")
    response = client.post(
        URL, data=_form(client, host="not a host!", port="70000"), query_string={"lang": "en"}
    )
    assert response.status_code == 422
    assert "Use a port from 1 to 65535." in response.text
    response = client.post(URL, data=_form(client, host="bad host"), query_string={"lang": "en"})
    assert response.status_code == 422
    assert "Enter the mail server" in response.text
    # No password stored yet and none given.
    response = client.post(URL, data=_form(client, password=""), query_string={"lang": "en"})
    assert response.status_code == 422
    assert "Enter the mailbox" in response.text
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalars(sa.select(Mailbox)).all() == []


def test_the_connection_test_says_what_went_wrong_and_saves_nothing(client, world):
    login(client, world.a, "admin")
    response = client.post(
        URL,
        data=_form(client, host="127.0.0.1", port=str(_closed_port()), test="1"),
        query_string={"lang": "en"},
    )
    assert response.status_code == 422
    assert "The connection failed: The server refused the connection on that port." in (
        response.text
    )
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalars(sa.select(Mailbox)).all() == []


def test_the_connection_test_against_a_real_server(client, world, app, dovecot_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAILBOX_CA_FILE", str(dovecot_server.cert))
    user, password = dovecot_server.add_user()
    dovecot_server.append(user, password, b"From: a@example.com\r\nSubject: x\r\n\r\nhi\r\n")
    login(client, world.a, "admin")
    values = {"host": "127.0.0.1", "port": str(dovecot_server.imaps_port), "username": user}
    ok = client.post(
        URL, data=_form(client, **values, password=password, test="1"), query_string={"lang": "en"}
    )
    assert ok.status_code == 200
    assert "Connected. Mails in the folder: 1." in ok.text
    wrong = client.post(
        URL, data=_form(client, **values, password="nope", test="1"), query_string={"lang": "en"}
    )
    assert wrong.status_code == 422
    assert "The server refused the user name or password." in wrong.text
    starttls = client.post(
        URL,
        data=_form(
            client,
            **{**values, "port": str(dovecot_server.starttls_port)},
            password=password,
            tls=None,
            test="1",
        ),
        query_string={"lang": "en"},
    )
    assert "Connected" in starttls.text
    # IMAPS against the STARTTLS port: no TLS there from the first byte.
    mixed = client.post(
        URL,
        data=_form(client, **{**values, "port": str(dovecot_server.starttls_port)}, test="1"),
        query_string={"lang": "en"},
    )
    assert mixed.status_code == 422 and "secure (TLS) connection" in mixed.text
    # Not trusted: the production default, the system's CAs, refuses a self-signed server.
    monkeypatch.setitem(app.config, "MAILBOX_CA_FILE", None)
    untrusted = client.post(
        URL, data=_form(client, **values, password=password, test="1"), query_string={"lang": "en"}
    )
    assert "certificate could not be verified" in untrusted.text


def test_the_mails_read_are_listed_with_their_case_or_reason(client, world):
    case = open_case(world.a, email="wang.fang@example.com")
    login(client, world.a, "admin")
    client.post(URL, data=_form(client))
    other = open_case(world.b)
    with tenant_bound(world.b.tenant.id):
        b_box = Mailbox(tenant_id=world.b.tenant.id, host="beta-marker.example.com", username="b")
        db.session.add(b_box)
        db.session.flush()
        db.session.add(
            InboundMail(
                tenant_id=world.b.tenant.id,
                mailbox_id=b_box.id,
                uidvalidity=1,
                uid=1,
                message_key="<b@x>",
                outcome=MailOutcome.OPENED,
                case_id=other.id,
                subject="beta-subject",
            )
        )
        db.session.commit()
    box = _box(world)
    with tenant_bound(world.a.tenant.id):
        db.session.add_all(
            [
                InboundMail(
                    tenant_id=world.a.tenant.id,
                    mailbox_id=box.id,
                    uidvalidity=1,
                    uid=1,
                    message_key="<a@x>",
                    outcome=MailOutcome.OPENED,
                    case_id=case.id,
                    sender="wang.fang@example.com",
                    subject="收银多收钱",
                ),
                InboundMail(
                    tenant_id=world.a.tenant.id,
                    mailbox_id=box.id,
                    uidvalidity=1,
                    uid=2,
                    message_key="<big@x>",
                    outcome=MailOutcome.SKIPPED,
                    sender="li@example.com",
                    subject="大附件",
                    reason="too large",
                ),
            ]
        )
        db.session.commit()
    page = client.get(URL, query_string={"lang": "en"}).text
    assert "wang.fang@example.com" in page  # the admin holds the personal-data right here
    assert case.number in page and "收银多收钱" in page and "too large" in page
    assert "New case" in page and "Skipped" in page
    assert "beta-subject" not in page and "beta-marker" not in page and other.number not in page
    # Without the right, the senders' addresses are masked, as on the case page.
    tenant = db.session.get(Tenant, world.a.tenant.id)
    tenant.update_config(personal_data_roles=["supervisor"])
    db.session.commit()
    page = client.get(URL, query_string={"lang": "en"}).text
    assert "w***@example.com" in page and "wang.fang@example.com" not in page
