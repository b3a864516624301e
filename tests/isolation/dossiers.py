"""A case dossier (案卷) asked for, not yet built: its URLs take the case and the dossier."""

from __future__ import annotations

from casework.models import Dossier
from tenants.db import db, tenant_bound
from tests.conftest import open_case


def ids(org) -> dict[str, int | str]:
    case = open_case(org)
    with tenant_bound(org.tenant.id):
        row = Dossier(case_id=case.id, masked=True, basis="isolation")
        db.session.add(row)
        db.session.commit()
        return {"dossier_id": row.id}
