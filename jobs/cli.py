"""``flask jobs …``: the worker, the clock and one-off commands."""

from __future__ import annotations

import logging
import time

import click
from flask import current_app
from flask.cli import AppGroup
from rq import Queue

from . import dispatch, pdf, queues, runtime, schedule
from .worker import Worker, supervise

jobs_cli = AppGroup("jobs", help="Background work.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
def worker(burst: bool) -> None:
    """Run an RQ worker on the app's queues until SIGTERM, through Redis outages."""
    app = current_app._get_current_object()
    if not logging.getLogger().handlers:  # RQ's loggers and ours, not WeasyPrint's chatter
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
        logging.getLogger("jobs").setLevel(logging.INFO)
    runtime.set_app(app)
    # Warm WeasyPrint once; SimpleWorker keeps it warm instead of re-importing per job.
    pdf.warm()

    def make() -> Worker:
        redis = queues.worker_redis()
        return Worker([Queue(n, connection=redis) for n in queues.QUEUES], connection=redis)

    supervise(make, burst=burst)


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
        time.sleep(schedule.TICK)


@jobs_cli.command("redrive")
def redrive() -> None:
    """Hand over outbox rows whose job never reached RQ or was lost there."""
    click.echo(f"handed over {dispatch.redrive()} job(s)")
