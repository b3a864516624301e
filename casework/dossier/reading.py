"""How a dossier reads a case: masked or not, times in the tenant's zone, and the list of
sections with the decorator that adds one."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l

from tenants.db import db
from tenants.models import Department, Tenant, User

from .. import changes, deadlines, plaintext, privacy, queries
from ..models import Case, CaseEvent
from ..states import EventKind

Facts = list[list[str]]
Built = dict[str, Any]


@dataclass(frozen=True)
class Section:
    """One part of the dossier: its key, its heading and the function that builds it."""

    key: str
    title: LazyString
    build: Callable[[Reading], Built]


SECTIONS: list[Section] = []


def section(key: str, title: LazyString) -> Callable[[Callable[[Reading], Built]], Callable]:
    """Register ``fn(reading) -> {"facts"…, "columns"…, "rows"…}`` as the next section."""

    def register(fn: Callable[[Reading], Built]) -> Callable[[Reading], Built]:
        if any(s.key == key for s in SECTIONS):
            raise RuntimeError(f"dossier section {key!r} registered twice")
        SECTIONS.append(Section(key, title, fn))
        return fn

    return register


# A Chinese mobile number however it was typed (13812345678, 138 1234 5678, +86 138-…).
MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?\d{4}[\s-]?(\d{4})(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass
class Reading:
    """The case as one dossier reads it: masked or not, times in the tenant's zone."""

    tenant: Tenant
    case: Case
    masked: bool
    contact: privacy.Contact = field(init=False)
    _names: dict[int, str] = field(default_factory=dict)
    _events: list[CaseEvent] | None = None

    def __post_init__(self) -> None:
        c = self.case
        self.contact = privacy.case_contact(c, masked=self.masked)

    def time(self, at: dt.datetime | None) -> str:
        if at is None:
            return "—"
        return deadlines.to_local(at, self.tenant.timezone).strftime("%Y-%m-%d %H:%M")

    def text(self, value: Any) -> str:
        """Printable text, with personal data masked in a masked dossier."""
        text = plaintext.printable("" if value is None else str(value))
        if not self.masked:
            return text
        # The complainant's own details first, then anything else that reads as a mobile
        # number or an email: a dossier leaves the desk, so it masks more than a page does.
        text = privacy.redact(text, self.case)
        text = MOBILE.sub(lambda m: f"{m.group(1)}{privacy.MASK}{m.group(2)}", text)
        return EMAIL.sub(lambda m: privacy.mask_email(m.group(0)), text)

    def user(self, user_id: int | None) -> str:
        if user_id is None:
            return "—"
        if user_id not in self._names:
            user = db.session.get(User, user_id)
            self._names[user_id] = user.name if user else "—"
        return self._names[user_id]

    def department(self, department_id: int | None) -> str:
        department = db.session.get(Department, department_id) if department_id else None
        return department.name if department else "—"

    def events(self, *kinds: EventKind) -> list[CaseEvent]:
        if self._events is None:  # read once for every section that lists entries
            self._events = queries.events(self.case)
        events = self._events
        return [e for e in events if e.kind in kinds] if kinds else events

    def changes(self, event: CaseEvent) -> str:
        lines = changes.lines(event.changes, self.time)
        return "; ".join(colon(name) + self.text(value) for name, value in lines)


def yes_no(value: bool) -> str:
    return str(_l("Yes") if value else _l("No"))


def colon(label: object) -> str:
    """``label`` and a colon as the language writes it ("Due: ", "期限："), as the desk does."""
    return gettext("%(label)s: ", label=label)


def columns(*names: LazyString) -> list[str]:
    return [str(n) for n in names]


def size(size: int) -> str:
    return f"{size / 1024:.1f} KB"
