"""Benchmarks; see run.py."""


def sqlite_pragmas(dbapi_conn, _record) -> None:
    """The app's SQLite settings (WAL, normal sync, a busy timeout), for the bench's own apps."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.close()
