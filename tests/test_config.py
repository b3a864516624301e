"""Configuration that must hold in production: a private secret key, and a limiter that
survives its Redis going away (issue 8, items 9 and 10)."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import textwrap
import threading

from web.config import from_env

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_generated_secret_key_is_readable_by_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    old_umask = os.umask(0)  # even a careless umask gets a private file
    try:
        key = from_env(str(tmp_path))["SECRET_KEY"]
    finally:
        os.umask(old_umask)
    assert _mode(tmp_path / "secret_key") == 0o600
    assert len(key) == 64 and int(key, 16)
    assert from_env(str(tmp_path))["SECRET_KEY"] == key  # kept across restarts
    assert os.listdir(tmp_path) == ["secret_key"]  # no temporary file left behind


def test_a_key_file_left_readable_by_others_is_made_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    path = tmp_path / "secret_key"
    path.write_text("an-older-key\n")
    path.chmod(0o644)
    assert from_env(str(tmp_path))["SECRET_KEY"] == "an-older-key"
    assert _mode(path) == 0o600


def test_processes_starting_at_once_agree_on_one_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    keys: list[str] = []
    start = threading.Barrier(8)

    def read() -> None:
        start.wait()
        keys.append(from_env(str(tmp_path))["SECRET_KEY"])

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 8 and len(set(keys)) == 1 and keys[0]
    assert os.listdir(tmp_path) == ["secret_key"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Run apart: the limiter is one object per process, and this app points it at a dead Redis.
_DEAD_REDIS_SCRIPT = textwrap.dedent(
    """
    import json, os, sys, time
    from web import create_app
    from tenants.db import db
    from tests.conftest import PASSWORD, TEST_HASH, make_org, open_case

    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(sys.argv[1], "db.sqlite3"),
        "SECRET_KEY": "test",
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": TEST_HASH,
        # Production mode with its Redis down: the rate limits' and the jobs' alike.
        "RATELIMIT_STORAGE_URI": sys.argv[2],
        "REDIS_URL": sys.argv[2],
        "JOBS_INLINE": False,
    })
    with app.app_context():
        db.create_all()  # not upgrade(): Alembic's logging set-up would silence the log
        org = make_org("alpha", "mall")
        case = open_case(org)
        number, code = case.number, case.access_code
        db.session.remove()
    client = app.test_client()
    started = time.monotonic()
    login = client.post("/t/alpha/desk/login", data={"username": "desk", "password": PASSWORD})
    out = {
        "login": login.status_code,
        "login_seconds": time.monotonic() - started,
        "queue": client.get("/t/alpha/desk/").status_code,
        "lookup": client.post(
            "/t/alpha/status", data={"number": number, "factor": code}
        ).status_code,
        # The limits still hold, in this process's memory.
        "misses": [
            client.post("/t/alpha/status", data={"number": number, "factor": "x"}).status_code
            for _ in range(11)
        ],
    }
    print(json.dumps(out))
    """
)


def _run_against(tmp_path, redis_url: str) -> tuple[dict, subprocess.CompletedProcess]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["CLOSELOOP_INSTANCE"] = str(tmp_path)
    run = subprocess.run(
        [sys.executable, "-c", _DEAD_REDIS_SCRIPT, str(tmp_path), redis_url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1]), run


def test_log_in_and_lookup_answer_while_the_limiters_redis_is_down(tmp_path):
    out, run = _run_against(tmp_path, f"redis://127.0.0.1:{_free_port()}/0")
    assert (out["login"], out["queue"], out["lookup"]) == (303, 200, 303), run.stderr
    assert out["misses"] == [200] * 10 + [429]
    # Said once, where the app's log goes, with nothing configured to catch it.
    assert run.stderr.count("falling back to in-memory storage") == 1, run.stderr
    assert "Traceback" not in run.stderr


def test_a_hung_limiter_redis_holds_log_in_briefly(tmp_path):
    """A Redis that accepts and never answers (SIGSTOP, a full network) costs a log-in its
    short timeouts, not redis-py's 5 s tried eleven times."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    try:
        out, run = _run_against(tmp_path, f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
    finally:
        silent.close()
    assert (out["login"], out["queue"], out["lookup"]) == (303, 200, 303), run.stderr
    assert out["login_seconds"] < 3, out  # 0.5 s timeouts, no retries; was over 10 s
