"""Configuration from the environment. Embedded mode needs none of it."""

from __future__ import annotations

import os
import secrets
import stat

from redis.backoff import NoBackoff
from redis.retry import Retry

from casework.operations.intake import MAX_ATTACHMENT_BYTES


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.lower() in ("1", "true", "yes", "on")


def from_env(instance_path: str) -> dict:
    """Settings for create_app: DATABASE_URL and REDIS_URL switch to production mode."""
    database_url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + os.path.join(instance_path, "closeloop.sqlite3")
    )
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    redis_url = os.environ.get("REDIS_URL", "")
    limiter_uri = os.environ.get("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _instance_secret(instance_path),
        # Seals tenants' stored credentials (tenants/secrets.py); derived from SECRET_KEY if unset.
        "SECRETS_KEY": os.environ.get("SECRETS_KEY", ""),
        # Extra CA certificates to trust for tenants' IMAP mailboxes (PEM file); empty: the
        # system's CAs. Certificates are always verified (jobs/imap.py).
        "MAILBOX_CA_FILE": os.environ.get("MAILBOX_CA_FILE", ""),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url or "redis://127.0.0.1:6379/0",
        # Without Redis, jobs run in-process right after commit (embedded mode).
        "JOBS_INLINE": _bool("JOBS_INLINE", default=not redis_url),
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "closeloop@localhost"),
        "RATELIMIT_STORAGE_URI": limiter_uri,
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis down must not take log-in and the status lookup with it: the limits go on in
        # each process's memory until the storage answers again (Flask-Limiter logs both).
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        # A hung Redis would hold every limited request for the client's default timeout
        # (5 s, and redis-py tries ten more times). Memory storage ignores these options, so
        # they hold whichever storage the app is finally given.
        "RATELIMIT_STORAGE_OPTIONS": {
            "socket_connect_timeout": 0.5,
            "socket_timeout": 0.5,
            "retry": Retry(NoBackoff(), 0),
        },
        "SHOW_TENANT_DIRECTORY": _bool("SHOW_TENANT_DIRECTORY", default=True),
        # How many proxies in front set X-Forwarded-For/-Proto (web/security.py).
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0") or 0),
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        # How long a link to set a password works (a new account's, or after a reset).
        "PASSWORD_LINK_HOURS": int(os.environ.get("PASSWORD_LINK_HOURS", "72") or 72),
        # The largest attachment, plus room for the rest of the form it comes with.
        "MAX_CONTENT_LENGTH": MAX_ATTACHMENT_BYTES + 1024 * 1024,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        # Secure cookies are sent over HTTPS only: on whenever the public address is HTTPS.
        "SESSION_COOKIE_SECURE": _bool(
            "SESSION_COOKIE_SECURE",
            default=os.environ.get("PUBLIC_URL", "").startswith("https://"),
        ),
        "WTF_CSRF_TIME_LIMIT": None,
    }


def _instance_secret(instance_path: str) -> str:
    """A per-install secret kept in the instance folder, so sessions survive restarts.

    Whoever reads the file can sign a session for any user: it is created readable by its
    owner only, and whole. The key is written to a private temporary file and linked into
    place, so two processes starting at once never read a half-written key, and the loser of
    the race reads the winner's.
    """
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        os.makedirs(instance_path, exist_ok=True)
        _write_private(path, secrets.token_hex(32))
    elif stat.S_IMODE(os.stat(path).st_mode) & 0o077:
        os.chmod(path, 0o600)  # a key written by an older version, readable by others
    with open(path) as fh:
        return fh.read().strip()


def _write_private(path: str, text: str) -> None:
    """Create ``path`` with mode 0600 holding ``text``, unless it exists already."""
    tmp = f"{path}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # atomic, and refuses to replace a key another process made
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
