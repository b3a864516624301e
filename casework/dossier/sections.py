"""The dossier's sections, in the order it prints them, each one small function.

Every function takes the :class:`~.reading.Reading` and returns facts (label, value pairs)
or a table (columns and rows), plain strings only.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tenants.db import db

from .. import labels, queries, routing
from ..letters import amount_text
from ..models import Deadline, Extension, Letter, Message, Oversight, Rectification
from ..states import ContactMethod, EventKind, Stage
from .reading import Built, Reading, colon, section, yes_no
from .reading import columns as _columns
from .reading import size as _size


@section("intake", _l("Intake record"))
def intake_record(r: Reading) -> Built:
    c = r.case
    category = routing.category(r.tenant, c.category_id)
    facts = [
        [str(_l("Case number")), c.number],
        [str(_l("Channel")), labels.label(c.channel)],
        [str(_l("Received")), r.time(c.received_at)],
        [str(_l("Accepted at")), r.time(c.accepted_at)],
        [str(_l("Accepted by")), r.text(c.accepted_by_label or r.user(c.accepted_by_id))],
        [str(_l("Category")), category.name if category else "—"],
        [str(_l("Priority")), labels.label(c.priority)],
        [str(_l("Complaint")), r.text(c.description)],
        [str(_l("Where")), r.text(c.location) or "—"],
        [str(_l("When")), r.time(c.occurred_at)],
        [str(_l("Complainant")), r.text(r.contact.name)],
        [str(_l("Phone")), r.contact.phone or "—"],
        [str(_l("Email")), r.contact.email or "—"],
        [str(_l("Address")), r.contact.address or "—"],
        [str(_l("ID number")), r.contact.id_number or "—"],
        [str(_l("Prefers")), labels.label(c.preferred_contact)],
        [str(_l("Reply due")), r.time(c.reply_due_at)],
    ]
    if c.repeat_of is not None:
        facts.append([str(_l("Repeats")), c.repeat_of.number])
    return {"facts": facts}


@section("history", _l("History"))
def history(r: Reading) -> Built:
    rows = []
    for e in r.events():
        text = "\n".join(t for t in (r.text(e.body), r.changes(e)) if t)
        rows.append([r.time(e.at), labels.label(e.kind), r.text(e.actor_label) or "—", text])
    return {"columns": _columns(_l("When"), _l("What"), _l("Who"), _l("Details")), "rows": rows}


@section("contacts", _l("Contacts with the complainant"))
def contacts(r: Reading) -> Built:
    rows = []
    for e in r.events(EventKind.CONTACT):
        method = e.changes.get("method", "")
        try:
            how = labels.label(ContactMethod(method))
        except ValueError:
            how = str(method)
        rows.append([r.time(e.at), r.text(e.actor_label), how, r.text(e.body)])
    return {"columns": _columns(_l("When"), _l("Who"), _l("Method"), _l("Details")), "rows": rows}


@section("notes", _l("Investigation notes"))
def notes(r: Reading) -> Built:
    rows = [
        [r.time(e.at), r.text(e.actor_label), yes_no(e.public), r.text(e.body)]
        for e in r.events(EventKind.NOTE)
    ]
    columns = _columns(_l("When"), _l("Who"), _l("For the complainant"), _l("Note"))
    return {"columns": columns, "rows": rows}


@section("investigation", _l("Assisting units and the investigation group"))
def investigation(r: Reading) -> Built:
    rows = []
    for a in queries.assists(r.case):
        if a.answered_at:
            outcome = f"{r.text(a.answer)} ({r.user(a.answered_by_id)} {r.time(a.answered_at)})"
        elif a.withdrawn_at:
            outcome = f"{_l('Not needed')}: {r.text(a.withdrawn_reason)}"
        else:
            outcome = str(_l("Not answered yet"))
        rows.append(
            [r.department(a.department_id), r.time(a.asked_at), r.text(a.instructions), outcome]
        )
    members = queries.members(r.case)
    if not rows and not members:
        return {}
    facts = [[labels.label(m.role), r.user(m.user_id)] for m in members]
    columns = _columns(_l("Assisting unit"), _l("Asked"), _l("Instructions"), _l("Answer"))
    return {"facts": facts, "columns": columns, "rows": rows}


@section("plan", _l("Handling plan and approval"))
def plan(r: Reading) -> Built:
    rows = [
        [
            str(p.version),
            labels.label(p.state),
            r.text(p.measures),
            " ".join(
                t
                for t in (
                    labels.label(p.remedy_type) if p.remedy_type else "",
                    amount_text(p.remedy_amount, r.tenant.locale) or "",
                )
                if t
            )
            or "—",
            f"{r.user(p.drafted_by_id)} {r.time(p.drafted_at)}",
            f"{r.user(p.decided_by_id)} {r.time(p.decided_at)}" if p.decided_at else "—",
            r.text(p.comment) or "—",
        ]
        for p in queries.plans(r.case)
    ]
    columns = _columns(
        _l("Version"),
        _l("State"),
        _l("Measures"),
        _l("Remedy"),
        _l("Drafted"),
        _l("Decided"),
        _l("Comment"),
    )
    return {"columns": columns, "rows": rows} if rows else {}


@section("finding", _l("Finding and result"))
def finding(r: Reading) -> Built:
    c = r.case
    if not (c.finding or c.result_text):
        return {}
    return {
        "facts": [
            [str(_l("Finding")), labels.label(c.finding) if c.finding else "—"],
            [str(_l("Cause")), c.cause.name if c.cause else "—"],
            [str(_l("Cause analysis")), r.text(c.cause_analysis) or "—"],
            [str(_l("Result")), r.text(c.result_text) or "—"],
            [str(_l("Result recorded")), r.time(c.result_at)],
            [str(_l("Result sent")), r.time(c.result_sent_at)],
            *([[str(_l("Closed as")), labels.label(c.closure)]] if c.closure else []),
            *([[str(_l("Lesson")), r.text(c.lesson)]] if c.teaching else []),
        ]
    }


@section("remedy", _l("Remedy"))
def remedy(r: Reading) -> Built:
    c = r.case
    if not (c.remedy_type or c.remedy_text):
        return {}
    return {
        "facts": [
            [str(_l("Remedy type")), labels.label(c.remedy_type) if c.remedy_type else "—"],
            [str(_l("Amount")), amount_text(c.remedy_amount, r.tenant.locale) or "—"],
            [str(_l("Approved by")), r.text(c.remedy_approved_by_label) or "—"],
            [str(_l("Remedy")), r.text(c.remedy_text) or "—"],
        ]
    }


@section("rectification", _l("Rectification"))
def rectification(r: Reading) -> Built:
    rows = []
    for o in queries.rectifications(r.case):
        due = _rectification_deadline(o)
        ordered = f"{r.time(o.ordered_at)}\n{r.user(o.ordered_by_id)}"
        done = f"{r.time(o.done_at)}\n{r.user(o.done_by_id)}" if o.done_at else "—"
        report = r.text(o.report)
        rows.append(
            [
                r.department(o.department_id),
                ordered,
                r.text(o.instructions),
                r.time(due.due_at) if due else "—",
                f"{done}\n{report}" if report else done,
            ]
        )
    columns = _columns(_l("Unit"), _l("Ordered"), _l("Instructions"), _l("Due"), _l("Done"))
    return {"columns": columns, "rows": rows}


def _rectification_deadline(order: Rectification) -> Deadline | None:
    if order.deadline_id is not None:
        return db.session.get(Deadline, order.deadline_id)
    # Orders whose deadline id was never written: the stage's deadline started with it.
    return db.session.scalars(
        sa.select(Deadline).where(
            Deadline.case_id == order.case_id,
            Deadline.stage == Stage.RECTIFICATION,
            Deadline.started_at == order.ordered_at,
        )
    ).first()


@section("oversight", _l("Extensions, urging and supervision"))
def oversight(r: Reading) -> Built:
    items: list[tuple[dt.datetime, list[str]]] = []
    extensions = db.session.scalars(
        sa.select(Extension).where(Extension.case_id == r.case.id).order_by(Extension.id)
    )
    for x in extensions:
        asked = colon(f"{x.days} {labels.label(x.unit)}") + r.text(x.reason)
        decision = {"approved": _l("Approved"), "refused": _l("Refused")}.get(x.status)
        if decision is not None:
            asked += f"\n{decision} · {r.user(x.decided_by_id)} · {r.time(x.decided_at)}"
            if x.decision_note:
                asked = colon(asked) + r.text(x.decision_note)
        kind = labels.label(EventKind.EXTENSION_REQUESTED)
        items.append((x.created_at, [r.time(x.created_at), kind, r.user(x.requested_by_id), asked]))
    oversights = db.session.scalars(
        sa.select(Oversight).where(Oversight.case_id == r.case.id).order_by(Oversight.id)
    )
    for o in oversights:
        kind = labels.label(EventKind.SUPERVISED if o.kind == "supervise" else EventKind.URGED)
        detail = r.text(o.note)
        if o.department_id:
            detail = colon(r.department(o.department_id)) + detail
        items.append((o.created_at, [r.time(o.created_at), kind, r.user(o.by_id), detail]))
    rows = [row for _at, row in sorted(items, key=lambda item: item[0])]
    return {"columns": _columns(_l("When"), _l("What"), _l("Who"), _l("Details")), "rows": rows}


# The kinds of letter by their names on the letters page.
LETTER_NAMES = {"ack": _l("Acknowledgement letter"), "result": _l("Result notice letter")}


@section("letters", _l("Letters"))
def letters(r: Reading) -> Built:
    rows = []
    found = db.session.scalars(
        sa.select(Letter).where(Letter.case_id == r.case.id).order_by(Letter.id)
    )
    for letter in found:
        mailed = db.session.scalar(
            sa.select(sa.func.min(Message.sent_at)).where(Message.letter_id == letter.id)
        )
        name = LETTER_NAMES.get(letter.kind)
        rows.append(
            [
                str(name) if name is not None else letter.kind,
                r.time(letter.created_at),
                _size(letter.size),
                r.time(mailed),
            ]
        )
    columns = _columns(_l("Letter"), _l("Prepared"), _l("Size"), _l("Emailed"))
    return {"columns": columns, "rows": rows}


@section("revisits", _l("Revisits"))
def revisits(r: Reading) -> Built:
    # Every attempt (PROP-1, POWER-3: the revisit archive), with the answers of the one that
    # reached the person and the question passed to management, if any.
    planned = {v.id: v for v in queries.revisits(r.case)}
    rows = []
    for a in queries.revisit_attempts(r.case):
        v = planned.get(a.revisit_id)
        done = v is not None and a.reached and v.done_at == a.at
        said = r.text(v.comments) if done and v.comments else r.text(a.note)
        if done and v.question:
            said = f"{said}\n{_l('Question for management')}: {r.text(v.question)}".strip()
        rows.append(
            [
                r.time(a.at),
                r.user(a.by_id) if a.by_id else r.text(r.case.complainant_name),
                labels.label(a.method),
                labels.label(a.outcome),
                f"{v.satisfaction}/5" if done and v.satisfaction else "—",
                said,
            ]
        )
    columns = _columns(
        _l("When"), _l("Who"), _l("Method"), _l("Outcome"), _l("Satisfaction"), _l("Comments")
    )
    return {"columns": columns, "rows": rows}


@section("attachments", _l("Attachments"))
def attachments(r: Reading) -> Built:
    # The attachment row has no owner: the history entry that brought it names who added
    # it; a file without one came with the complaint.
    added_by = {
        e.changes.get("attachment_id"): r.text(e.actor_label)
        for e in r.events()
        if e.changes.get("attachment_id")
    }
    rows = [
        [
            r.text(a.filename),
            _size(a.size),
            added_by.get(a.id) or str(_l("With the complaint")),
            r.time(a.created_at),
        ]
        for a in queries.attachments(r.case)
    ]
    return {"columns": _columns(_l("File"), _l("Size"), _l("Added by"), _l("When")), "rows": rows}
