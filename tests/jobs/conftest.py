"""Fixtures for the job tests: a mail server that hangs, and real worker processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class SilentSmtp:
    """An SMTP server that accepts connections and never answers, so a send hangs in it.

    ``reached`` is set when the first connection arrives: a worker is then mid-send, its
    claim on the message committed (see ``jobs.notify.send_mail``). :meth:`hang_up` closes
    every connection, and any that come later, so the sends fail.
    """

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.reached = threading.Event()
        self._held: list[socket.socket] = []
        self._hung_up = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn = self.server.accept()[0]
            except OSError:
                continue
            if self._hung_up:
                conn.close()
            else:
                self._held.append(conn)
            self.reached.set()

    def hang_up(self) -> None:
        self._hung_up = True
        for conn in self._held:
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.hang_up()
        self.server.close()


@pytest.fixture
def silent_smtp() -> Iterator[SilentSmtp]:
    server = SilentSmtp()
    yield server
    server.close()


class WorkerProcess:
    """``flask jobs worker`` in a process (and process group) of its own, logging to a file."""

    def __init__(self, popen: subprocess.Popen, log: Path) -> None:
        self.popen = popen
        self.log = log

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, what: str, condition: Callable[[], bool], timeout: float = 120) -> None:
        """Wait for ``condition`` while the worker lives; the timeout only guards a hang."""
        deadline = time.monotonic() + timeout
        while not condition():
            assert self.alive(), f"the worker stopped before {what}:\n{self.output()}"
            assert time.monotonic() < deadline, f"never {what}:\n{self.output()}"
            time.sleep(0.1)

    def group_alive(self) -> bool:
        """Whether any process of the worker's group is left (a forked child, say)."""
        try:
            os.killpg(self.pid, 0)
        except ProcessLookupError:
            return False
        return True


@pytest.fixture
def start_worker(app, tmp_path) -> Iterator[Callable[..., WorkerProcess]]:
    """Start a worker against the test database and the given Redis; killed at the end."""
    started: list[WorkerProcess] = []

    def start(redis_url: str, *args: str, mail_port: int | None = None) -> WorkerProcess:
        env = dict(
            os.environ,
            FLASK_APP="wsgi",
            DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
            REDIS_URL=redis_url,
            SECRET_KEY="test",
            CLOSELOOP_INSTANCE=str(tmp_path),
            PYTHONUNBUFFERED="1",
        )
        if mail_port is not None:
            env.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(mail_port))
        log = tmp_path / f"worker-{len(started)}.log"
        with log.open("w") as out:
            popen = subprocess.Popen(
                [str(Path(sys.executable).parent / "flask"), "jobs", "worker", *args],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: orphans can be looked for
            )
        started.append(WorkerProcess(popen, log))
        return started[-1]

    yield start
    for worker in started:
        try:
            os.killpg(worker.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        worker.popen.wait()
