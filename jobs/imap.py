"""The IMAP side of the mailbox: connect over TLS, log in, open the folder, read by UID.

Only the standard library (``imaplib`` with an ``ssl`` context that verifies the server's
certificate against the system's CAs, or ``MAILBOX_CA_FILE`` when set, as the tests' own
server needs). The connection is TLS from the start (IMAPS) or upgraded with STARTTLS before
the password is sent; there is no plain-text mode. Every failure comes out as
:class:`MailboxError` with a sentence the admin can act on.
"""

from __future__ import annotations

import datetime as dt
import imaplib
import re
import socket
import ssl
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

TIMEOUT = 30.0  # seconds for any one network operation: a hung server must not hang the clock
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
_DATE = re.compile(rb'INTERNALDATE "([^"]+)"')


class MailboxError(Exception):
    """The mailbox could not be reached or read; ``message`` says why, for the admin."""

    def __init__(self, message: object, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message} {self.detail}".strip()


@dataclass(frozen=True)
class Account:
    """Where the mailbox is and how to log in (the password unsealed, in memory only)."""

    host: str
    port: int
    tls: bool
    username: str
    password: str
    folder: str


def _context() -> ssl.SSLContext:
    ca_file = current_app.config.get("MAILBOX_CA_FILE") or None
    return ssl.create_default_context(cafile=ca_file)


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Session:
    """An open, logged-in IMAP connection with the folder selected read-only."""

    def __init__(self, account: Account) -> None:
        self.conn = _connect(account)
        self.uidvalidity, self.exists = _select(self.conn, account.folder)

    def close(self) -> None:
        try:
            self.conn.logout()
        except (imaplib.IMAP4.error, OSError):
            pass

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def uids_after(self, last_uid: int, since: dt.date | None) -> list[int]:
        """The UIDs above ``last_uid``, oldest first (``n:*`` also names the highest UID
        when none is above n: filtered here)."""
        criteria = f"UID {last_uid + 1}:*"
        if since is not None:
            criteria += " SINCE " + since.strftime("%d-%b-%Y")
        data = self._ok(self.conn.uid("SEARCH", None, criteria))
        found = [int(u) for u in (data[0] or b"").split()]
        return sorted(u for u in found if u > last_uid)

    def meta(self, uid: int) -> tuple[int, dt.datetime | None] | None:
        """The mail's size and its arrival at the server (INTERNALDATE, naive UTC); None
        when the mail is gone."""
        data = self._ok(self.conn.uid("FETCH", str(uid), "(RFC822.SIZE INTERNALDATE)"))
        line = b" ".join(d if isinstance(d, bytes) else d[0] for d in data if d)
        size = _SIZE.search(line)
        if size is None:
            return None
        date = _DATE.search(line)
        arrived = None
        if date is not None:
            try:
                when = dt.datetime.strptime(date.group(1).decode(), "%d-%b-%Y %H:%M:%S %z")
                arrived = when.astimezone(dt.UTC).replace(tzinfo=None)
            except ValueError:
                arrived = None
        return int(size.group(1)), arrived

    def fetch(self, uid: int, header_only: bool = False) -> bytes | None:
        """The mail's bytes (or its header alone), without marking it read; None if gone."""
        part = "BODY.PEEK[HEADER]" if header_only else "BODY.PEEK[]"
        data = self._ok(self.conn.uid("FETCH", str(uid), f"({part})"))
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                return item[1]
        return None

    @staticmethod
    def _ok(response: tuple[str, list]) -> list:
        typ, data = response
        if typ != "OK":
            raise MailboxError(_l("The mail server refused a request."), _text(data))
        return data


def _connect(account: Account) -> imaplib.IMAP4:
    context = _context()
    try:
        if account.tls:
            conn = imaplib.IMAP4_SSL(
                account.host, account.port, ssl_context=context, timeout=TIMEOUT
            )
        else:
            conn = imaplib.IMAP4(account.host, account.port, timeout=TIMEOUT)
            conn.starttls(ssl_context=context)
    except ssl.SSLCertVerificationError as exc:
        raise MailboxError(
            _l("The server's certificate could not be verified: is the server name right?"),
            exc.verify_message or "",
        ) from exc
    except ssl.SSLError as exc:
        raise MailboxError(
            _l("No secure (TLS) connection could be made: check the port and the TLS setting."),
            str(exc),
        ) from exc
    except socket.gaierror as exc:
        raise MailboxError(_l("No mail server of that name was found."), str(exc)) from exc
    except ConnectionRefusedError as exc:
        raise MailboxError(_l("The server refused the connection on that port."), "") from exc
    except TimeoutError as exc:
        raise MailboxError(_l("The server did not answer in time."), "") from exc
    except imaplib.IMAP4.error as exc:
        raise MailboxError(
            _l("The server does not offer a secure (TLS) connection on that port."), str(exc)
        ) from exc
    except OSError as exc:
        raise MailboxError(_l("The mail server could not be reached."), str(exc)) from exc
    try:
        conn.login(account.username, account.password)
    except imaplib.IMAP4.error as exc:
        _drop(conn)
        raise MailboxError(_l("The server refused the user name or password."), str(exc)) from exc
    except OSError as exc:
        _drop(conn)
        raise MailboxError(_l("The connection broke while logging in."), str(exc)) from exc
    return conn


def _select(conn: imaplib.IMAP4, folder: str) -> tuple[int, int]:
    try:
        typ, data = conn.select(_quoted(folder), readonly=True)
    except (imaplib.IMAP4.error, OSError) as exc:
        _drop(conn)
        raise MailboxError(_l("The folder could not be opened."), str(exc)) from exc
    if typ != "OK":
        _drop(conn)
        raise MailboxError(_l("There is no folder of that name in the mailbox."), _text(data))
    _name, values = conn.response("UIDVALIDITY")
    try:
        exists = int(data[-1]) if data and data[-1] else 0
        return int(values[0]), exists
    except (TypeError, ValueError, IndexError) as exc:
        _drop(conn)
        raise MailboxError(_l("The server did not say how it numbers the folder's mail.")) from exc


def _drop(conn: imaplib.IMAP4) -> None:
    try:
        conn.shutdown()
    except OSError:
        pass


def _text(data: list) -> str:
    return " ".join(d.decode(errors="replace") for d in data if isinstance(d, bytes))[:200]


def probe(account: Account) -> int:
    """Connect, log in and open the folder, as the job would; the number of mails in it.

    For the admin's "test connection" button: it reads nothing and marks nothing read.
    """
    with Session(account) as session:
        return session.exists
