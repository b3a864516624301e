"""CSV exports of a tenant's logs: streamed in chunks, Excel-ready, safe from formulas.

A log (the audit log, the personal-data access log) can be long, so its CSV is sent as the
rows are read, a chunk at a time, keyset-paginated on (at, id), with nothing held between
chunks. UTF-8 with a BOM so Excel reads Chinese; every cell that would start a formula is
quoted, since staff type what the cells hold.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from flask import Response, current_app, g
from flask_babel import force_locale, get_locale

from tenants.db import db, tenant_bound

# What starts a formula in a spreadsheet, full-width forms included (Excel reads them too).
_FORMULA = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a quote,
    also behind leading spaces, which spreadsheets skip."""
    return f"'{value}" if value.lstrip(" ")[:1] in _FORMULA else value


def line(cells: Sequence[object]) -> str:
    """One CSV line of safe cells."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(str(c)) for c in cells])
    return buffer.getvalue()


def streamed(
    filename: str,
    header: Sequence[object],
    fetch: Callable[[Any], list[Any]],
    row: Callable[[Any], Sequence[object]],
    chunk: int,
) -> Response:
    """The rows ``fetch(before)`` gives, a chunk at a time, as a CSV download.

    ``fetch`` reads at most ``chunk`` rows after the cursor ``before`` ((at, id) of the last
    row sent, None at first). The body runs as the server sends it, after the request's
    contexts are gone: in its own app context (its own session), the reader's language and
    the tenant bound again.
    """
    app, locale, tenant_id = current_app._get_current_object(), str(get_locale()), g.tenant.id

    def lines() -> Iterator[str]:
        yield "\ufeff" + line(header)
        with app.app_context(), force_locale(locale), tenant_bound(tenant_id):
            before = None
            while True:
                rows = fetch(before)
                out = [line(row(r)) for r in rows]
                db.session.rollback()  # nothing held between chunks
                if out:
                    yield "".join(out)
                if len(rows) < chunk:
                    return
                before = (rows[-1].at, rows[-1].id)

    response = Response(lines(), content_type="text/csv; charset=utf-8")
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response
