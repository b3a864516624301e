"""The least any intake on our fixed stack does, served like the real app.

One POST: a Flask-WTF form with its CSRF check, one row written through Flask-SQLAlchemy's ORM,
the session cookie updated, an RQ job enqueued after commit, a 303. No tenant, no case number,
no deadlines, no history, no outbox. Whatever this reaches beside the bare-INSERT floor is the
ceiling for the real intake on Flask + Flask-WTF + SQLAlchemy ORM + RQ.
"""

from __future__ import annotations

import os

from flask import Flask, redirect, render_template_string, session
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import FlaskForm
from redis import Redis
from rq import Queue
from sqlalchemy import event, orm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from bench import sqlite_pragmas

url = os.environ["FLOOR_DATABASE_URL"]
app = Flask(__name__)
app.config.update(
    SECRET_KEY="bench",
    SQLALCHEMY_DATABASE_URI=url,
    SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
    WTF_CSRF_TIME_LIMIT=None,
)
db = SQLAlchemy(app)
queue = Queue("stack-bench", connection=Redis.from_url(os.environ["REDIS_URL"]))


class Row(db.Model):
    __tablename__ = "stack_rows"
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    body: orm.Mapped[str]
    name: orm.Mapped[str]


class Form(FlaskForm):
    description = TextAreaField(validators=[DataRequired(), Length(max=5000)])
    name = StringField(validators=[DataRequired(), Length(max=100)])


with app.app_context():
    if url.startswith("sqlite"):
        event.listen(db.engine, "connect", sqlite_pragmas)

    db.create_all()

PAGE = (
    '<form method="post">{{ form.csrf_token }}'
    '<select name="category_id"><option value="1">x</option></select></form>'
)


@app.route("/t/mall/", methods=["GET", "POST"])
def intake():
    form = Form()
    if form.validate_on_submit():
        row = Row(body=form.description.data, name=form.name.data)
        db.session.add(row)
        db.session.commit()
        queue.enqueue(len, [row.id], job_id=f"stack-{row.id}")
        session["seen"] = row.id
        return redirect("/done", 303)
    return render_template_string(PAGE, form=form)
