"""What the complainant sees is what was meant for them (issue 8, item 6).

Every kind of history entry is listed with what of it reaches the public status page; the
letters and the emails are listed field by field. A case is then worked through every action
with staff text that must stay internal, and none of it may reach the complainant.
"""

from __future__ import annotations

import datetime as dt
import pathlib

import sqlalchemy as sa

from casework import catalog, queries
from casework.letters import acknowledgement_context
from casework.models import Case, CaseEvent, Message
from casework.operations import (
    complainant,
    confidentiality,
    dispatch,
    extensions,
    feedback,
    handling,
    investigation,
    oversight,
    plans,
    rectification,
    repeats,
    returns,
    revisit_questions,
    revisits,
    site,
    teaching,
    watches,
)
from casework.states import (
    TEXT_FOR_THE_COMPLAINANT,
    CallOutcome,
    ContactMethod,
    EventKind,
    Occasion,
)
from tenants.db import db, tenant_bound, utcnow
from tests.conftest import open_case

HIDDEN, LABEL, TEXT = "hidden", "label only", "label and text"
# What the public status page shows of each kind of entry.
STATUS_PAGE = {
    EventKind.RECEIVED: HIDDEN,  # a mail nobody accepted yet: nothing said to the sender
    EventKind.ACCEPTED: LABEL,
    EventKind.DECLINED: HIDDEN,  # no complaint: the staff's reason stays theirs
    EventKind.DISPATCHED: LABEL,  # that it was dispatched, and to which unit; the instructions
    # stay internal
    EventKind.TAKEN: HIDDEN,
    EventKind.STARTED: LABEL,
    EventKind.NOTE: TEXT,  # only a note marked public when it was written
    EventKind.CONTACT: HIDDEN,
    EventKind.RESULT: HIDDEN,  # recorded, not yet sent
    EventKind.RESULT_SENT: TEXT,  # the result and remedy, written to be sent
    EventKind.REVISIT: HIDDEN,
    EventKind.CLOSED: LABEL,
    EventKind.EXTENSION_REQUESTED: HIDDEN,
    EventKind.EXTENDED: LABEL,  # the new date, not the reason given to the approver
    EventKind.EXTENSION_REFUSED: HIDDEN,
    EventKind.URGED: HIDDEN,
    EventKind.SUPERVISED: HIDDEN,
    EventKind.PAUSED: LABEL,  # that the clocks stopped, not the staff's reason
    EventKind.RESUMED: LABEL,
    EventKind.MARKED_REPEAT: HIDDEN,
    EventKind.SPECIAL_MEASURES: HIDDEN,
    EventKind.RECTIFICATION_ORDERED: HIDDEN,
    EventKind.RECTIFIED: HIDDEN,
    EventKind.COMPLAINANT_ADDED: TEXT,  # the complainant's own words, shown back to them
    EventKind.PLAN_DRAFTED: HIDDEN,
    EventKind.PLAN_SUBMITTED: HIDDEN,
    EventKind.PLAN_APPROVED: HIDDEN,
    EventKind.PLAN_RETURNED: HIDDEN,
    EventKind.REFERRED_UP: HIDDEN,
    EventKind.EXPLAINED: HIDDEN,  # what staff explained and the claim: their record
    EventKind.REOPENED: LABEL,
    EventKind.TEACHING: HIDDEN,
    EventKind.RESTRICTED: HIDDEN,
    EventKind.RESTRICTION_LIFTED: HIDDEN,
    EventKind.ASSIST_ASKED: HIDDEN,
    EventKind.ASSIST_ANSWERED: HIDDEN,
    EventKind.ASSIST_WITHDRAWN: HIDDEN,
    EventKind.MEMBER_ADDED: HIDDEN,
    EventKind.MEMBER_REMOVED: HIDDEN,
    EventKind.EVIDENCE_ADDED: HIDDEN,
    EventKind.RETURNED: HIDDEN,  # 退单: the unit's basis is the staff's; the case just waits
    EventKind.ARRIVED: LABEL,  # 到达现场: that the handler reached the scene, not their note
    # 当场答复: the answer given during the call, which the complainant heard (CITY-3).
    EventKind.ANSWERED_AT_ONCE: TEXT,
    EventKind.REPEAT_CONTACT: HIDDEN,  # what a caller said again is the staff's record
    EventKind.MERGED: LABEL,  # that the case goes on as another; the reason stays internal
    EventKind.MERGED_IN: HIDDEN,
    # Out of scope (CITY-5): the reason and the body to turn to are written for the
    # complainant; a return to the forwarding office shows only that it went back.
    EventKind.REFERRED_OUT: TEXT,
    EventKind.RETURNED_UPSTREAM: LABEL,
    # Revisits (issue 12): the plan, each attempt, a booked visit and a question for
    # management are the staff's working record; the person took part in them already.
    EventKind.REVISIT_PLANNED: HIDDEN,
    EventKind.REVISIT_CALL: HIDDEN,
    EventKind.REVISIT_UNREACHABLE: HIDDEN,
    EventKind.REVISIT_SCHEDULED: HIDDEN,
    EventKind.REVISIT_QUESTION: HIDDEN,
    EventKind.QUESTION_ANSWERED: HIDDEN,
    # A watch of a repair (PROP-11) is staff work: its inspector, findings and notes.
    EventKind.WATCH_STARTED: HIDDEN,
    EventKind.WATCH_INSPECTED: HIDDEN,
    EventKind.WATCH_CLOSED: HIDDEN,
    EventKind.REVISIT_LINK_SENT: HIDDEN,
    EventKind.SERVICE_RECORDED: HIDDEN,
}
# Each closes its case before a result: they are worked on cases of their own
# (test_out_of_scope_text_reaches_only_whom_it_is_for).
OUT_OF_SCOPE = {EventKind.REFERRED_OUT, EventKind.RETURNED_UPSTREAM}
# Kinds a case worked through the actions never has: it was answered at intake instead
# (tests/web/test_phone_intake.py shows its answer on the status page).
NOT_IN_THE_WALK = {EventKind.ANSWERED_AT_ONCE} | OUT_OF_SCOPE
# A mail waits for acceptance before it is accepted or declined: worked on mails of their own
# (test_a_mail_waiting_for_acceptance_says_nothing_until_accepted).
WAITING = {EventKind.RECEIVED, EventKind.DECLINED}
NOT_IN_THE_WALK |= WAITING
# A service record (a work order done) is a case of its own kind
# (tests/casework/test_services.py); the questionnaire's link goes out for a revisit by mail,
# worked on a case of its own (test_the_questionnaire_mail_carries_no_staff_text).
NOT_IN_THE_WALK |= {EventKind.SERVICE_RECORDED, EventKind.REVISIT_LINK_SENT}
# What the acknowledgement letter prints, by where each value comes from.
COMPLAINANT, ORGANISATION, CASE = "the complainant's own words", "the organisation", "the case"
LETTER = {
    "tenant_name": ORGANISATION,
    "letterhead": ORGANISATION,
    "logo_svg": ORGANISATION,
    "primary_color": ORGANISATION,
    "title": ORGANISATION,
    "opening": ORGANISATION,
    "closing": ORGANISATION,
    "number": CASE,
    "access_code": CASE,
    "accepted_at": CASE,
    "accepted_by": CASE,  # the accepting staff member's name and contact (CO-2)
    "accepted_contact": CASE,
    "complainant": COMPLAINANT,
    "category": ORGANISATION,
    "channel": CASE,
    "location": COMPLAINANT,
    "summary": COMPLAINANT,
    "reply_due": CASE,
    "status_url": CASE,
    "locale": ORGANISATION,
}
# Who each email template is written to, and the case text it prints.
EMAILS = {
    "acknowledgement.txt": ("complainant", "number, access code, reply date"),
    "result.txt": ("complainant", "the result and remedy, written to be sent"),
    "extension.txt": ("complainant", "the new reply date"),
    "alert.txt": ("staff", "summary, due time"),
    "alert_subject.txt": ("staff", "number"),
    "oversight.txt": ("staff", "the supervisor's note, summary"),
    "improvement.txt": ("staff", "the improvement action's title, its due day"),
    "password_link.txt": ("staff", "the link to set a password"),
    "progress.txt": ("complainant", "a note written for the complainant, the status link"),
    "dispatched.txt": ("complainant", "the unit that handles it, the status link"),
    "referral.txt": ("complainant", "why it is outside the remit, the body to turn to"),
    "revisit_link.txt": ("complainant", "number, the questionnaire's links, how long they work"),
    "summary_report.txt": ("staff", "the organisation and the period; the PDF holds figures only"),
}
EMAIL_DIR = pathlib.Path(__file__).resolve().parents[2] / "templates" / "emails"

# Staff text written at each step; none of it may reach the complainant.
STAFF = {
    "return": "内部退单依据:此事属物业公司职责",
    "dispatch": "内部派单说明:收银员王某有前科",
    "note": "内部调查记录:监控显示店员推搡",
    "contact": "内部联系记录:投诉人情绪激动",
    "extension": "内部延期理由:经理出差",
    "refusal": "内部驳回意见:理由不充分",
    "urge": "内部催办:请今天处理",
    "supervise": "内部督办:主管关注",
    "pause": "内部暂停原因:等法务意见",
    "repeat": "内部重复说明:同一店铺",
    "measures": "内部特别措施:约谈店长",
    "rectify": "内部整改要求:收银培训",
    "rectified": "内部整改报告:已培训",
    "revisit": "内部回访记录:未接通",
    "plan": "内部处理方案:扣店员绩效",
    "plan_note": "内部方案说明:店长同意",
    "plan_return": "内部退回意见:金额过高",
    "proposal": "内部上报建议:由经理出面",
    "explanation": "内部解释记录:已说明退款规则",
    "claim": "内部诉求记录:要求三倍赔偿",
    "lesson": "内部教学要点:收银须唱收唱付",
    "restrict": "内部敏感理由:涉及医疗纠纷",
    "lift": "内部解除理由:已核实不涉纠纷",
    "assist": "内部协办要求:调取收银记录",
    "assist_answer": "内部协办答复:记录显示重复扣款",
    "not_waiting": "内部未等协办理由:事实已清楚",
    "evidence": "内部取证:店员书面说明",
    "arrival": "内部现场记录:店长不在",
    "repeat_contact": "内部重复来电:扶梯又坏了",
    "merge": "内部合并理由:同一部扶梯",
    "wrong_number": "内部回访记录:号码错误",
    "visit_address": "内部上门地址:幸福里 3 栋",
    "question": "内部回访问题:能否减免物业费",
    "answer": "内部管理答复:按规定不能减免",
    "watch": "内部跟踪:屋面防水返修观察",
    "inspection": "内部检查:墙角仍有水印",
    "watch_closed": "内部结束跟踪:雨季无渗漏",
}
# Text written for the complainant.
PUBLIC = {
    "note": "已调取监控,正在核实",
    "result": "已退还差价 60 元",
    "remedy": "赠送停车券",
    "addition": "补充:小票照片已找到",  # the complainant's own addition
}


def test_every_kind_of_entry_is_listed():
    assert set(STATUS_PAGE) == set(EventKind)
    assert {k for k, v in STATUS_PAGE.items() if v == TEXT} == TEXT_FOR_THE_COMPLAINANT
    assert {p.name for p in EMAIL_DIR.iterdir()} == set(EMAILS)


def _work_through_every_action(org) -> int:
    """A case worked from intake to closed, every action taken, staff text everywhere."""
    u = org.users
    earlier = open_case(org)
    duplicate, survivor = open_case(org), open_case(org)
    case_id = open_case(org, email="zhang@example.com").id
    ops = u["ops_li"].department_id
    with tenant_bound(org.tenant.id):
        c = db.session.get(Case, case_id)
        kind = c.category
        catalog.edit_category(
            org.tenant, u["admin"], kind.id, kind.name, kind.department_id, "normal", True
        )
        dispatch.dispatch_case(c, u["desk"], ops, None, STAFF["dispatch"])
        dispatch.take_case(c, u["ops_li"])
        returns.return_case(c, u["ops_li"], STAFF["return"])  # 退单, then routed again
        dispatch.dispatch_case(c, u["desk"], ops, None, STAFF["dispatch"])
        dispatch.take_case(c, u["ops_li"])
        site.record_arrival(c, u["ops_li"], STAFF["arrival"])  # its category needs field work
        handling.add_note(c, u["ops_li"], STAFF["note"])
        handling.add_note(c, u["ops_li"], PUBLIC["note"], public=True)
        handling.record_contact(c, u["ops_li"], "phone", STAFF["contact"])
        complainant.add_information(c, PUBLIC["addition"])
        extensions.request_extension(c, u["ops_li"], 2, STAFF["extension"])
        extensions.decide_extension(c, u["ops_head"], False, STAFF["refusal"])
        extensions.request_extension(c, u["ops_li"], 2, STAFF["extension"])
        extensions.decide_extension(c, u["ops_head"], True, STAFF["refusal"])
        oversight.urge_case(c, u["super"], STAFF["urge"])
        oversight.supervise_case(c, u["super"], STAFF["supervise"])
        extensions.pause_case(c, u["ops_li"], STAFF["pause"])
        extensions.resume_case(c, u["ops_li"])
        repeats.mark_repeat(c, u["ops_li"], earlier.number, True, STAFF["repeat"])
        repeats.record_special_measures(c, u["ops_li"], STAFF["measures"])
        merged = db.session.get(Case, duplicate.id)  # a third case merged into this one
        repeats.merge_case(merged, u["desk"], c.number, STAFF["merge"])
        rectification.order_rectification(c, u["ops_head"], ops, STAFF["rectify"])
        rectification.complete_rectification(c, u["ops_li"], STAFF["rectified"])
        cs = u["cs_zhou"].department_id
        investigation.ask_assist(c, u["ops_li"], cs, STAFF["assist"])
        investigation.answer_assist(c, u["cs_zhou"], STAFF["assist_answer"])
        investigation.ask_assist(c, u["ops_li"], cs, STAFF["assist"])  # withdrawn below
        investigation.add_member(c, u["ops_li"], u["cs_zhou"].id)
        investigation.add_evidence(c, u["cs_zhou"], STAFF["evidence"])
        investigation.remove_member(c, u["ops_li"], u["cs_zhou"].id)
        plans.draft_plan(c, u["ops_li"], STAFF["plan"], note=STAFF["plan_note"])
        plans.submit_plan(c, u["ops_li"])
        plans.decide_plan(c, u["ops_head"], False, STAFF["plan_return"])
        plans.draft_plan(c, u["ops_li"], STAFF["plan"])
        plans.submit_plan(c, u["ops_li"])
        plans.decide_plan(c, u["ops_head"], True, STAFF["plan_return"])
        plans.refer_up(c, u["ops_li"], u["ops_head"].id, STAFF["proposal"])
        handling.record_result(
            c,
            u["ops_head"],
            PUBLIC["result"],
            PUBLIC["remedy"],
            not_waiting_reason=STAFF["not_waiting"],
        )
        handling.send_result(c, u["ops_head"])
        feedback.record_not_satisfied(c, u["desk"], STAFF["explanation"], STAFF["claim"], "reopen")
        handling.record_result(c, u["ops_head"], PUBLIC["result"], PUBLIC["remedy"])
        handling.send_result(c, u["ops_head"])
        teaching.mark_teaching(c, u["super"], True, STAFF["lesson"])
        confidentiality.restrict_case(c, u["super"], STAFF["restrict"])
        confidentiality.lift_restriction(c, u["super"], STAFF["lift"])
        revisits.record_revisit(c, u["desk"], "phone", False, None, STAFF["revisit"])
        planned = queries.open_revisit(c)
        soon = utcnow() + dt.timedelta(days=1)
        revisits.schedule_visit(planned, u["desk"], soon, STAFF["visit_address"], None)
        revisit_questions.ask_management(planned, u["desk"], STAFF["question"], soon.date())
        revisit_questions.answer_question(planned, u["super"], STAFF["answer"])
        # A second revisit planned by hand, whose number turns out wrong: it ends alone.
        extra = revisits.plan(c, Occasion.AFTER_HANDLING, soon, soon, ContactMethod.PHONE)
        db.session.flush()
        revisits.record_call(extra, u["desk"], CallOutcome.WRONG_NUMBER, STAFF["wrong_number"])
        revisits.record_revisit(c, u["desk"], "phone", True, 4, STAFF["revisit"])
        # A watch of the repair (PROP-11): started, inspected, closed.
        watch = watches.start_watch(c, u["super"], u["ops_li"], 30, STAFF["watch"])
        watches.record_inspection(
            watch, u["ops_li"], soon.date() - dt.timedelta(days=1), "signs", STAFF["inspection"]
        )
        watches.close_watch(watch, u["super"], STAFF["watch_closed"])
        db.session.commit()  # the result's mail goes out before the case moves on
        # A call saying the defect is back (it reopens), and this case merged into another.
        repeats.add_repeat_contact(c, u["desk"], "phone", STAFF["repeat_contact"], defect=True)
        repeats.merge_case(c, u["desk"], survivor.number, STAFF["merge"])
        db.session.commit()
        kinds = set(db.session.scalars(sa.select(CaseEvent.kind).where(CaseEvent.case_id == c.id)))
    walked = set(EventKind) - NOT_IN_THE_WALK
    assert kinds == walked, walked - kinds  # every kind of entry was made
    return case_id


def test_staff_text_never_reaches_the_complainant(client, world):
    org = world.a
    case_id = _work_through_every_action(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        number, code = case.number, case.access_code
        letter = acknowledgement_context(org.tenant, case, "http://closeloop.test")
        mails = db.session.scalars(
            sa.select(Message).where(Message.to == "zhang@example.com")
        ).all()
        shown = {
            ev.kind: bool(ev.public_text)
            for ev in db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case_id))
            if ev.public
        }

    # The status page, as the complainant opens it.
    client.post(f"/t/{org.slug}/status", data={"number": number, "factor": code})
    page = client.get(f"/t/{org.slug}/status/{number}").text
    assert number in page
    # The letter prints only fields listed above, the emails go out as listed.
    assert set(letter) == set(LETTER)
    letter_text = " ".join(str(v) for v in letter.values())
    assert {m.dedupe_key.split(":")[0] for m in mails} == {
        "ack",
        "dispatched",
        "extension",
        "progress",
        "result",
    }
    mail_text = " ".join(m.subject + m.body for m in mails)

    for where, text in (("status page", page), ("letter", letter_text), ("emails", mail_text)):
        leaked = [k for k, v in STAFF.items() if v in text]
        assert leaked == [], f"staff text on the {where}: {leaked}"
    # What was written for the complainant does reach them.
    for text in PUBLIC.values():
        assert text in page
    assert PUBLIC["result"] in mail_text and PUBLIC["remedy"] in mail_text
    # Each kind shows on the public page exactly as listed.
    for kind, how in STATUS_PAGE.items():
        if kind in NOT_IN_THE_WALK:
            continue
        expected = {HIDDEN: None, LABEL: False, TEXT: True}[how]
        assert shown.get(kind) == expected, kind


def test_out_of_scope_text_reaches_only_whom_it_is_for(client, world):
    """Refer out (the complainant reads why and where to turn) and return to the forwarding
    office (the staff's reason stays theirs), each on its own case (CITY-5)."""
    from casework.operations import referrals

    org = world.a
    reason, body = "此事属房屋租赁纠纷,不属本商场职责", "区住房和城乡建设局"
    staff_reason = "内部退回理由:热线派错单位"
    referred = open_case(org, "desk", email="zhang@example.com")
    returned = open_case(org, "desk", forwarded_by="市12345热线", forwarded_ref="GD1")
    with tenant_bound(org.tenant.id):
        referrals.refer_out(db.session.get(Case, referred.id), org.users["desk"], reason, body)
        referrals.return_upstream(
            db.session.get(Case, returned.id), org.users["desk"], staff_reason, "区住建局"
        )
        db.session.commit()
        mails = db.session.scalars(
            sa.select(Message).where(Message.case_id.in_([referred.id, returned.id]))
        ).all()
    pages = {}
    for case in (referred, returned):
        client.post(
            f"/t/{org.slug}/status", data={"number": case.number, "factor": case.access_code}
        )
        pages[case.id] = client.get(f"/t/{org.slug}/status/{case.number}").text
    assert reason in pages[referred.id] and body in pages[referred.id]
    assert staff_reason not in pages[returned.id] and "区住建局" not in pages[returned.id]
    assert "市12345热线" in pages[returned.id]
    assert {m.dedupe_key.split(":")[0] for m in mails} == {"ack", "referral"}
    assert all(staff_reason not in m.body for m in mails)
    with tenant_bound(org.tenant.id):
        shown = {
            ev.kind: bool(ev.public_text)
            for ev in db.session.scalars(
                sa.select(CaseEvent).where(CaseEvent.case_id.in_([referred.id, returned.id]))
            )
            if ev.public
        }
    for kind in OUT_OF_SCOPE:
        assert shown.get(kind) == {HIDDEN: None, LABEL: False, TEXT: True}[STATUS_PAGE[kind]]


def test_the_questionnaire_mail_carries_no_staff_text(client, world):
    """The questionnaire's link by mail (CS-2): the mail and the page it opens carry no staff
    text of the case, and the send is the staff's record, not on the status page."""
    from jobs import revisit_links as sender
    from tests.casework.test_revisit_links import link_mails, survey_paths
    from tests.conftest import dispatched_case

    org = world.a
    email = "wu.jing@example.com"
    case_id = dispatched_case(org, email=email, preferred_contact=ContactMethod.EMAIL)
    with tenant_bound(org.tenant.id):
        c = db.session.get(Case, case_id)
        handling.add_note(c, org.users["ops_li"], STAFF["note"])
        handling.record_contact(c, org.users["ops_li"], "phone", STAFF["contact"])
        handling.record_result(c, org.users["ops_li"], PUBLIC["result"], PUBLIC["remedy"])
        handling.send_result(c, org.users["ops_li"])
        db.session.commit()
    sender.run()
    [mail] = link_mails(org)
    page = client.get(survey_paths(mail.body)[2]).text
    for where, text in (("mail", mail.subject + mail.body), ("questionnaire", page)):
        leaked = [k for k, v in STAFF.items() if v in text]
        assert leaked == [], f"staff text in the {where}: {leaked}"
    with tenant_bound(org.tenant.id):
        [sent] = db.session.scalars(
            sa.select(CaseEvent).where(
                CaseEvent.case_id == case_id, CaseEvent.kind == EventKind.REVISIT_LINK_SENT
            )
        ).all()
        assert sent.public is (STATUS_PAGE[EventKind.REVISIT_LINK_SENT] != HIDDEN)


def test_a_mail_waiting_for_acceptance_says_nothing_until_accepted(client, world):
    """A mail is registered in silence; accepted, it is acknowledged; declined as no
    complaint, the staff's reason stays theirs and nothing is sent (CO-2)."""
    from casework.operations import acceptance
    from casework.operations import mail as mail_ops

    org = world.a
    staff_reason = "内部判断:广告邮件"
    cases = {}
    with tenant_bound(org.tenant.id):
        for name in ("accepted", "declined"):
            sent = mail_ops.Mail(
                f"{name}@example.com", "王芳", "超市收银多收钱", "多收了 60 元。", utcnow()
            )
            cases[name] = mail_ops.take(org.tenant, sent)[1]
        db.session.commit()
        acceptance.accept_case(cases["accepted"], org.users["desk"])
        acceptance.decline_case(cases["declined"], org.users["desk"], staff_reason)
        db.session.commit()
        ids = [c.id for c in cases.values()]
        mails = db.session.scalars(sa.select(Message).where(Message.case_id.in_(ids))).all()
        shown = {
            ev.kind: bool(ev.public_text)
            for ev in db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id.in_(ids)))
            if ev.public
        }
        numbers = {k: (c.number, c.access_code) for k, c in cases.items()}
    assert [m.to for m in mails] == ["accepted@example.com"]
    assert mails[0].dedupe_key.startswith("ack:")
    for kind in WAITING:
        assert shown.get(kind) == {HIDDEN: None, LABEL: False, TEXT: True}[STATUS_PAGE[kind]]
    number, code = numbers["declined"]
    client.post(f"/t/{org.slug}/status", data={"number": number, "factor": code})
    page = client.get(f"/t/{org.slug}/status/{number}").text
    assert number in page and staff_reason not in page
