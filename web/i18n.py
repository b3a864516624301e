"""Languages, dates and labels: Chinese first, English on request."""

from __future__ import annotations

import datetime as dt

import phonenumbers
from flask import Flask, g, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_timedelta, get_locale
from flask_babel import lazy_gettext as _l

from casework.operations import status_label
from casework.states import Channel, Status
from tenants.db import utcnow

from .extensions import babel

LOCALES = ("zh_CN", "en")

CHANNEL_LABELS = {
    Channel.WEB: _l("Web form"),
    Channel.PHONE: _l("Phone"),
    Channel.HOTLINE: _l("Hotline"),
    Channel.WALK_IN: _l("In person"),
    Channel.LETTER: _l("Letter"),
    Channel.EMAIL: _l("Email"),
    Channel.COMPLAINT_BOX: _l("Complaint box"),
}
CONTACT_LABELS = {
    "phone": _l("Phone"),
    "email": _l("Email"),
    "sms": _l("Text message"),
    "visit": _l("Home or site visit"),
}
ROLE_LABELS = {
    "intake": _l("Intake clerk"),
    "handler": _l("Handler"),
    "dept_head": _l("Department head"),
    "supervisor": _l("Supervisor"),
    "admin": _l("Tenant admin"),
}
EVENT_LABELS = {
    "accepted": _l("Complaint accepted"),
    "dispatched": _l("Dispatched"),
    "started": _l("Handling started"),
    "note": _l("Investigation note"),
    "contact": _l("Contact with the complainant"),
    "result": _l("Result recorded"),
    "result_sent": _l("Result sent to the complainant"),
    "revisit": _l("Revisit"),
    "closed": _l("Closed and archived"),
    "extension_requested": _l("Extension requested"),
    "extended": _l("Reply date extended"),
    "extension_refused": _l("Extension refused"),
    "urged": _l("Urging notice sent"),
    "supervised": _l("Put under supervision"),
    "paused": _l("Clocks stopped: waiting for the complainant"),
    "resumed": _l("Clocks restarted"),
    "marked_repeat": _l("Marked as a repeat complaint"),
    "special_measures": _l("Special measures taken"),
    "rectification_ordered": _l("Rectification ordered"),
    "rectified": _l("Rectification reported done"),
}


STAGE_LABELS = {
    "acceptance": _l("Acceptance"),
    "dispatch": _l("Dispatch"),
    "first_contact": _l("First contact"),
    "result": _l("Reply with the result"),
    "revisit": _l("Revisit"),
    "special_measures": _l("Special measures"),
    "rectification": _l("Rectification"),
    "urge_response": _l("Answer the urging notice"),
    "supervision": _l("Supervised result"),
    "extension": _l("Longest extension"),
}
ALERT_KINDS = {
    "reminder": _l("Reminder"),
    "overdue": _l("Overdue"),
    "escalation": _l("Escalation"),
    "extension": _l("Extension request"),
    "urge": _l("Urging notice"),
    "supervise": _l("Supervision"),
    "rectification": _l("Rectification order"),
}
CHANGE_FIELDS = {
    "status": _l("Status"),
    "channel": _l("Channel"),
    "department": _l("Department"),
    "handler": _l("Handler"),
    "method": _l("Method"),
    "reached": _l("Reached"),
    "satisfaction": _l("Satisfaction"),
    "remedy": _l("Remedy"),
    "days": _l("Days"),
    "due": _l("Due"),
    "reply_due": _l("Reply due"),
    "received": _l("Received"),
    "repeat_of": _l("Repeats"),
    "priority": _l("Priority"),
    "special_measures_due": _l("Special measures due"),
}
TIME_FIELDS = frozenset({"due", "reply_due", "received", "special_measures_due"})
PRIORITY_LABELS = {"normal": _l("Normal"), "urgent": _l("Urgent")}


def change_value(value, field: str) -> str:
    """A value of a history entry in the user's words."""
    if value is None or value == "":
        return "∅"
    if field == "status":
        return status_label(Status(value))
    if field == "channel":
        return str(CHANNEL_LABELS.get(Channel(value), value))
    if field == "method":
        return str(CONTACT_LABELS.get(value, value))
    if field == "priority":
        return str(PRIORITY_LABELS.get(value, value))
    if field in TIME_FIELDS:  # stored as naive UTC text: shown in the tenant's zone
        try:
            return format_datetime(dt.datetime.fromisoformat(str(value)), "short")
        except ValueError:
            return str(value)
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    return str(value)


def select_locale() -> str:
    """?lang= sticks in the session; otherwise the tenant's language; Chinese by default."""
    if has_request_context():
        wanted = request.args.get("lang")
        if wanted in LOCALES:
            session["lang"] = wanted
        if session.get("lang") in LOCALES:
            return session["lang"]
    tenant = g.get("tenant")
    return tenant.locale if tenant is not None else "zh_CN"


def select_timezone() -> str:
    """The tenant's zone: every date on screen is the organisation's local time."""
    tenant = g.get("tenant")
    return tenant.timezone if tenant is not None else "Asia/Shanghai"


def init_app(app: Flask) -> None:
    """Bind Flask-Babel and the display filters."""
    import os

    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=os.path.join(app.root_path, "..", "translations"),
    )
    app.jinja_env.filters.update(
        datetime=lambda v, fmt="short": format_datetime(v, fmt) if v else "—",
        date=lambda v, fmt="medium": format_date(v, fmt) if v else "—",
        phone=format_phone,
        status=lambda s: status_label(Status(s)),
        channel=lambda c: str(CHANNEL_LABELS.get(Channel(c), c)),
        contact_method=lambda m: str(CONTACT_LABELS.get(m, m)),
        event_label=lambda k: str(EVENT_LABELS.get(k, k)),
        priority=lambda k: str(PRIORITY_LABELS.get(str(k), k)),
        change_field=lambda k: str(CHANGE_FIELDS.get(k, k)),
        stage=lambda k: str(STAGE_LABELS.get(str(k), k)),
        alert_kind=lambda k: str(ALERT_KINDS.get(k, k)),
        time_left=time_left,
        change_value=change_value,
    )
    app.jinja_env.globals.update(
        LOCALES=LOCALES,
        now=utcnow,
        get_locale=get_locale,
        role_label=lambda r: str(ROLE_LABELS.get(str(r), r)),
    )


def time_left(moment) -> str:
    """ "in 2 hours" / "3 days ago", in the user's language (the badge's words)."""
    if moment is None:
        return ""
    return format_timedelta(moment - utcnow(), granularity="minute", add_direction=True)


def format_phone(value: str) -> str:
    """+8613812345678 → 138 1234 5678."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
