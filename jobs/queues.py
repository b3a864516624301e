"""Queue names and the Redis connections; the one place that knows RQ's settings."""

from __future__ import annotations

from flask import current_app
from redis import Redis
from redis.backoff import ExponentialWithJitterBackoff, NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry
from rq import Queue

DEFAULT = "default"
QUEUES = (DEFAULT,)

# The hand-over after commit runs while the complainant waits for the response, and the
# outbox row is committed already: a Redis that hangs (SIGSTOP, a full network) may cost
# the request this long, once, and the redrive hands the row over when Redis is back.
HANDOVER_TIMEOUT = 0.5

_connections: dict[tuple[str, str], Redis] = {}


def redis() -> Redis:
    """The client that hands work over and asks RQ how it is going: quick to give up.

    A hung Redis costs one ``HANDOVER_TIMEOUT``: a timeout is not retried. A refused or reset
    connection (a pooled one left over from before a Redis restart) is retried once on a
    fresh connection, which costs nothing when Redis is simply down.
    """
    return _client(
        "handover",
        socket_connect_timeout=HANDOVER_TIMEOUT,
        socket_timeout=HANDOVER_TIMEOUT,
        retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
    )


def worker_redis() -> Redis:
    """The worker's own client: RQ raises its socket timeout above the blocking dequeue's,
    which must never leak into the quick client of :func:`redis`."""
    # A few quick retries, not redis-py's ten: when Redis is gone, RQ's loop and
    # jobs.worker.supervise wait for it with their own back-off.
    retry = Retry(ExponentialWithJitterBackoff(base=0.1, cap=1), 3)
    return _client("worker", socket_connect_timeout=2, health_check_interval=30, retry=retry)


def _client(role: str, **options) -> Redis:
    url = current_app.config["REDIS_URL"]
    if (role, url) not in _connections:
        _connections[role, url] = Redis.from_url(url, **options)
    return _connections[role, url]


def queue(name: str = DEFAULT) -> Queue:
    """The RQ queue called ``name``, on the quick client (for enqueueing)."""
    return Queue(name, connection=redis())
