"""Handing a staff member the one-time link to set their password.

Called after adding a member of staff or resetting a password, by the tenant's admin pages
and by the platform console for a new tenant's first admin: it works for a user of any
tenant, with or without a tenant-bound request.
"""

from __future__ import annotations

from jobs import accounts as account_mail
from tenants.models import User


def deliver_password_link(user: User) -> str | None:
    """Deliver a link for ``user`` to set their password.

    With mail on (``MAIL_SERVER`` set) and an email address on the account, a job mails it
    after the transaction commits, once, and this returns None. Otherwise it returns the
    link's full URL, to be shown to the person acting (the admin, the operator), who hands
    it over. The link expires after ``PASSWORD_LINK_HOURS`` and works once; a newer link or
    a reset makes it useless. The caller commits.
    """
    return account_mail.deliver(user)
