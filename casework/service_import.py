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
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import Tenant, User

from . import deadlines, sampling, service_rows
from .errors import InvalidInput, InvalidTransition
from .models import SampleDraw, ServiceImport
from .operations import services
from .service_files import MAX_BYTES, read_table
from .states import CaseKind

STALE = dt.timedelta(days=1)  # uploads never imported are dropped after a day


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
        key = service_rows.COLUMN_OF.get(service_rows.fold(header))
        if key is not None and key not in positions:
            columns[key], positions[key] = header, i
    missing = [k for k in service_rows.REQUIRED if k not in positions]
    if missing:
        comma = "、" if str(get_locale()).startswith("zh") else ", "
        names = comma.join(str(service_rows.COLUMN_LABELS[k]) for k in missing)
        return Preview(columns, [], [_l("The file has no column for: %(names)s.", names=names)])
    kinds = service_rows.kinds()
    rows: list[Row] = []
    first_line: dict[str, int] = {}
    for line, cells in zip(table.lines, table.rows, strict=True):
        values = {k: (cells[i] if i < len(cells) else "") for k, i in positions.items()}
        shown = {k: _shown(v) for k, v in values.items()}
        checked, errors = service_rows.read_row(tenant, values, default_kind, kinds, columns, now)
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
