"""The floor for intake: a bare Flask route doing one INSERT, served like the real app."""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, request

from bench import sqlite_pragmas

url = os.environ["FLOOR_DATABASE_URL"]
engine = sa.create_engine(url, pool_pre_ping=True)
if url.startswith("sqlite"):
    sa.event.listen(engine, "connect", sqlite_pragmas)


metadata = sa.MetaData()
floor = sa.Table(
    "floor",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("body", sa.Text),
)
metadata.create_all(engine)

app = Flask(__name__)


@app.post("/insert")
def insert():
    with engine.begin() as conn:
        conn.execute(floor.insert().values(body=request.form.get("description", "")))
    return "", 303, {"Location": "/done"}
