"""Text messages (短信, issue 11): which texts go, sent once through the same outbox as mail,
the built-in log provider, and the HTTP gateway end to end against a real HTTP server this
test starts on a free port (what it received, 4xx refusals, 5xx retries, no answer)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from casework import catalog, texting
from casework.models import Case, Letter, Message, PendingJob
from casework.operations import dispatch, handling, referrals
from casework.states import ContactMethod, Finding
from jobs import dispatch as handover
from jobs import queues, runtime, sms
from tenants import secrets
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound, unscoped
from tests.conftest import dispatched_case, open_case
from tests.jobs import test_redis_queue
from tests.jobs.test_redis_queue import DEAD_REDIS, _age, _work

SMS = ContactMethod.SMS.value


class Gateway:
    """A text gateway on 127.0.0.1: records every request; answers from ``replies`` in turn
    (status, body), then 200. ``delay`` holds each answer back that many seconds."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.replies: list[tuple[int, str]] = []
        self.delay = 0.0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802  (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
                )
                if gateway.delay:
                    time.sleep(gateway.delay)
                status, answer = gateway.replies.pop(0) if gateway.replies else (200, "{}")
                data = answer.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up waiting

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    server = Gateway()
    yield server
    server.close()


def _use_gateway(org, url: str, key: str = "k-secret-123") -> None:
    with tenant_bound(org.tenant.id):
        tenant = db.session.merge(org.tenant)
        texting.set_gateway(tenant, None, "http", url, "星光", "acct-7", key)
        db.session.commit()


def _texts(org) -> list[Message]:
    with tenant_bound(org.tenant.id):
        db.session.expire_all()
        return db.session.scalars(
            sa.select(Message).where(Message.channel == "sms").order_by(Message.id)
        ).all()


def _jobs(name: str) -> list[PendingJob]:
    with unscoped():
        db.session.expire_all()
        return db.session.scalars(
            sa.select(PendingJob).where(PendingJob.name == name).order_by(PendingJob.id)
        ).all()


def _run_again(pending_id: int) -> str:
    """Run an outbox row once more, as a duplicated delivery would, even if it is done."""
    with unscoped():
        db.session.execute(
            sa.update(PendingJob).where(PendingJob.id == pending_id).values(done_at=None)
        )
        db.session.commit()
    return runtime.execute(pending_id, reraise=False)


# --- who can receive a text ------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("13812345678", "+8613812345678"),
        ("+86 138 1234 5678", "+8613812345678"),
        ("+8613812345678", "+8613812345678"),
        ("010-6512 3456", None),  # a Beijing landline
        ("+861065123456", None),
        ("12345", None),
        ("not a number", None),
        ("", None),
    ],
)
def test_only_a_mobile_number_can_take_a_text(phone, expected):
    assert texting.mobile(phone) == expected


# --- the built-in provider: the desk's message log --------------------------------------


def test_the_receipt_is_texted_to_the_log_once(app, world):
    case = open_case(world.a, preferred_contact=SMS)
    [text] = _texts(world.a)
    assert text.status == "logged" and text.to == "+8613812345678"
    assert text.case_id == case.id and text.dedupe_key == f"sms:receipt:{case.id}"
    sign = world.a.tenant.name[:12]
    assert text.body.startswith(f"【{sign}】")  # the tenant's sign name, in its language
    assert case.number in text.body
    assert f"http://closeloop.test/t/{world.a.slug}/status?number={case.number}" in text.body
    assert "受理" in text.body
    [job] = _jobs("sms.receipt")
    assert job.done_at is not None
    assert _run_again(job.id) == "ok"  # a duplicated or retried job sends nothing twice
    assert len(_texts(world.a)) == 1


def test_no_text_unless_the_complainant_chose_texts(world):
    open_case(world.a)  # the phone is the default channel
    open_case(world.a, preferred_contact=ContactMethod.EMAIL.value, email="z@example.com")
    assert _texts(world.a) == []
    assert _jobs("sms.receipt") == []


def test_a_landline_is_recorded_and_the_email_goes_instead(world):
    case = open_case(
        world.a, preferred_contact=SMS, phone="010-65123456", email="zhang@example.com"
    )
    [text] = _texts(world.a)
    assert text.status == "skipped" and "email" in text.error.lower() or "邮件" in text.error
    with tenant_bound(world.a.tenant.id):
        mails = db.session.scalars(
            sa.select(Message.dedupe_key).where(Message.channel == "email")
        ).all()
    assert mails == [f"ack:{case.id}"]
    _run_again(_jobs("sms.receipt")[0].id)
    assert len(_texts(world.a)) == 1  # recorded once


def test_a_landline_without_email_is_recorded_as_nothing_sent(world):
    open_case(world.b, preferred_contact=SMS, phone="010-65123456")
    [text] = _texts(world.b)
    assert text.status == "skipped" and text.error
    with tenant_bound(world.b.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 1


def test_a_note_for_the_complainant_the_dispatch_and_the_result_are_texted(world):
    org = world.a
    with tenant_bound(org.tenant.id):
        tenant = db.session.merge(org.tenant)
        tenant.update_config(dispatch_notice="您的投诉已由{unit}负责办理。")
        db.session.commit()
    case_id = dispatched_case(org, preferred_contact=SMS)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        handler = org.users["ops_li"]
        handling.add_note(case, handler, "我们已联系商户，" + "请耐心等待" * 20, True)
        handling.add_note(case, handler, "内部：不发给投诉人", False)
        handling.record_result(
            case,
            handler,
            "经核实，已退还差价。",
            "",
            finding=Finding.VALID,
            cause_id=next(c for c in catalog.causes(org.tenant) if c.active).id,
            cause_analysis="重复扣款",
        )
        handling.send_result(case, handler)
        db.session.commit()
        unit = case.department.name
        number = case.number
        assert db.session.scalar(sa.select(sa.func.count(Letter.id)).where(Letter.kind == "result"))
    texts = {t.dedupe_key.split(":")[1]: t for t in _texts(org)}
    assert set(texts) == {"receipt", "dispatched", "result", "progress"}
    assert f"您的投诉已由{unit}负责办理。" in texts["dispatched"].body  # HOSP-4, their words
    assert number in texts["result"].body and "/status?number=" in texts["result"].body
    progress = texts["progress"].body
    assert "我们已联系商户" in progress and "内部" not in progress
    assert len(progress) < 130  # the note is shortened; the rest is on the status page
    assert all(t.status == "logged" for t in texts.values())
    # One text's length (70 Chinese characters) apart from the link, with a 12-character sign.
    link = f"http://closeloop.test/t/{org.slug}/status?number={number}"
    assert {k: len(t.body.replace(link, "")) <= 70 for k, t in texts.items()} == dict.fromkeys(
        texts, True
    )


def test_a_second_dispatch_to_the_same_unit_texts_nothing_new(world):
    org = world.a
    case_id = open_case(org, preferred_contact=SMS).id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        ops = org.users["ops_li"]
        dispatch.dispatch_case(case, org.users["super"], ops.department_id, ops.id)
        db.session.commit()
    assert sum(t.dedupe_key.startswith("sms:dispatched:") for t in _texts(org)) == 1


def test_the_revisit_link_is_texted_once_per_revisit(world):
    org = world.a
    case_id = open_case(org).id  # texted whatever the channel: the revisit chose a text
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        for _ in range(2):
            texting.text_revisit(case, "https://closeloop.test/r/abc", key=7)
        db.session.commit()
    [text] = _texts(org)
    assert text.dedupe_key == f"sms:revisit:{case_id}:7"
    assert "https://closeloop.test/r/abc" in text.body and case.number in text.body
    with tenant_bound(org.tenant.id), pytest.raises(ValueError):
        texting.text_revisit(db.session.get(Case, case_id), "javascript:alert(1)", key=8)


def test_a_referral_is_texted_once_with_the_reason_and_the_body(world):
    """CITY-5: the complainant who chose texts learns why and where to turn by text too."""
    org = world.a
    reason = "此事属于房屋租赁合同纠纷，" + "不属本商场的职责范围" * 5
    case_id = open_case(org, "desk", preferred_contact=SMS).id
    quiet_id = open_case(org, "desk", email="z@example.com").id  # by phone: no text
    with tenant_bound(org.tenant.id):
        for cid in (case_id, quiet_id):
            referrals.refer_out(
                db.session.get(Case, cid), org.users["desk"], reason, "区住建局", "12345"
            )
        db.session.commit()
        number = db.session.get(Case, case_id).number
    texts = [t for t in _texts(org) if t.dedupe_key.startswith("sms:referral:")]
    [text] = texts
    assert text.dedupe_key == f"sms:referral:{case_id}" and text.status == "logged"
    assert number in text.body and "区住建局（12345）" in text.body
    assert "此事属于房屋租赁合同纠纷" in text.body and reason not in text.body  # shortened
    assert f"/status?number={number}" in text.body  # the whole reason is on the status page
    [job] = _jobs("sms.referral")
    assert _run_again(job.id) == "ok"
    assert sum(t.dedupe_key.startswith("sms:referral:") for t in _texts(org)) == 1


# --- the tenant's settings ---------------------------------------------------------------


def test_the_key_is_stored_sealed_kept_when_left_empty_and_never_audited(app, world):
    org = world.a
    _use_gateway(org, "https://sms.example.com/send", key="k-secret-123")
    with tenant_bound(org.tenant.id):
        tenant = db.session.merge(org.tenant)
        assert "k-secret-123" not in json.dumps(tenant.settings)
        assert texting.gateway_key(tenant) == "k-secret-123"
        assert secrets.unseal(tenant.config.sms.api_key) == "k-secret-123"
        # Saved again without a key: the stored key stays.
        assert texting.set_gateway(tenant, None, "http", "https://sms.example.com/v2", "星光")
        assert texting.gateway_key(tenant) == "k-secret-123"
        assert not texting.set_gateway(tenant, None, "http", "https://sms.example.com/v2", "星光")
        assert texting.set_gateway(tenant, None, "log", forget_key=True)
        assert tenant.config.sms.api_key == ""
        db.session.commit()
        events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "sms.set"))
        logged = json.dumps([e.changes for e in events])
    assert "k-secret-123" not in logged and "stored" in logged


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("http", ""), "url"),
        (("http", "ftp://sms.example.com"), "url"),
        (("http", "https://"), "url"),
        (("log", "https://ok.example.com", "一二三四五六七八九十一二三"), "sign_name"),
        (("carrier-pigeon",), "provider"),
    ],
)
def test_bad_gateway_settings_are_refused_on_their_field(world, args, field):
    from casework.errors import InvalidInput

    with tenant_bound(world.a.tenant.id):
        tenant = db.session.merge(world.a.tenant)
        with pytest.raises(InvalidInput) as refused:
            texting.set_gateway(tenant, None, *args)
    assert refused.value.field == field


# --- the HTTP gateway, end to end ---------------------------------------------------------


def test_the_gateway_receives_the_text_once(app, world, gateway):
    _use_gateway(world.a, gateway.url)
    case = open_case(world.a, preferred_contact=SMS)
    [request] = gateway.requests
    assert request["path"] == "/send"
    assert request["headers"]["Authorization"] == "Bearer k-secret-123"
    assert request["headers"]["Idempotency-Key"] == f"sms:receipt:{case.id}"
    assert request["headers"]["Content-Type"].startswith("application/json")
    body = request["json"]
    assert body["to"] == "+8613812345678"
    assert body["account"] == "acct-7" and body["sign_name"] == "星光"
    assert body["text"].startswith("【星光】") and case.number in body["text"]
    assert body["reference"] == f"sms:receipt:{case.id}"
    [text] = _texts(world.a)
    assert text.status == "sent" and text.sent_at is not None
    _run_again(_jobs("sms.receipt")[0].id)
    assert len(gateway.requests) == 1  # idempotent: the job ran twice, one text


def test_a_4xx_is_logged_with_its_reason_and_not_retried(world, gateway, caplog, monkeypatch):
    # Alembic's logging set-up, run by the app fixture's upgrade, disables existing loggers.
    monkeypatch.setattr(logging.getLogger("jobs.sms"), "disabled", False)
    gateway.replies.append((400, json.dumps({"message": "签名未报备 (sign name not approved)"})))
    _use_gateway(world.a, gateway.url)
    with caplog.at_level(logging.WARNING, logger="jobs.sms"):
        open_case(world.a, preferred_contact=SMS)
    [text] = _texts(world.a)
    assert text.status == "failed"
    assert text.error == "HTTP 400: 签名未报备 (sign name not approved)"
    assert "sign name not approved" in caplog.text
    [job] = _jobs("sms.receipt")
    assert job.done_at is not None  # refused for good: the job is done, not retried
    _run_again(job.id)
    assert len(gateway.requests) == 1


def test_a_5xx_is_retried_by_the_job_rules_and_sent_once(world, gateway):
    gateway.replies.append((503, "busy"))
    _use_gateway(world.a, gateway.url)
    open_case(world.a, preferred_contact=SMS)
    [text] = _texts(world.a)
    assert text.status == "retry" and "HTTP 503" in text.error
    [job] = _jobs("sms.receipt")
    assert job.done_at is None and "503" in job.last_error  # open: the redrive runs it again
    assert runtime.execute(job.id, reraise=False) == "ok"
    [text] = _texts(world.a)
    assert text.status == "sent" and text.error == ""
    assert len(gateway.requests) == 2
    assert _run_again(job.id) == "ok"
    assert len(gateway.requests) == 2  # sent once, whatever runs after


def test_an_unreachable_gateway_is_retried(world, gateway):
    url = gateway.url
    gateway.close()  # nothing listens there now: refused at once
    _use_gateway(world.a, url)
    open_case(world.a, preferred_contact=SMS)
    [text] = _texts(world.a)
    assert text.status == "retry" and "not reached" in text.error
    assert _jobs("sms.receipt")[0].done_at is None


def test_no_answer_may_have_sent_it_so_it_is_never_sent_again(world, gateway, monkeypatch):
    monkeypatch.setattr(sms, "TIMEOUT", 0.3)
    gateway.delay = 1.0
    _use_gateway(world.a, gateway.url)
    open_case(world.a, preferred_contact=SMS)
    [text] = _texts(world.a)
    assert text.status == "unknown" and "no answer" in text.error
    job = _jobs("sms.receipt")[0]
    assert job.done_at is not None
    _run_again(job.id)
    assert len(gateway.requests) == 1


def test_a_redirect_is_a_refusal_not_a_resend(world, gateway):
    gateway.replies.append((302, ""))
    _use_gateway(world.a, gateway.url)
    open_case(world.a, preferred_contact=SMS)
    [text] = _texts(world.a)
    assert text.status == "failed" and "HTTP 302" in text.error
    assert len(gateway.requests) == 1


def test_the_test_text_goes_through_the_gateway(world, gateway):
    _use_gateway(world.a, gateway.url)
    with tenant_bound(world.a.tenant.id):
        texting.ask_test("139 0000 1111")
        db.session.commit()
        last = sms.last_test()
    assert last.status == "sent" and last.to == "+8613900001111"
    assert gateway.requests[0]["json"]["to"] == "+8613900001111"
    assert last.case_id is None


def test_a_failed_test_text_says_why_and_is_not_retried(world, gateway):
    gateway.replies.append((503, json.dumps({"error": "quota exhausted"})))
    _use_gateway(world.a, gateway.url)
    with tenant_bound(world.a.tenant.id):
        texting.ask_test("13900001111")
        db.session.commit()
        last = sms.last_test()
    assert last.status == "failed" and "quota exhausted" in last.error
    assert _jobs("sms.test")[0].done_at is not None


# --- through Redis and a worker, as in production (tests/jobs/test_redis_queue.py) ---------

production = pytest.fixture(test_redis_queue.rq_mode.__wrapped__, name="production")


@pytest.mark.redis
def test_redis_down_delays_the_text_and_duplicates_send_it_once(
    app, world, production, redis_server, gateway
):
    _use_gateway(world.a, gateway.url)
    app.config["REDIS_URL"] = DEAD_REDIS
    case = open_case(world.a, preferred_contact=SMS)  # accepted all the same
    [pending] = _jobs("sms.receipt")
    assert pending.done_at is None and gateway.requests == []
    _age(pending.id)
    _age(_jobs("letters.acknowledge")[0].id)
    assert handover.redrive() == 0  # Redis still down: the text waits
    app.config["REDIS_URL"] = redis_server.url  # Redis is back
    assert handover.redrive() == 2  # the letter's job and the text's
    # The same job enqueued again (a sweep racing a slow worker).
    queues.queue().enqueue(runtime.run_pending, pending.id)
    _work(app)
    assert _jobs("sms.receipt")[0].done_at is not None
    assert [r["json"]["reference"] for r in gateway.requests] == [f"sms:receipt:{case.id}"]
    _run_again(pending.id)
    assert len(gateway.requests) == 1


@pytest.mark.redis
def test_a_gateway_error_is_retried_by_rq_and_sent_once(app, world, production, gateway):
    gateway.replies.append((502, "bad gateway"))
    _use_gateway(world.a, gateway.url)
    open_case(world.a, preferred_contact=SMS)
    _work(app)  # the first attempt fails; RQ schedules its retry
    [text] = _texts(world.a)
    assert text.status == "retry"
    [pending] = _jobs("sms.receipt")
    assert pending.done_at is None
    # RQ's retry comes due: run the job as its scheduler would hand it back.
    queues.queue().enqueue(runtime.run_pending, pending.id)
    _work(app)
    [text] = _texts(world.a)
    assert text.status == "sent"
    assert len(gateway.requests) == 2
