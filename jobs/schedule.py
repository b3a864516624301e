"""The one periodic schedule: what runs every so often, in a worker or in-process."""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask

from . import dispatch, inbound, revisit_links, sampling, summary_reports, sweep

log = logging.getLogger(__name__)

# (name, every seconds, function run inside an app context). The redrive is cheap (one
# indexed query, one Redis round trip) and runs as often as the sweep, so work taken while
# Redis was down is handed over within seconds of its return.
SCHEDULE = (
    ("sweep-deadlines", 20, sweep.run),
    ("redrive-outbox", 20, dispatch.redrive),
    # Each enabled mailbox, once a minute: a complaint by mail is no call to answer at once.
    ("fetch-mailboxes", 60, inbound.poll),
    # The sample draw of each finished period (PROP-10): a few indexed reads per tenant when
    # there is nothing to draw, so every ten minutes costs little and draws soon after the
    # month ends, or soon after last month's orders are imported.
    ("draw-samples", 600, sampling.run),
    # The questionnaire's first link of each revisit by mail or text that became due (a
    # contract's midpoint): a read of each tenant's open revisits, so every five minutes.
    ("send-revisit-links", 300, revisit_links.run),
    # Last month's summary report for each tenant with recipients (issue 13), asked for once
    # per month by its unique key and mailed when built: an hourly look costs a read a tenant.
    ("monthly-reports", 3600, summary_reports.monthly),
)
TICK = 5.0  # how often the clock wakes to see what is due


def run_due(app: Flask, last_run: dict[str, float], now: float | None = None) -> None:
    """Run each scheduled task whose interval has passed (``now``: a monotonic time)."""
    now = time.monotonic() if now is None else now
    for name, every, fn in SCHEDULE:
        if now - last_run.get(name, 0.0) >= every:
            last_run[name] = now
            try:
                with app.app_context():
                    fn()
            except Exception:
                log.exception("scheduled task %s failed", name)


def start_in_process(app: Flask, tick: float = TICK) -> threading.Thread:
    """Embedded mode: run the schedule on a daemon thread of the web process."""
    last_run: dict[str, float] = {}

    def loop() -> None:
        while True:
            run_due(app, last_run)
            time.sleep(tick)

    thread = threading.Thread(target=loop, name="closeloop-schedule", daemon=True)
    thread.start()
    return thread
