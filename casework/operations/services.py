"""Service records (服务记录): a repair work order (派工单), a contracted service, a community
event, a new or high-value customer's service, recorded done so that it can be revisited.

A service record is a case of its kind (not a complaint): numbered like any case, closed as
completed the moment it is recorded (the service is done; only its revisit is ahead), with
one "service recorded" entry in its history. Kinds revisited every time get their revisits
planned at once; sampled kinds wait for the period's draw (PROP-10, :mod:`.draws`).

Recording is idempotent by the order's own number in the source system (``source_ref``): the
same work order entered or imported again is found and nothing changes, so an export
imported twice, or a retried request, records each order once.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from tenants.db import db, utcnow
from tenants.models import Tenant, User

from .. import deadlines, history, numbering, routing
from ..errors import InvalidInput
from ..models import Case, Revisit
from ..routing import CategoryEntry
from ..states import CaseKind, Channel, Closure, ContactMethod, EventKind, Status
from . import revisits
from .intake import MAX_ADDRESS, check_email, normalise_phone

# The kinds a service record may be: every kind of case but a complaint.
SERVICE_KINDS = tuple(k for k in CaseKind if k is not CaseKind.COMPLAINT)
DESCRIPTION_MAX, NAME_MAX, REF_MAX = 2000, 100, 60
# A record of a service done more than a year ago is a typing mistake, not a revisit to make.
OLDEST = dt.timedelta(days=366)
# Clocks differ a little: a completion stamped a few minutes ahead of ours is "now".
SKEW = dt.timedelta(minutes=10)
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass
class Service:
    """What a service record holds, from the desk form or one row of an import."""

    kind: CaseKind | str
    description: str
    name: str
    phone: str = ""
    location: str = ""
    category_id: int | None = None
    # When the service was completed (naive UTC); a contracted service may leave it empty.
    completed_at: dt.datetime | None = None
    # The order's number in the system it came from (工单号); empty when entered by hand.
    source_ref: str = ""
    # A contracted service's term (特约服务), revisited at its midpoint and at its end.
    service_from: dt.date | None = None
    service_until: dt.date | None = None
    # Where the questionnaire may be mailed (an import's email column); empty: by phone only.
    email: str = ""


@dataclass
class Checked:
    """A :class:`Service` checked and folded, ready to be saved."""

    kind: CaseKind
    description: str
    name: str
    phone: str
    location: str
    category: CategoryEntry | None
    completed_at: dt.datetime
    source_ref: str
    service_from: dt.date | None
    service_until: dt.date | None
    email: str = ""


@dataclass
class Recorded:
    """What recording did: the case, whether it is new, and the revisits planned now."""

    case: Case
    created: bool
    revisits: list[Revisit] = field(default_factory=list)


def _fold(text: str) -> str:
    return " ".join((text or "").split())


def _too_long(name: str, count: int) -> InvalidInput:
    return InvalidInput(name, _l("Please keep it to %(count)d characters or fewer.", count=count))


def check(tenant: Tenant, service: Service, now: dt.datetime | None = None) -> Checked:
    """Check a service record as intake checks a complaint; InvalidInput names the field.

    The one check of a record, whether typed at the desk or read from an import's row, so a
    preview refuses exactly what the import would.
    """
    now = now or utcnow()
    try:
        kind = CaseKind(service.kind)
    except ValueError:
        kind = None
    if kind is None or kind is CaseKind.COMPLAINT:
        raise InvalidInput("kind", _l("Choose the kind of service."))
    description = (service.description or "").strip()
    if not description:
        raise InvalidInput("description", _l("Describe the service that was done."))
    if len(description) > DESCRIPTION_MAX:
        raise _too_long("description", DESCRIPTION_MAX)
    name = _fold(service.name)
    if not name:
        raise InvalidInput("name", _l("Give the name of the person served."))
    if len(name) > NAME_MAX:
        raise _too_long("name", NAME_MAX)
    phone = normalise_phone(service.phone or "")
    if not phone:
        raise InvalidInput("phone", _l("Give the phone number the revisit will call."))
    email = check_email(service.email or "")
    location = _fold(service.location)
    if len(location) > MAX_ADDRESS:
        raise _too_long("location", MAX_ADDRESS)
    source_ref = _fold(service.source_ref)
    if len(source_ref) > REF_MAX:
        raise _too_long("source_ref", REF_MAX)
    category = None
    if service.category_id is not None:
        category = routing.category(tenant, service.category_id)
        if category is None:
            raise InvalidInput("category_id", _l("Choose a category from the list."))
    first, last = service.service_from, service.service_until
    if kind is CaseKind.CONTRACTED:
        if first is None or last is None:
            raise InvalidInput(
                "service_from",
                _l("Give the contract's first and last day: its revisits follow them."),
            )
        if last < first:
            raise InvalidInput("service_until", _l("The contract cannot end before it begins."))
    elif first is not None or last is not None:
        first = last = None  # a term means nothing to any other kind; not kept
    completed = service.completed_at
    if completed is None:
        if kind is not CaseKind.CONTRACTED:
            raise InvalidInput("completed_at", _l("Give the date the service was completed."))
        completed = now
    if completed > now + SKEW:
        raise InvalidInput("completed_at", _l("The service cannot be completed in the future."))
    completed = min(completed, now)
    if completed < now - OLDEST:
        raise InvalidInput("completed_at", _l("Give a completion date within the last year."))
    return Checked(
        kind,
        description,
        name,
        phone,
        location,
        category,
        completed,
        source_ref,
        first,
        last,
        email,
    )


def find(source_ref: str) -> Case | None:
    """The service record already recorded under ``source_ref`` (the bound tenant's)."""
    if not source_ref:
        return None
    return db.session.scalars(sa.select(Case).where(Case.source_ref == source_ref)).first()


def known_refs(refs: list[str]) -> set[str]:
    """Which of ``refs`` are recorded already: one query per few hundred, for the preview."""
    found: set[str] = set()
    wanted = sorted({r for r in refs if r})
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        found.update(
            db.session.scalars(sa.select(Case.source_ref).where(Case.source_ref.in_(chunk)))
        )
    return found


def record_service(
    tenant: Tenant, service: Service | Checked, actor: User | None = None
) -> Recorded:
    """Record a completed service as a case of its kind and plan its revisits by its rule.

    An order already recorded under the same ``source_ref`` is returned untouched
    (``created`` False): recording it again changes nothing.
    """
    checked = service if isinstance(service, Checked) else check(tenant, service)
    existing = find(checked.source_ref)
    if existing is not None:
        return Recorded(existing, False)
    now = utcnow()
    case = Case(
        tenant_id=tenant.id,
        kind=checked.kind,
        source_ref=checked.source_ref,
        service_from=checked.service_from,
        service_until=checked.service_until,
        access_code="".join(secrets.choice(_CODE_ALPHABET) for _ in range(8)),
        status=Status.CLOSED,
        closure=Closure.COMPLETED,
        # How the service was asked for is not part of the record; repairs are asked for by
        # phone (报修电话), and the revisit calls the same number.
        channel=Channel.PHONE,
        category_id=checked.category.id if checked.category else None,
        department_id=checked.category.department_id if checked.category else None,
        description=checked.description,
        location=checked.location,
        complainant_name=checked.name,
        complainant_phone=checked.phone,
        complainant_email=checked.email,
        preferred_contact=ContactMethod.PHONE,
        accepted_at=now,
        accepted_by_id=actor.id if actor else None,
        accepted_by_label=actor.name if actor else "",
        result_at=checked.completed_at,
        closed_at=now,
        created_at=now,
    )
    case.tenant = tenant
    try:
        # A savepoint: the same order recorded meanwhile by another request (its number
        # unique per tenant) rolls back only this record, and that one is returned.
        with db.session.begin_nested():
            day = deadlines.local_today(now, tenant.timezone)
            case.number = numbering.next_number(tenant, day)
            db.session.add(case)
            db.session.flush()
    except IntegrityError:
        existing = find(checked.source_ref)
        if existing is None:
            raise
        return Recorded(existing, False)
    history.record(
        case,
        EventKind.SERVICE_RECORDED,
        actor,
        changes={
            "kind": [None, checked.kind.value],
            "status": [None, Status.CLOSED.value],
            "completed": [None, checked.completed_at.isoformat(" ", "minutes")],
            **({"source_ref": [None, checked.source_ref]} if checked.source_ref else {}),
        },
    )
    return Recorded(case, True, revisits.plan_service(case, actor))
