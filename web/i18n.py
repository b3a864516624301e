"""Languages, dates and labels: Chinese first, English on request."""

from __future__ import annotations

import phonenumbers
from flask import Flask, g, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_timedelta, get_locale, gettext

from casework import changes, labels
from tenants.db import utcnow

from .extensions import babel

LOCALES = ("zh_CN", "en")


def change_value(value, field: str) -> str:
    """A value of a history entry in the user's words (see :mod:`casework.changes`)."""
    return changes.value_text(value, field, lambda at: format_datetime(at, "short"))


def colon(label: object) -> str:
    """``label`` followed by a colon as the language writes it: "Due: ", "期限："."""
    return gettext("%(label)s: ", label=label)


def change_field(key: str) -> str:
    """The name of a field a history entry changed."""
    return changes.field_label(key)


def select_locale() -> str:
    """?lang= sticks in the session; otherwise the tenant's language; Chinese by default.

    The tenant's values come from the plain copy taken when the request bound it (see
    ``web.tenancy.TenantView``), never the ORM row: an error page must find its language
    without the database that may just have failed.
    """
    if has_request_context():
        wanted = request.args.get("lang")
        if wanted in LOCALES:
            session["lang"] = wanted
        if session.get("lang") in LOCALES:
            return session["lang"]
    tenant = g.get("tenant_view")
    return tenant.locale if tenant is not None else "zh_CN"


def select_timezone() -> str:
    """The tenant's zone: every date on screen is the organisation's local time."""
    tenant = g.get("tenant_view")
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
        label=labels.label,
        change_field=change_field,
        colon=colon,
        change_value=change_value,
        time_left=time_left,
    )
    app.jinja_env.globals.update(LOCALES=LOCALES, now=utcnow, get_locale=get_locale)


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
