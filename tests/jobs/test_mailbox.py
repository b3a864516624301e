"""Mail to the tenant's mailbox becomes cases, end to end against a real IMAP server.

A private dovecot (tests/dovecot.py) holds the mail; the test APPENDs it over IMAP and
runs the scheduled reader (:func:`jobs.inbound.poll`) as the clock would. Nothing here is a
mock of IMAP: the UIDs, UIDVALIDITY, INTERNALDATE and TLS are dovecot's.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
import sqlalchemy as sa

from casework import mailboxes
from casework.models import Attachment, Case, CaseEvent, Deadline, InboundMail, Mailbox
from casework.models.inbound import MailOutcome
from casework.operations import mail as mail_ops
from casework.states import Channel, EventKind, Stage, Status
from jobs import inbound, schedule
from tenants.db import db, tenant_bound, utcnow

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def inbox(app, world, dovecot_server, monkeypatch):
    """Tenant A's mailbox on a fresh dovecot account, enabled, verified against our CA."""
    monkeypatch.setitem(app.config, "MAILBOX_CA_FILE", str(dovecot_server.cert))
    user, password = dovecot_server.add_user()
    org = world.a
    with tenant_bound(org.tenant.id):
        mailboxes.configure(
            org.tenant,
            org.users["admin"],
            mailboxes.MailboxSettings(
                host="127.0.0.1",
                port=dovecot_server.imaps_port,
                tls=True,
                username=user,
                password=password,
                folder="INBOX",
                enabled=True,
            ),
        )
        db.session.commit()

    class Inbox:
        def __init__(self) -> None:
            self.org, self.user, self.password = org, user, password

        def append(self, raw: bytes | EmailMessage, arrived: dt.datetime | None = None) -> None:
            data = raw.as_bytes() if isinstance(raw, EmailMessage) else raw
            dovecot_server.append(user, password, data, arrived)

        def read(self) -> int:
            read = inbound.poll()
            db.session.rollback()  # see what the reader committed
            return read

        def cases(self) -> list[Case]:
            with tenant_bound(org.tenant.id):
                return list(db.session.scalars(sa.select(Case).order_by(Case.id)))

        def mails(self) -> list[InboundMail]:
            with tenant_bound(org.tenant.id):
                return list(db.session.scalars(sa.select(InboundMail).order_by(InboundMail.id)))

        def box(self) -> Mailbox:
            with tenant_bound(org.tenant.id):
                return db.session.scalars(sa.select(Mailbox)).one()

    return Inbox()


def mail(
    subject: str = "超市收银多收钱",
    text: str | None = "昨天在二楼收银台多收了 60 元。",
    sender: str | None = "王芳 <wang.fang@example.com>",
    files: list[tuple[str, bytes, str]] = (),
    html: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    if sender is not None:
        msg["From"] = sender
    msg["To"] = "complaints@alpha.test"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="example.com")
    if text is not None:
        msg.set_content(text)
    if html is not None:
        if text is None:
            msg.set_content(html, subtype="html")
        else:
            msg.add_alternative(html, subtype="html")
    for name, data, mime in files:
        maintype, subtype = mime.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def _events(case: Case, kind: EventKind) -> list[CaseEvent]:
    with tenant_bound(case.tenant_id):
        return list(
            db.session.scalars(
                sa.select(CaseEvent)
                .where(CaseEvent.case_id == case.id, CaseEvent.kind == kind)
                .order_by(CaseEvent.id)
            )
        )


def test_a_new_mail_becomes_a_case_with_its_attachment(inbox):
    arrived = (utcnow() - dt.timedelta(hours=3)).replace(microsecond=0)
    inbox.append(
        mail(files=[("小票.png", PNG, "image/png")]), arrived=arrived.replace(tzinfo=dt.UTC)
    )

    assert inbox.read() == 1

    [case] = inbox.cases()
    assert case.channel is Channel.EMAIL
    assert case.status is Status.RECEIVED  # numbered, waiting for a clerk to accept it
    assert case.complainant_name == "王芳"
    assert case.complainant_email == "wang.fang@example.com"
    assert case.description.startswith("超市收银多收钱\n\n昨天在二楼收银台多收了 60 元。")
    # The acceptance limit (CO-2) runs from the mail's arrival at the server, not the read.
    assert case.received_at == arrived
    with tenant_bound(case.tenant_id):
        acceptance = db.session.scalars(
            sa.select(Deadline).where(
                Deadline.case_id == case.id, Deadline.stage == Stage.ACCEPTANCE
            )
        ).one()
        [stored] = db.session.scalars(sa.select(Attachment).where(Attachment.case_id == case.id))
    assert acceptance.started_at == arrived and acceptance.done_at is None  # still running
    assert stored.content_type == "image/png" and stored.filename == "小票.png"
    assert bytes(stored.data) == PNG
    [taken] = inbox.mails()
    assert (taken.outcome, taken.case_id) == (MailOutcome.OPENED, case.id)
    box = inbox.box()
    assert box.last_uid == taken.uid and box.uidvalidity == taken.uidvalidity
    assert box.last_error == "" and box.polled_at is not None


def test_the_schedule_reads_the_mailbox():
    assert ("fetch-mailboxes", 60, inbound.poll) in schedule.SCHEDULE


def test_reading_twice_or_a_redelivered_mail_opens_one_case(inbox):
    first = mail()
    inbox.append(first)
    assert inbox.read() == 1
    assert inbox.read() == 0  # nothing new
    inbox.append(first)  # the same mail delivered again, at a new UID
    inbox.read()
    assert len(inbox.cases()) == 1
    assert len(inbox.mails()) == 1
    assert inbox.box().last_uid == 2  # moved past the copy all the same


def test_a_renumbered_folder_is_read_again_without_a_second_case(inbox):
    inbox.append(mail(subject="一", text=""))
    inbox.append(mail(subject="二", text=""))
    inbox.read()
    with tenant_bound(inbox.org.tenant.id):
        box = db.session.scalars(sa.select(Mailbox)).one()
        real = box.uidvalidity
        box.uidvalidity, box.last_uid = real - 1, 0  # as if the server had renumbered
        db.session.commit()
    inbox.read()
    assert [c.description for c in inbox.cases()] == ["一", "二"]
    assert inbox.box().uidvalidity == real and inbox.box().last_uid == 2


def test_a_reply_carrying_the_case_number_lands_on_that_case(inbox):
    inbox.append(mail())
    inbox.read()
    [case] = inbox.cases()
    inbox.append(
        mail(
            subject=f"Re: 您的投诉已受理 {case.number}",
            text=f"补充一下:收银员工号 0815。\n\n> 受理编号 {case.number}\n> 原邮件",
            sender="Wang Fang <Wang.Fang@example.com>",
            files=[("第二张.png", PNG, "image/png")],
        )
    )
    # Someone else quoting the number opens a case of their own.
    inbox.append(mail(subject=f"关于 {case.number}", sender="li@example.com"))
    inbox.read()

    cases = inbox.cases()
    assert len(cases) == 2 and cases[1].complainant_email == "li@example.com"
    [added] = _events(case, EventKind.COMPLAINANT_ADDED)
    assert added.body == "补充一下:收银员工号 0815。"  # without the quoted mail
    assert added.public and added.changes["attachment"] == "第二张.png"
    assert [m.outcome for m in inbox.mails()] == [
        MailOutcome.OPENED,
        MailOutcome.ADDED,
        MailOutcome.OPENED,
    ]
    assert inbox.mails()[1].case_id == case.id


class Killed(BaseException):
    """The process dying: no handler of the reader catches it."""


def test_a_reader_that_dies_after_the_first_of_three_resumes_with_the_others(inbox, monkeypatch):
    for n in ("一", "二", "三"):
        inbox.append(mail(subject=f"第{n}封", text=""))
    real_advance = inbound._advance

    def die_after_commit(box, uid):
        raise Killed  # the first mail's case and "taken" row are committed; the UID is not

    monkeypatch.setattr(inbound, "_advance", die_after_commit)
    with pytest.raises(Killed):
        inbox.read()
    assert len(inbox.cases()) == 1 and inbox.box().last_uid == 0

    monkeypatch.setattr(inbound, "_advance", real_advance)
    inbox.read()
    assert [c.description for c in inbox.cases()] == ["第一封", "第二封", "第三封"]
    assert [m.uid for m in inbox.mails()] == [1, 2, 3]
    assert inbox.box().last_uid == 3


def test_a_reader_that_dies_inside_the_second_mail_loses_nothing(inbox, monkeypatch):
    for n in ("一", "二", "三"):
        inbox.append(mail(subject=f"第{n}封", text=""))
    real_take, calls = mail_ops.take, []

    def take(tenant, m):
        calls.append(m.subject)
        if len(calls) == 2:
            raise Killed  # mid-way through the second: nothing of it committed
        return real_take(tenant, m)

    monkeypatch.setattr(mail_ops, "take", take)
    with pytest.raises(Killed):
        inbox.read()
    db.session.rollback()
    assert len(inbox.cases()) == 1 and inbox.box().last_uid == 1

    monkeypatch.setattr(mail_ops, "take", real_take)
    inbox.read()
    assert [c.description for c in inbox.cases()] == ["第一封", "第二封", "第三封"]


def test_a_50_mb_mail_is_skipped_with_its_reason_and_the_mailbox_moves_on(inbox, monkeypatch):
    big = mail(
        subject="大附件",
        files=[("huge.pdf", b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024), "application/pdf")],
    )
    inbox.append(big)
    inbox.append(mail(subject="之后的邮件", text=""))
    fetched = []
    real_fetch = inbound.imap.Session.fetch

    def fetch(self, uid, header_only=False):
        fetched.append((uid, header_only))
        return real_fetch(self, uid, header_only)

    monkeypatch.setattr(inbound.imap.Session, "fetch", fetch)
    inbox.read()
    inbox.read()

    [case] = inbox.cases()
    assert case.description == "之后的邮件"
    skipped, taken = inbox.mails()
    assert skipped.outcome is MailOutcome.SKIPPED and skipped.case_id is None
    assert "MB" in skipped.reason and skipped.size > 50 * 1024 * 1024
    assert skipped.subject == "大附件" and skipped.sender == "wang.fang@example.com"
    assert taken.outcome is MailOutcome.OPENED
    assert fetched == [(1, True), (2, False)]  # the big one's header only, and only once


def test_forty_attachments_keep_the_first_ten_and_name_the_rest(inbox):
    files = [(f"photo{n:02d}.png", PNG, "image/png") for n in range(40)]
    inbox.append(mail(files=files))
    inbox.read()
    [case] = inbox.cases()
    with tenant_bound(case.tenant_id):
        names = db.session.scalars(
            sa.select(Attachment.filename)
            .where(Attachment.case_id == case.id)
            .order_by(Attachment.id)
        ).all()
    assert names == [f"photo{n:02d}.png" for n in range(mail_ops.MAX_FILES)]
    [note] = _events(case, EventKind.NOTE)
    assert not note.public
    assert "photo10.png" in note.body and "photo39.png" in note.body
    assert "photo09.png" not in note.body


def test_a_refused_attachment_is_named_in_the_history_and_the_case_opens(inbox):
    inbox.append(mail(files=[("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")]))
    inbox.read()
    [case] = inbox.cases()
    [note] = _events(case, EventKind.NOTE)
    assert "invoice.pdf" in note.body


def test_malformed_mime_is_read_as_far_as_it_goes(inbox):
    broken = (
        b"From: =?utf-8?b?5byg5LyfXX?= <zhang@example.com>\r\n"
        b"Subject: =?gb2312?B?zbbL3w==?=\r\n"
        b"Message-ID: <broken-1@example.com>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="nothere"\r\n\r\n'
        b"--elsewhere\r\nContent-Type: text/plain; charset=no-such-charset\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n@@@not base64@@@\r\n"
    )
    garbage = b"\x00\xff\xfe not a mail at all \r\n\r\n\x00\x00"
    inbox.append(broken)
    inbox.append(garbage)
    inbox.append(mail(subject="好邮件"))
    inbox.read()
    mails = inbox.mails()
    assert len(mails) == 3  # each one recorded: taken or skipped with its reason
    assert mails[2].outcome is MailOutcome.OPENED
    assert all(m.outcome is MailOutcome.OPENED or m.reason for m in mails)
    assert inbox.box().last_uid == 3
    inbox.read()
    assert len(inbox.mails()) == 3


def test_a_mail_without_a_sender_is_skipped_and_recorded(inbox):
    inbox.append(mail(sender=None, subject="匿名"))
    inbox.append(mail(sender="undisclosed-recipients:;", subject="也没有"))
    # An unknown sender: a name without an address, an empty address, one past the column.
    inbox.append(mail(sender="王芳", subject="只有名字"))
    inbox.append(mail(sender="<>", subject="空地址"))
    inbox.append(mail(sender=f"x@{'a' * 200}.example.com", subject="太长"))
    inbox.read()
    assert inbox.cases() == []
    first, *others = inbox.mails()
    assert first.outcome is MailOutcome.SKIPPED and first.subject == "匿名"
    assert "sender" in first.reason or "发件" in first.reason
    assert [m.outcome for m in others] == [MailOutcome.SKIPPED] * 4
    assert all(m.reason == first.reason for m in others)  # said why, each of them
    assert inbox.box().last_uid == 5  # and the mailbox moved past them


def test_an_empty_mail_is_skipped_and_a_subject_alone_is_enough(inbox):
    inbox.append(mail(subject="", text=""))
    inbox.append(mail(subject="只有标题", text=""))
    inbox.append(mail(subject="", text=None, files=[("x.png", PNG, "image/png")]))
    inbox.read()
    empty, subject_only, files_only = inbox.mails()
    assert empty.outcome is MailOutcome.SKIPPED and empty.reason
    assert subject_only.outcome is MailOutcome.OPENED
    assert files_only.outcome is MailOutcome.OPENED
    descriptions = [c.description for c in inbox.cases()]
    assert descriptions[0] == "只有标题"
    assert descriptions[1]  # a sentence saying the mail had no text


def test_an_html_only_mail_becomes_text(inbox):
    html = (
        "<html><head><style>p{color:red}</style><script>alert('x')</script></head>"
        "<body><p>电梯<b>坏了</b>三天</p><div>请尽快&amp;修理</div></body></html>"
    )
    inbox.append(mail(text=None, html=html, subject="电梯"))
    inbox.read()
    [case] = inbox.cases()
    assert case.description == "电梯\n\n电梯坏了三天\n\n请尽快&修理"


def test_a_wrong_password_is_reported_and_nothing_breaks(inbox):
    with tenant_bound(inbox.org.tenant.id):
        box = db.session.scalars(sa.select(Mailbox)).one()
        box.password_sealed = mailboxes.secrets.seal("wrong")
        db.session.commit()
    inbox.append(mail())
    assert inbox.read() == 0
    assert inbox.cases() == []
    assert inbox.box().last_error  # shown on the mailbox page
