"""Background work: letters, mail and sweeps, run by RQ workers or in-process.

Imported by the web layer only to bind it to the app (:func:`init_app`); work is asked for
through the domain's outbox, never by enqueueing directly from a view.
"""

from __future__ import annotations

from flask import Flask

from . import (  # noqa: F401  (registers the jobs)
    accounts,
    dispatch,
    dossiers,
    inbound,
    letters,
    notify,
    revisit_links,
    sms,
    summary_reports,
)
from .cli import jobs_cli


def init_app(app: Flask) -> None:
    """Hook the after-commit dispatcher and the ``flask jobs`` commands into the app."""
    dispatch.install()
    app.cli.add_command(jobs_cli)
