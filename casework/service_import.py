"""Importing service records from a maintenance system's export (派工单导入), with a preview.

An upload is stored as it came (:class:`casework.models.ServiceImport`), tenant-scoped; the
preview reads it again each time it is shown and saves nothing; the import reads the same
stored bytes (their digest checked), saves every good row not imported before, in the one
transaction of the request, and reports the rest. Importing the good rows and reporting the
bad ones is what people expect of an import: a file of 60 orders with one wrong date should
not hold the other 59 back, and the bad row can be corrected and imported again alone, as
rows already imported are recognised by their order number and skipped.

Headers may be in Chinese or English (工单号 / order, 类型 / kind...); every error names its
row (as numbered in the file), its column (as headed in the file) and why, in the reader's
language.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import Tenant, User

from . import deadlines, labels, routing, sampling
from .errors import InvalidInput, InvalidTransition
from .models import SampleDraw, ServiceImport
from .operations import services
from .service_files import MAX_BYTES, read_table
from .states import CaseKind

# The columns an export may have, by the words their headers may use (folded: lower case,
# no spaces, no punctuation). The order number, name, phone, date and content are required.
HEADERS: dict[str, tuple[str, ...]] = {
    "source_ref": (
        "工单号",
        "工单编号",
        "派工单号",
        "单号",
        "编号",
        "order",
        "orderno",
        "ordernumber",
        "workorder",
        "reference",
        "ref",
    ),
    "kind": ("类型", "服务类型", "工单类型", "kind", "type"),
    "completed_at": (
        "完成时间",
        "完成日期",
        "完工时间",
        "完工日期",
        "completed",
        "completedat",
        "completiondate",
        "done",
        "date",
    ),
    "name": ("姓名", "客户", "客户姓名", "业主", "联系人", "name", "customer", "contact"),
    "phone": ("电话", "联系电话", "手机", "手机号", "phone", "mobile", "tel", "telephone"),
    "location": ("地址", "位置", "房号", "地点", "address", "location", "place", "unit"),
    "description": (
        "内容",
        "服务内容",
        "维修内容",
        "描述",
        "说明",
        "description",
        "content",
        "work",
        "details",
    ),
    "category": ("类别", "分类", "category"),
    "service_from": ("开始日期", "合同开始", "起始日期", "from", "start", "servicefrom"),
    "service_until": ("结束日期", "合同结束", "截止日期", "until", "end", "serviceuntil"),
}
REQUIRED = ("source_ref", "name", "phone", "completed_at", "description")
# The words a "kind" cell may use beyond the kinds' own values and labels.
KIND_WORDS = {
    "维修": CaseKind.WORK_ORDER, "报修": CaseKind.WORK_ORDER, "派工": CaseKind.WORK_ORDER,
    "派工单": CaseKind.WORK_ORDER, "维修工单": CaseKind.WORK_ORDER, "repair": CaseKind.WORK_ORDER,
    "特约": CaseKind.CONTRACTED, "特约服务": CaseKind.CONTRACTED, "contract": CaseKind.CONTRACTED,
    "求助": CaseKind.HELP, "help": CaseKind.HELP, "活动": CaseKind.EVENT, "event": CaseKind.EVENT,
    "新客户": CaseKind.NEW_CUSTOMER, "重要客户": CaseKind.HIGH_VALUE,
    "大客户": CaseKind.HIGH_VALUE, "其他": CaseKind.OTHER, "other": CaseKind.OTHER,
}  # fmt: skip
_PUNCT = re.compile(r"[\s_\-:：.()（）/\\*#]+")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_TIME_FORMATS = ("%H:%M:%S", "%H:%M")
STALE = dt.timedelta(days=1)  # uploads never imported are dropped after a day


def _fold(word: str) -> str:
    return _PUNCT.sub("", word.strip().lstrip("\ufeff")).lower()


_COLUMN_OF = {_fold(w): key for key, words in HEADERS.items() for w in words}


COLUMN_LABELS = {
    "source_ref": _l("Order number"),
    "kind": _l("Kind"),
    "completed_at": _l("Completed"),
    "name": _l("Name"),
    "phone": _l("Phone"),
    "location": _l("Address"),
    "description": _l("Content"),
    "category": _l("Category"),
    "service_from": _l("Contract from"),
    "service_until": _l("Contract until"),
}


@dataclass
class Row:
    """One row of the file as the preview shows it: what was read, and either the checked
    record or its errors as (column as headed in the file, why)."""

    line: int
    values: dict[str, str]
    checked: services.Checked | None = None
    errors: list[tuple[str, object]] = field(default_factory=list)
    known: bool = False  # imported before: skipped
    drawn: bool = False  # its period was drawn already: it will not be sampled

    @property
    def saves(self) -> bool:
        return self.checked is not None and not self.known


@dataclass
class Preview:
    """The whole file checked: its rows, and what is wrong with the file itself."""

    columns: dict[str, str]  # key -> the header as written in the file
    rows: list[Row]
    problems: list[object]

    @property
    def good(self) -> int:
        return sum(1 for r in self.rows if r.saves)

    @property
    def bad(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def known(self) -> int:
        return sum(1 for r in self.rows if r.known)


def _kinds() -> dict[str, CaseKind]:
    words = {_fold(k): v for k, v in KIND_WORDS.items()}
    for kind in services.SERVICE_KINDS:
        words[_fold(kind.value)] = kind
        for locale in ("zh_CN", "en"):
            with force_locale(locale):
                words[_fold(labels.label(kind))] = kind
    return words


def _moment(value: str | dt.datetime, tz: str) -> dt.datetime:
    """A completion time, as typed or as Excel stored it, in the tenant's zone: naive UTC."""
    if isinstance(value, dt.datetime):
        return deadlines.from_local(value.replace(tzinfo=None), tz)
    text = " ".join(value.replace("T", " ").split())
    day_part, _sp, time_part = text.partition(" ")
    for day_format in _DATE_FORMATS:
        try:
            day = dt.datetime.strptime(day_part, day_format).date()
        except ValueError:
            continue
        at = dt.time()
        if time_part:
            for time_format in _TIME_FORMATS:
                try:
                    at = dt.datetime.strptime(time_part, time_format).time()
                    break
                except ValueError:
                    continue
            else:
                raise ValueError(text)
        return deadlines.from_local(dt.datetime.combine(day, at), tz)
    raise ValueError(text)


def _read_row(
    tenant: Tenant,
    values: dict[str, str | dt.datetime],
    default_kind: CaseKind,
    kinds: dict[str, CaseKind],
    columns: dict[str, str],
    now: dt.datetime,
) -> tuple[services.Checked | None, list[tuple[str, object]]]:
    errors: list[tuple[str, object]] = []

    def text(key: str) -> str:
        value = values.get(key, "")
        return value.strip() if isinstance(value, str) else str(value)

    kind = default_kind
    if text("kind"):
        kind = kinds.get(_fold(text("kind")))
        if kind is None:
            errors.append((columns["kind"], _l("Not a kind of service we know.")))
    dates: dict[str, dt.datetime | None] = {}
    for key in ("completed_at", "service_from", "service_until"):
        raw = values.get(key, "")
        dates[key] = None
        if raw:
            try:
                dates[key] = _moment(raw, tenant.timezone)
            except ValueError:
                errors.append(
                    (columns[key], _l("Not a date: write it as 2026-11-03 or 2026-11-03 14:30."))
                )
    if not text("source_ref"):
        errors.append((columns["source_ref"], _l("The order number is missing.")))
    category_id = None
    if text("category"):
        wanted = _fold(text("category"))
        match = next(
            (
                c
                for c in routing.active_categories(tenant)
                if wanted in (_fold(c.name), _fold(c.code))
            ),
            None,
        )
        if match is None:
            errors.append((columns["category"], _l("Not one of your categories.")))
        else:
            category_id = match.id
    if errors:
        return None, errors
    local = {
        k: deadlines.to_local(v, tenant.timezone).date() if v else None for k, v in dates.items()
    }
    service = services.Service(
        kind=kind,
        description=text("description"),
        name=text("name"),
        phone=text("phone"),
        location=text("location"),
        category_id=category_id,
        completed_at=dates["completed_at"],
        source_ref=text("source_ref"),
        service_from=local["service_from"],
        service_until=local["service_until"],
    )
    try:
        return services.check(tenant, service, now), []
    except InvalidInput as exc:
        key = {"category_id": "category"}.get(exc.field, exc.field)
        header = columns.get(key) or str(COLUMN_LABELS.get(key, key))
        return None, [(header, exc.message)]


def preview(
    tenant: Tenant, data: bytes, default_kind: CaseKind, now: dt.datetime | None = None
) -> Preview:
    """Read and check every row of ``data``; nothing is saved."""
    now = now or utcnow()
    try:
        table = read_table(data)
    except InvalidInput as exc:
        return Preview({}, [], [exc.message])
    columns: dict[str, str] = {}
    positions: dict[str, int] = {}
    for i, header in enumerate(table.header):
        key = _COLUMN_OF.get(_fold(header))
        if key is not None and key not in positions:
            columns[key], positions[key] = header, i
    missing = [k for k in REQUIRED if k not in positions]
    if missing:
        names = "、".join(str(COLUMN_LABELS[k]) for k in missing)
        return Preview(columns, [], [_l("The file has no column for: %(names)s.", names=names)])
    kinds = _kinds()
    rows: list[Row] = []
    first_line: dict[str, int] = {}
    for line, cells in zip(table.lines, table.rows, strict=True):
        values = {k: (cells[i] if i < len(cells) else "") for k, i in positions.items()}
        shown = {k: _shown(v) for k, v in values.items()}
        checked, errors = _read_row(tenant, values, default_kind, kinds, columns, now)
        ref = shown.get("source_ref", "").strip()
        if ref and ref in first_line:
            errors.append(
                (
                    columns["source_ref"],
                    _l("The same order number is on row %(line)s.", line=first_line[ref]),
                )
            )
            checked = None
        elif ref:
            first_line[ref] = line
        rows.append(Row(line, shown, checked, errors))
    known = services.known_refs([r.checked.source_ref for r in rows if r.checked])
    drawn = _drawn_periods(tenant)
    for row in rows:
        if row.checked is not None:
            row.known = row.checked.source_ref in known
            day = deadlines.local_today(row.checked.completed_at, tenant.timezone)
            row.drawn = (row.checked.kind, sampling.period_of(tenant, day)[0]) in drawn
    return Preview(columns, rows, [])


def _shown(value: str | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M")
            if value.time() != dt.time()
            else value.date().isoformat()
        )
    return value.strip()


def _drawn_periods(tenant: Tenant) -> set[tuple[CaseKind, dt.date]]:
    since = deadlines.local_today(utcnow(), tenant.timezone) - dt.timedelta(days=400)
    rows = db.session.execute(
        sa.select(SampleDraw.kind, SampleDraw.period_start).where(SampleDraw.period_start >= since)
    )
    return {(kind, start) for kind, start in rows}


def store(
    tenant: Tenant, filename: str, data: bytes, default_kind: str, actor: User
) -> ServiceImport:
    """Keep an uploaded file for its preview and import; InvalidInput when it is too large
    or the default kind is not a service's. Uploads a day old never imported are dropped."""
    if not data:
        raise InvalidInput("file", _l("Choose the file to import."))
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            "file", _l("The file is larger than %(size)s MB.", size=MAX_BYTES // (1024 * 1024))
        )
    if default_kind not in {k.value for k in services.SERVICE_KINDS}:
        raise InvalidInput("kind", _l("Choose the kind of service."))
    db.session.execute(
        sa.delete(ServiceImport).where(
            ServiceImport.imported_at.is_(None), ServiceImport.created_at < utcnow() - STALE
        )
    )
    upload = ServiceImport(
        tenant_id=tenant.id,
        filename=(filename or "upload")[-200:],
        data=data,
        digest=hashlib.sha256(data).hexdigest(),
        default_kind=default_kind,
        uploaded_by_id=actor.id,
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def preview_upload(tenant: Tenant, upload: ServiceImport) -> Preview:
    """The preview of a stored upload."""
    return preview(tenant, _data(upload), CaseKind(upload.default_kind))


def _data(upload: ServiceImport) -> bytes:
    data = upload.data
    if hashlib.sha256(data).hexdigest() != upload.digest:
        raise InvalidTransition(_l("The stored file does not match its upload: upload it again."))
    return data


def run_import(tenant: Tenant, upload: ServiceImport, actor: User) -> Preview:
    """Save the upload's good rows not imported before; once per upload."""
    if upload.imported_at is not None:
        raise InvalidTransition(_l("This file was imported already."))
    result = preview_upload(tenant, upload)
    if result.problems:
        raise InvalidInput("file", result.problems[0])
    for row in result.rows:
        if row.saves:
            services.record_service(tenant, row.checked, actor)
    upload.imported_at = utcnow()
    upload.saved, upload.skipped, upload.refused = result.good, result.known, result.bad
    return result


def recent(limit: int = 10) -> list[ServiceImport]:
    """The bound tenant's latest uploads, newest first."""
    return list(
        db.session.scalars(
            sa.select(ServiceImport)
            .order_by(ServiceImport.created_at.desc(), ServiceImport.id.desc())
            .limit(limit)
        )
    )
