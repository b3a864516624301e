"""A summary report (统计报告) asked for, not yet built: its URLs take the report's id."""

from __future__ import annotations

import datetime as dt

from casework.models import SummaryReport
from tenants.db import db, tenant_bound


def ids(org) -> dict[str, int | str]:
    with tenant_bound(org.tenant.id):
        row = SummaryReport(
            key="isolation", first_day=dt.date(2026, 11, 1), last_day=dt.date(2026, 11, 30)
        )
        db.session.add(row)
        db.session.commit()
        return {"report_id": row.id}
