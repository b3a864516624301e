"""The worker process: RQ's SimpleWorker, kept alive through Redis outages and kills.

Three things differ from ``rq worker --with-scheduler``, each for a fault seen in production:

- RQ's work loop gives up when Redis drops while a job finishes ("found an unhandled
  exception, quitting": the post-job heartbeat fails, then the death registration too), and
  nothing restarted it. :func:`supervise` starts a fresh worker after a back-off, for as
  long as it takes; only SIGTERM or SIGINT end the process.
- RQ forks its scheduler (which enqueues retries when their interval is up) into a child
  that outlived a ``kill -9`` of the worker, holding the scheduler lock, and that came back
  after a crash only at the 10-minute housekeeping. Here it is a thread of the worker:
  it dies with the process, and retries Redis on its next tick.
- A running job's heartbeat is refreshed every ``HEARTBEAT_EVERY`` seconds with a short
  time to live, so a killed worker's job is seen to be lost within ``HEARTBEAT_TTL`` (by
  :func:`jobs.dispatch.redrive` and by RQ's own housekeeping) instead of after minutes.

SimpleWorker runs jobs in-process, keeping WeasyPrint warm (see :mod:`jobs.pdf`).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from redis.exceptions import RedisError
from rq import SimpleWorker
from rq.job import Job
from rq.queue import Queue
from rq.scheduler import RQScheduler
from rq.worker.base import WorkerStatus

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = 10
# Four missed heartbeats: a busy job is never taken for lost, a killed one is within a minute.
HEARTBEAT_TTL = 45
# RQ blocks on the queue for WORKER_TTL - 15 s between its housekeeping checks.
WORKER_TTL = 35
MAINTENANCE_EVERY = 30
SCHEDULER_EVERY = 1.0
BACKOFF_MAX = 30.0
# A worker that ran this long was healthy: the next failure starts the back-off afresh.
HEALTHY_AFTER = 60.0


class Worker(SimpleWorker):
    """A SimpleWorker with short heartbeats, an in-process scheduler and a tear-down that
    survives a dead connection."""

    # RQ's idle worker retries a lost connection with a back-off up to this (60 s in RQ):
    # short, so work resumes soon after Redis is back.
    max_connection_wait_time = 8.0

    def __init__(self, queues: list[Queue], **kwargs: Any) -> None:
        kwargs.setdefault("worker_ttl", WORKER_TTL)
        kwargs.setdefault("maintenance_interval", MAINTENANCE_EVERY)
        kwargs.setdefault("job_monitoring_interval", HEARTBEAT_EVERY)
        super().__init__(queues, **kwargs)
        self.signalled = False
        self._scheduler_stop = threading.Event()
        self._scheduler_thread: threading.Thread | None = None

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        """Short, whatever the job's timeout: the heartbeat thread keeps it fresh."""
        return HEARTBEAT_TTL

    def execute_job(self, job: Job, queue: Queue) -> None:
        """Run the job in this process while a thread keeps its heartbeat going."""
        execution = self.prepare_execution(job)
        finished = threading.Event()

        def beat() -> None:
            while not finished.wait(HEARTBEAT_EVERY):
                try:
                    self.maintain_heartbeats(job, execution)
                except RedisError as exc:
                    log.warning("heartbeat for job %s failed: %s", job.id, exc)

        thread = threading.Thread(target=beat, name="closeloop-heartbeat", daemon=True)
        thread.start()
        try:
            self.perform_job(job, queue, execution)
        finally:
            finished.set()
            thread.join()
        self.set_state(WorkerStatus.IDLE)

    def request_stop(self, signum, frame) -> None:
        """Note that a signal, not a failure, ends this worker (the supervisor stops too)."""
        self.signalled = True
        super().request_stop(signum, frame)

    def set_shutdown_requested_date(self) -> None:
        # Called from the signal handler: with Redis down it must not raise into the job.
        try:
            super().set_shutdown_requested_date()
        except RedisError as exc:
            log.warning("could not record the shutdown request: %s", exc)

    # The scheduler, on a thread of this process.

    def _start_scheduler(self, burst: bool = False, *args, **kwargs) -> None:
        if burst:  # RQ's own: enqueue what is due once, in this process
            super()._start_scheduler(burst, *args, **kwargs)
            return
        self.scheduler = RQScheduler(
            self.queues, connection=self.connection, serializer=self.serializer
        )
        self._scheduler_stop.clear()
        self._scheduler_thread = threading.Thread(
            target=self._schedule, name="closeloop-scheduler", daemon=True
        )
        self._scheduler_thread.start()

    def _schedule(self) -> None:
        scheduler = self.scheduler
        names = {q.name for q in self.queues}
        while True:
            try:
                if scheduler.acquired_locks != names:  # another worker's lock may have expired
                    if scheduler.acquire_locks():
                        scheduler.register_birth()
                if scheduler.acquired_locks:
                    scheduler.heartbeat()
                    scheduler.enqueue_scheduled_jobs()
            except Exception as exc:  # Redis down: try again on the next tick
                log.warning("scheduler tick failed: %s", exc)
            if self._scheduler_stop.wait(SCHEDULER_EVERY):
                break
        try:
            scheduler.release_locks()
            scheduler.register_death()
        except RedisError as exc:  # the locks expire on their own
            log.warning("scheduler could not release its locks: %s", exc)

    def stop_scheduler(self) -> None:
        self._scheduler_stop.set()
        if self._scheduler_thread is not None:
            self._scheduler_thread.join(timeout=10)

    def run_maintenance_tasks(self) -> None:
        # RQ's version would fork its scheduler process again; the thread looks after itself.
        self.clean_registries()
        self.clean_group_registries()

    def teardown(self) -> None:
        """Stop the scheduler and the pubsub thread even when Redis is gone."""
        if self.scheduler is not None:
            self.stop_scheduler()
        try:
            self.register_death()
        except RedisError as exc:  # the worker's key expires on its own
            log.warning("could not register the worker's death: %s", exc)
        if self.pubsub_thread is not None:
            try:
                self.pubsub.unsubscribe()
            except RedisError:
                pass
            self.pubsub_thread.stop()
            self.pubsub_thread.join(timeout=2)
            self.pubsub.close()


def supervise(make_worker: Callable[[], Worker], *, burst: bool = False) -> None:
    """Run workers one after another until SIGTERM or SIGINT; in burst mode, run one.

    A worker that fails (Redis gone while it starts, works or tears down) is replaced after
    a back-off of 1, 2, 4 … up to ``BACKOFF_MAX`` seconds, started afresh after a healthy run.
    """
    stopping: list[int] = []  # a plain list: a signal handler must not take a lock

    def on_signal(signum, _frame) -> None:
        log.info("signal %s: stopping", signum)
        stopping.append(signum)

    def between_workers() -> None:  # RQ's handlers, left installed, point at a dead worker
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, on_signal)

    between_workers()
    delay = 1.0
    while not stopping:
        started = time.monotonic()
        worker = None
        try:
            worker = make_worker()
            if not stopping:
                worker.work(burst=burst, with_scheduler=True)
        except Exception:
            log.exception("the worker failed")
        between_workers()
        if burst or stopping or (worker is not None and worker.signalled):
            return
        if time.monotonic() - started >= HEALTHY_AFTER:
            delay = 1.0
        log.warning("the worker stopped; starting a new one in %.0f s", delay)
        until = time.monotonic() + delay
        while not stopping and time.monotonic() < until:
            time.sleep(0.1)
        delay = min(delay * 2, BACKOFF_MAX)
