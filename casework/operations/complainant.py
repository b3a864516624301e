"""What the complainant does to their own case after filing: adding information (补充材料).

The complainant is no user: the portal lets them in only after the lookup (number plus a
factor), and records them by the name on the case. What they add is their own words, shown
back to them on the status page, and it alerts whoever must act on the case now.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tenants.db import db
from tenants.models import Tenant
from tenants.settings import UNIT_PLACEHOLDER

from .. import alerts, history, notifications, outbox, texting
from ..errors import InvalidInput, InvalidTransition
from ..models import Case, CaseEvent
from ..states import AttachmentSource, EventKind, NotificationKind, Stage, Status
from . import intake

MAX_TEXT = 2000  # characters of one addition: a letter's worth, not a file pasted in


def add_information(
    case: Case, text: str, attachment_name: str = "", attachment_data: bytes = b""
) -> Case:
    """The complainant adds text or a file (or both) to their case; the responsible hear of it.

    The file follows the intake rules: the type read from the bytes against the tenant's list,
    and the same size limit. A closed (archived) case takes nothing more.
    """
    if case.status is Status.CLOSED:
        raise InvalidTransition(
            _l(
                "This case is closed and archived: nothing more can be added. To raise the "
                "matter again, please file a new complaint."
            )
        )
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            "text", _l("Please keep it to %(count)d characters or fewer.", count=MAX_TEXT)
        )
    if not text and not attachment_data:
        raise InvalidInput("text", _l("Write what you want to add, or choose a file."))
    stored = None
    if attachment_data:
        checked = intake.check_file(case.tenant, attachment_name, attachment_data)
        # Its id marks it as the complainant's in the history.
        stored = intake.attach(case, checked, attachment_data, AttachmentSource.COMPLAINANT, None)
    history.record(
        case,
        EventKind.COMPLAINANT_ADDED,
        None,
        body=text,
        public=True,
        actor_label=case.complainant_name,
        changes=({"attachment_id": stored.id, "attachment": stored.filename} if stored else {}),
    )
    # Whoever must act on the case now: the handler, else the unit's head, else intake.
    people = [u for u in alerts.responsible(case, Stage.FIRST_CONTACT) if u.active]
    notifications.tell(people, case, NotificationKind.COMPLAINANT_INFO)
    return case


def tell(event: CaseEvent) -> None:
    """After commit, email (and text) the complainant about a public entry meant for them.

    A note staff wrote for the complainant goes out as written (进展告知, ESTATE-3); a
    dispatch names the unit that now handles the case (HOSP-4). Each entry is mailed once
    (the job's key is the entry), and texted once when the complainant chose 短信
    (casework.texting). A complainant who prefers a call reads the same entry on the status
    page.
    """
    case = event.case
    if not event.public:
        return
    if event.kind is EventKind.NOTE:
        kind = "progress"
    elif event.kind is EventKind.DISPATCHED:
        kind = "dispatched"
    else:
        return
    if not case.complainant_email and not texting.wants_texts(case):
        return
    db.session.flush()  # the entry's id, the key of its one email and its one text
    if case.complainant_email:
        outbox.after_commit(f"notify.{kind}", case_id=case.id, event_id=event.id)
    texting.ask(case, f"sms.{kind}", event_id=event.id)


def units_told(case: Case) -> dict[int, str]:
    """The dispatch entries that tell the complainant a unit (HOSP-4): entry id → unit name.

    A dispatch names its unit when it is the first, or when the unit changed since the last
    unit told; confirming the unit intake's routing chose still counts as the first. The unit
    is read from the history (the name as it was then), never from staff's instructions.
    """
    told: dict[int, str] = {}
    unit, last_told = None, None
    rows = db.session.execute(
        sa.select(CaseEvent.id, CaseEvent.kind, CaseEvent.changes)
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.id)
    )
    for event_id, kind, changes in rows:
        moved = (changes or {}).get("department")
        if moved:
            unit = moved[1]
        if kind is EventKind.DISPATCHED and unit and unit != last_told:
            told[event_id] = last_told = unit
    return told


def unit_notice(tenant: Tenant, unit: str) -> str:
    """The sentence that tells the complainant which unit handles the case (HOSP-4), in the
    tenant's words (``dispatch_notice``) or the product's own."""
    words = tenant.config.dispatch_notice
    if words:
        return words.replace(UNIT_PLACEHOLDER, unit)
    return _("Your complaint has been passed to %(unit)s, which will handle it.", unit=unit)
