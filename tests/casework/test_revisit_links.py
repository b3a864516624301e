"""The questionnaire's link (CS-2): the token (expired, tampered, reused, overtaken, another
tenant's), the send (once per send, recorded, by mail or by text), the periodic sender of
links that became due, and the answers through it closing the loop (PROP-12)."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
import sqlalchemy as sa
from flask import current_app
from itsdangerous.timed import TimestampSigner

from casework import survey_links
from casework.errors import InvalidInput, InvalidTransition
from casework.models import Case, CaseEvent, Deadline, Message, Revisit
from casework.operations import handling, revisit_links, revisits
from casework.states import ContactMethod, EventKind, Occasion, RevisitStatus, Stage, Status
from jobs import revisit_links as sender
from tenants.db import db, tenant_bound, utcnow
from tests.conftest import dispatched_case, open_case

EMAIL = "wu.jing@example.com"


def email_revisit(org, **overrides) -> tuple[int, int]:
    """A complaint whose result was sent to a person who asked for mail (or ``overrides``):
    its revisit goes that way and is due at once. (case id, revisit id); no link sent yet."""
    values = {"email": EMAIL, "preferred_contact": ContactMethod.EMAIL, "name": "吴静"}
    case_id = dispatched_case(org, **{**values, **overrides})
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        handling.record_result(case, org.users["ops_li"], "已退还差价 60 元。", "停车券一张")
        handling.send_result(case, org.users["ops_li"])
        db.session.commit()
        revisit = db.session.scalars(sa.select(Revisit).where(Revisit.case_id == case_id)).one()
        assert revisit.method is ContactMethod(overrides.get("preferred_contact", "email"))
        return case_id, revisit.id


def link_mails(org) -> list[Message]:
    """The questionnaire mails of ``org``, oldest first."""
    with tenant_bound(org.tenant.id):
        db.session.expire_all()
        return list(
            db.session.scalars(
                sa.select(Message)
                .where(Message.dedupe_key.startswith("revisit-link:"))
                .order_by(Message.id)
            )
        )


def survey_paths(body: str) -> list[str]:
    """The questionnaire links of a mail, as paths (the host is PUBLIC_URL's)."""
    return re.findall(r"https?://[^/\s]+(/t/[^\s]+/survey/[^\s]+)", body)


def _open(org, token: str) -> survey_links.Opened:
    with tenant_bound(org.tenant.id):
        db.session.expire_all()
        tenant = db.session.merge(org.tenant)
        return survey_links.open_token(token, tenant, current_app.config["SECRET_KEY"])


def _token(org, revisit_id: int) -> str:
    with tenant_bound(org.tenant.id):
        revisit = db.session.get(Revisit, revisit_id)
        db.session.refresh(revisit)
        return survey_links.make_token(revisit, current_app.config["SECRET_KEY"])


def test_the_due_link_is_mailed_once_recorded_and_its_buttons_preselect(app, world):
    org = world.a
    case_id, revisit_id = email_revisit(org)
    assert sender.run() == 1
    assert sender.run() == 0  # a second run, or a second clock, sends nothing again
    [mail] = link_mails(org)
    assert mail.to == EMAIL and mail.case_id == case_id
    paths = survey_paths(mail.body)
    assert len(paths) == 3  # solved, not solved, the whole questionnaire
    assert paths[0].endswith("?solved=1") and paths[1].endswith("?solved=0")
    assert "吴静" in mail.body
    with tenant_bound(org.tenant.id):
        revisit = db.session.get(Revisit, revisit_id)
        assert revisit.link_sent_at is not None
        [event] = db.session.scalars(
            sa.select(CaseEvent).where(
                CaseEvent.case_id == case_id, CaseEvent.kind == EventKind.REVISIT_LINK_SENT
            )
        ).all()
        assert event.changes == {"method": "email"} and not event.public
    token = paths[2].rsplit("/", 1)[1]
    assert _open(org, token).state == "ok"


def test_a_revisit_due_later_waits_for_the_periodic_sender(app, world):
    org = world.a
    case_id = open_case(org, email=EMAIL).id
    now = utcnow()
    midpoint = now + dt.timedelta(days=30)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        revisits.plan(
            case,
            Occasion.AFTER_HANDLING,
            midpoint,
            midpoint + dt.timedelta(days=7),
            ContactMethod.EMAIL,
        )
        db.session.commit()
    assert sender.run(now) == 0 and link_mails(org) == []
    assert sender.run(midpoint + dt.timedelta(minutes=1)) == 1
    assert len(link_mails(org)) == 1


def test_tampered_cut_and_another_tenants_tokens_open_nothing(app, world):
    _case_id, revisit_id = email_revisit(world.a)
    sender.run()
    token = _token(world.a, revisit_id)
    assert _open(world.a, token).ok
    body, _dot, signature = token.rpartition(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    for bad in (f"{body}.{flipped}", token[:-3], "x" + token, "", "not-a-token"):
        assert _open(world.a, bad).state == "invalid", bad
    # Tenant A's token is no link of tenant B's, and B's revisit of that id is untouched.
    assert _open(world.b, token).state == "invalid"
    # A token signed with another key (another installation) is forged here.
    other = survey_links._serializer("another-secret").dumps([world.a.tenant.id, revisit_id, 1])
    assert _open(world.a, other).state == "invalid"


def test_an_old_token_has_expired_after_the_tenants_days(app, world, monkeypatch):
    _case_id, revisit_id = email_revisit(world.a)
    sender.run()
    days = world.a.tenant.config.revisiting.link_days
    assert days == 14  # the default, documented in tenants/revisit_policy.py
    made = time.time() - (days * 86400 + 60)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(made))
    old = _token(world.a, revisit_id)
    monkeypatch.undo()
    assert _open(world.a, old).state == "expired"
    fresh_enough = time.time() - (days * 86400 - 600)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(fresh_enough))
    young = _token(world.a, revisit_id)
    monkeypatch.undo()
    assert _open(world.a, young).ok


def test_a_resent_link_supersedes_the_old_and_an_answered_one_is_spent(app, world):
    org = world.a
    case_id, revisit_id = email_revisit(org)
    sender.run()
    first = _token(org, revisit_id)
    with tenant_bound(org.tenant.id):
        revisit = db.session.get(Revisit, revisit_id)
        seen = survey_links.send_stamp(revisit.link_sent_at)
        revisit_links.send_link(revisit, org.users["desk"], seen=seen)
        db.session.commit()
        # The same press again (a double click, a replayed form) sends nothing more.
        with pytest.raises(InvalidTransition):
            revisit_links.send_link(revisit, org.users["desk"], seen=seen)
        db.session.rollback()
    second = _token(org, revisit_id)
    assert first != second
    assert len(link_mails(org)) == 2
    assert _open(org, first).state == "superseded" and _open(org, second).ok
    with tenant_bound(org.tenant.id):
        revisit = db.session.get(Revisit, revisit_id)
        revisit_links.answer_online(revisit, {"solved": "yes"})
        db.session.commit()
    assert _open(org, second).state == "answered"
    assert _open(org, first).state == "answered"


def test_one_answer_is_enough_and_none_is_refused(app, world):
    org = world.a
    case_id, revisit_id = email_revisit(org)
    sender.run()
    with tenant_bound(org.tenant.id):
        revisit = db.session.get(Revisit, revisit_id)
        with pytest.raises(InvalidInput) as refused:
            revisit_links.answer_online(revisit, {"comments": "还行"})
        assert refused.value.field == "solved"
        revisit_links.answer_online(revisit, {"solved": "yes"})
        db.session.commit()
        db.session.refresh(revisit)
        assert revisit.status is RevisitStatus.DONE and revisit.solved is True
        assert revisit.done_by_id is None and revisit.satisfaction is None
        assert db.session.get(Case, case_id).status is Status.CLOSED


def test_not_solved_through_the_link_reopens_with_special_measures_in_24_hours(app, world):
    org = world.a
    case_id, revisit_id = email_revisit(org)
    sender.run()
    with tenant_bound(org.tenant.id):
        revisit = db.session.get(Revisit, revisit_id)
        revisit_links.answer_online(revisit, {"solved": "no"})
        db.session.commit()
        case = db.session.get(Case, case_id)
        assert case.status in (Status.DISPATCHED, Status.IN_PROGRESS)
        due = db.session.scalars(
            sa.select(Deadline).where(
                Deadline.case_id == case_id,
                Deadline.stage == Stage.SPECIAL_MEASURES,
                Deadline.done_at.is_(None),
            )
        ).one()
        assert dt.timedelta(0) < due.due_at - utcnow() <= dt.timedelta(hours=24, minutes=1)
        [answered] = db.session.scalars(
            sa.select(CaseEvent).where(
                CaseEvent.case_id == case_id, CaseEvent.kind == EventKind.REVISIT
            )
        ).all()
        assert answered.actor_id is None and answered.actor_label == "吴静"


def test_a_revisit_ended_otherwise_closes_its_link(app, world):
    org = world.a
    case_id, revisit_id = email_revisit(org)
    sender.run()
    token = _token(org, revisit_id)
    with tenant_bound(org.tenant.id):
        db.session.execute(
            sa.update(Revisit)
            .where(Revisit.id == revisit_id)
            .values(status=RevisitStatus.CANCELLED)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    assert _open(org, token).state == "closed"


def test_a_text_goes_where_the_tenant_has_a_gateway_else_the_mail(app, world, monkeypatch):
    org = world.a
    # No gateway (texts kept in the log only): the person's mail takes the link instead.
    case_id, revisit_id = email_revisit(org, preferred_contact=ContactMethod.SMS)
    with tenant_bound(org.tenant.id):
        revisit = db.session.get(Revisit, revisit_id)
        assert revisit.method is ContactMethod.SMS
        assert revisit_links.channel(revisit) is ContactMethod.EMAIL
    sender.run()
    assert len(link_mails(org)) == 1
    # With a gateway, the next revisit's link is texted through texting.text_revisit.
    from jobs import sms

    sent: list = []
    monkeypatch.setattr(sms.HttpGateway, "send", lambda self, text: sent.append(text) or "sent")
    with tenant_bound(org.tenant.id):
        from casework import texting

        tenant = db.session.merge(org.tenant)
        texting.set_gateway(tenant, None, "http", "https://sms.example.com/send", "星光")
        db.session.commit()
        case = db.session.get(Case, case_id)
        now = utcnow()
        second = revisits.plan(
            case, Occasion.AFTER_HANDLING, now, now + dt.timedelta(days=3), ContactMethod.SMS
        )
        db.session.commit()
        assert revisit_links.channel(second) is ContactMethod.SMS
    sender.run()
    assert len(sent) == 1 and "/survey/" in sent[0].body
    assert sent[0].key.startswith(f"sms:revisit:{case_id}:{second.id}:")
    assert len(link_mails(org)) == 1  # no mail for the texted one


def test_nowhere_to_send_it_leaves_the_revisit_to_the_phone(app, world):
    org = world.a
    case_id = open_case(org).id  # a phone number only, no mail, no gateway
    now = utcnow()
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        revisit = revisits.plan(
            case, Occasion.AFTER_HANDLING, now, now + dt.timedelta(days=3), ContactMethod.SMS
        )
        db.session.commit()
        assert revisit_links.channel(revisit) is None
        with pytest.raises(InvalidTransition):
            revisit_links.send_link(revisit, org.users["desk"], seen=0)
        db.session.rollback()
    assert sender.run() == 0
    with tenant_bound(org.tenant.id):
        assert db.session.get(Revisit, revisit.id).link_sent_at is None


def test_a_phone_revisit_gets_its_link_from_staff_only(app, world):
    org = world.a
    # A person who asked for a call but left an address: the periodic sender leaves it to
    # the phone; a revisitor who cannot reach them mails the questionnaire instead.
    case_id, revisit_id = email_revisit(org, preferred_contact=ContactMethod.PHONE)
    with tenant_bound(org.tenant.id):
        revisit = db.session.get(Revisit, revisit_id)
        assert revisit_links.channel(revisit) is None
        assert revisit_links.channel(revisit, staff=True) is ContactMethod.EMAIL
    assert sender.run() == 0
    assert link_mails(org) == []
    with tenant_bound(org.tenant.id):
        revisit = db.session.get(Revisit, revisit_id)
        revisit_links.send_link(revisit, org.users["desk"], seen=0)
        db.session.commit()
        event = db.session.scalars(
            sa.select(CaseEvent).where(
                CaseEvent.case_id == case_id, CaseEvent.kind == EventKind.REVISIT_LINK_SENT
            )
        ).one()
        assert event.changes == {"method": "email"}
    [mail] = link_mails(org)
    assert mail.to == EMAIL and len(survey_paths(mail.body)) == 3
    assert sender.run() == 0  # sent by staff: the periodic sender does not send it again


def test_a_phone_revisit_without_an_address_is_texted_where_there_is_a_gateway(app, world):
    org = world.a
    case_id = open_case(org).id  # a mobile number only, no mail
    now = utcnow()
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        revisit = revisits.plan(
            case, Occasion.AFTER_HANDLING, now, now + dt.timedelta(days=3), ContactMethod.PHONE
        )
        db.session.commit()
        assert revisit_links.channel(revisit, staff=True) is None  # no gateway: call only
        from casework import texting

        texting.set_gateway(
            db.session.merge(org.tenant), None, "http", "https://sms.example.com/send", "星光"
        )
        db.session.commit()
        revisit = db.session.get(Revisit, revisit.id)
        assert revisit_links.channel(revisit) is None
        assert revisit_links.channel(revisit, staff=True) is ContactMethod.SMS
