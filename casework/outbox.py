"""After-commit work, recorded durably in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from tenants.db import db

from .models import PendingJob


def after_commit(name: str, **args: Any) -> PendingJob:
    """Ask for job ``name`` to run once this transaction commits, and never be lost."""
    job = PendingJob(name=name, args=args)
    db.session.add(job)
    return job
