"""An uploaded file of service records and a sample draw, for the service pages' ids."""

from __future__ import annotations

import datetime as dt
import hashlib

from casework.models import SampleDraw, ServiceImport
from casework.states import CaseKind
from tenants.db import db, tenant_bound, utcnow


def ids(org) -> dict[str, int | str]:
    with tenant_bound(org.tenant.id):
        data = "工单号,姓名,电话,完成时间,内容\nPG-1,陈静,13912345678,2026-11-03,换水管\n".encode()
        upload = ServiceImport(
            tenant_id=org.tenant.id,
            filename="orders.csv",
            data=data,
            digest=hashlib.sha256(data).hexdigest(),
            default_kind=CaseKind.WORK_ORDER.value,
        )
        draw = SampleDraw(
            tenant_id=org.tenant.id,
            kind=CaseKind.WORK_ORDER,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 2, 1),
            population=0,
            size=0,
            seed="0" * 64,
            band={},
            picked=[],
            drawn_at=utcnow(),
        )
        db.session.add_all([upload, draw])
        db.session.commit()
        return {"import_id": upload.id, "draw_id": draw.id}
