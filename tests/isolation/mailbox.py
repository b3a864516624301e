"""Mailbox rows for the isolation walk: a mailbox and a mail read from it, in each tenant.

The mailbox page has no ids in its URL; these rows make sure that walking the other
tenant's page, or one's own, finds every row of ``mailboxes`` and ``inbound_mails`` scoped.
"""

from __future__ import annotations

from typing import Any

from casework.models import InboundMail, Mailbox
from casework.models.inbound import MailOutcome
from tenants.db import db, tenant_bound


def ids(org: Any) -> dict[str, int | str]:
    with tenant_bound(org.tenant.id):
        box = Mailbox(tenant_id=org.tenant.id, host=f"{org.slug}.example.com", username=org.slug)
        db.session.add(box)
        db.session.flush()
        db.session.add(
            InboundMail(
                tenant_id=org.tenant.id,
                mailbox_id=box.id,
                uidvalidity=1,
                uid=1,
                message_key=f"<{org.slug}@example.com>",
                outcome=MailOutcome.SKIPPED,
                subject=f"{org.slug}-mail",
                reason="test",
            )
        )
        db.session.commit()
    return {}
