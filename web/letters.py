"""Serving a stored letter, or a "being prepared" page while the job renders it."""

from __future__ import annotations

from flask import make_response, render_template

from casework import access
from casework.models import Case


def letter_response(case: Case, kind: str):
    """The PDF if rendered; otherwise a page that refreshes until it is (HTTP 202)."""
    letter = access.get_letter(case, kind)
    if letter is None:
        return render_template("letters/pending.html", case=case), 202
    response = make_response(letter.pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{case.number}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
