"""A private dovecot IMAP server for the mailbox tests: its own config, ports and maildir.

Started in the foreground (``dovecot -F -c <conf>``) from a temporary directory, listening
on 127.0.0.1 only, with a self-signed certificate made here, passwd-file accounts and
maildirs in the same directory; stopped (its own process, by pid) at the end. The system's
dovecot, if any, is never touched. As root, dovecot's own unprivileged users run the login
and mail processes (dovecot refuses root for them); as anyone else, that user runs all.
"""

from __future__ import annotations

import datetime as dt
import imaplib
import ipaddress
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ACCOUNTS = 200  # one per test that reads a mailbox, for the whole run


def dovecot_binary() -> str | None:
    """The dovecot binary (Debian installs it in /usr/sbin, not always on PATH)."""
    return shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/usr/local/sbin")


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "closeloop test imap")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DovecotServer:
    """One private dovecot; :meth:`add_user` makes a fresh account (and maildir) per test."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        # Outside pytest's 0700 temporary tree: dovecot's unprivileged users must reach it.
        self.directory = Path(tempfile.mkdtemp(prefix="closeloop-dovecot-"))
        self.directory.chmod(0o755)
        self.cert, self.key = make_certificate(self.directory)
        # Every account made up front: dovecot re-reads a passwd-file that changes only
        # when it notices, which a quick test can beat.
        self.passwd = self.directory / "passwd"
        self.passwd.write_text(
            "".join(f"{u}:{{PLAIN}}{p}\n" for u, p in map(self._account, range(1, ACCOUNTS + 1)))
        )
        self.home = self.directory / "home"
        self.home.mkdir()
        self.imaps_port = self.starttls_port = 0
        self.process: subprocess.Popen | None = None
        self._users = 0

    def _config(self) -> str:
        me = pwd.getpwuid(os.getuid()).pw_name
        if os.getuid() == 0:
            internal, login, mail = "dovecot", "dovenull", "dovecot"
            shutil.chown(self.home, mail, mail)
        else:
            internal = login = mail = me
        d = self.directory
        return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
ssl = yes
ssl_cert = <{self.cert}
ssl_key = <{self.key}
auth_mechanisms = plain
first_valid_uid = 1
first_valid_gid = 1
default_internal_user = {internal}
default_internal_group = {internal}
default_login_user = {login}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.passwd}
}}
userdb {{
  driver = static
  args = uid={mail} gid={mail} home={self.home}/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {self.starttls_port}
  }}
  inet_listener imaps {{
    port = {self.imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""

    def start(self) -> DovecotServer:
        for _attempt in range(5):
            self.imaps_port, self.starttls_port = _free_port(), _free_port()
            conf = self.directory / "dovecot.conf"
            conf.write_text(self._config())
            log = (self.directory / "stdout.log").open("ab")
            self.process = subprocess.Popen(
                [self.binary, "-F", "-c", str(conf)], stdout=log, stderr=subprocess.STDOUT
            )
            if self._answers():
                return self
            self.stop()
        raise RuntimeError(f"dovecot would not start; see {self.directory / 'dovecot.log'}")

    def _answers(self) -> bool:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.starttls_port), timeout=0.5):
                    pass
                with socket.create_connection(("127.0.0.1", self.imaps_port), timeout=0.5):
                    return True
            except OSError:
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        """Stop our dovecot (by its pid) and wait until it has gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    @staticmethod
    def _account(n: int) -> tuple[str, str]:
        return f"clerk{n}", f"pw-{n}-secret"

    def add_user(self) -> tuple[str, str]:
        """An account not used before, with an empty mailbox: (user name, password)."""
        self._users += 1
        assert self._users <= ACCOUNTS, "raise ACCOUNTS in tests/dovecot.py"
        return self._account(self._users)

    def client(self, user: str, password: str) -> imaplib.IMAP4_SSL:
        """A logged-in connection for the test's own APPENDs."""
        context = ssl.create_default_context(cafile=str(self.cert))
        conn = imaplib.IMAP4_SSL("127.0.0.1", self.imaps_port, ssl_context=context, timeout=30)
        conn.login(user, password)
        return conn

    def append(
        self, user: str, password: str, raw: bytes, arrived: dt.datetime | None = None
    ) -> None:
        """Put one mail in the user's INBOX, arriving at ``arrived`` (aware) if given."""
        conn = self.client(user, password)
        try:
            when = imaplib.Time2Internaldate(arrived) if arrived else None
            typ, data = conn.append("INBOX", None, when, raw)
            assert typ == "OK", data
        finally:
            conn.logout()
