"""Queue names and the Redis connection; the one place that knows RQ's settings."""

from __future__ import annotations

from flask import current_app
from redis import Redis
from rq import Queue

DEFAULT = "default"
QUEUES = (DEFAULT,)

_connections: dict[str, Redis] = {}


def redis() -> Redis:
    """A Redis client for the configured URL; quick to give up so a Redis outage never
    holds a request that only wanted to enqueue."""
    url = current_app.config["REDIS_URL"]
    if url not in _connections:
        _connections[url] = Redis.from_url(
            url, socket_connect_timeout=1, socket_timeout=5, health_check_interval=30
        )
    return _connections[url]


def queue(name: str = DEFAULT) -> Queue:
    """The RQ queue called ``name``."""
    return Queue(name, connection=redis())
