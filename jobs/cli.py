"""``flask jobs …``: the worker, the clock and one-off commands."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from . import dispatch, pdf, queues, runtime, schedule

jobs_cli = AppGroup("jobs", help="Background work.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
def worker(burst: bool) -> None:
    """Run an RQ worker (with RQ's scheduler for retries) on the app's queues."""
    from rq import SimpleWorker

    app = current_app._get_current_object()
    runtime.set_app(app)
    # Warm WeasyPrint once; SimpleWorker keeps it warm instead of re-importing per job.
    pdf.warm()
    w = SimpleWorker([queues.queue(n) for n in queues.QUEUES], connection=queues.redis())
    w.work(burst=burst, with_scheduler=True)


@jobs_cli.command("clock")
@click.option("--once", is_flag=True, help="Run every task once and stop.")
def clock(once: bool) -> None:
    """Run the periodic schedule. Run exactly one clock per deployment."""
    app = current_app._get_current_object()
    last_run: dict[str, float] = {}
    while True:
        schedule.run_due(app, last_run)
        if once:
            return
        time.sleep(5)


@jobs_cli.command("redrive")
def redrive() -> None:
    """Hand over outbox rows that were never enqueued."""
    click.echo(f"handed over {dispatch.redrive()} job(s)")
