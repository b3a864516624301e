"""Downloads of lists and figures as CSV and XLSX: streamed or batched, Excel-ready, safe
from formulas.

A list (the audit log, the personal-data access log, a case list) can be long, so its CSV is
sent as the rows are read, a chunk at a time, with nothing held between chunks. UTF-8 with a
BOM so Excel reads Chinese; every cell that would start a formula is quoted, since staff and
complainants type what the cells hold. An XLSX is built in the request (a zip cannot be
streamed) with openpyxl's write-only workbook, which keeps rows in a temporary file rather
than in memory; its text cells are typed as text with Excel's hidden quote prefix, so a
value such as ``=HYPERLINK(...)`` shows as it was typed and never runs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app, g
from flask_babel import force_locale, get_locale
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tenants.db import db, tenant_bound

# What starts a formula in a spreadsheet, full-width forms included (Excel reads them too).
_FORMULA = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
BOM = "\ufeff"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd hh:mm"
# Excel's limit on a cell's text; longer descriptions are cut rather than refused.
XLSX_CELL_MAX = 32_767


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a quote,
    also behind leading spaces, which spreadsheets skip."""
    return f"'{value}" if starts_formula(value) else value


def starts_formula(value: str) -> bool:
    """Whether a spreadsheet would read ``value`` as a formula."""
    return value.lstrip(" ")[:1] in _FORMULA


def text(value: object) -> str:
    """A value as a CSV cell reads it: dates to the minute, None as empty."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def line(cells: Sequence[object]) -> str:
    """One CSV line of safe cells."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(text(c)) for c in cells])
    return buffer.getvalue()


def _attachment(response: Response, filename: str) -> Response:
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


def csv_download(
    filename: str,
    header: Sequence[object],
    chunks: Callable[[], Iterator[Sequence[Sequence[object]]]],
) -> Response:
    """The rows of ``chunks()``, one chunk (a list of rows) at a time, as a CSV download.

    The body runs as the server sends it, after the request's contexts are gone: in its own
    app context (its own session), the reader's language and the tenant bound again, so
    ``chunks`` must load what it needs by id. Between chunks the session is rolled back:
    no transaction stays open while the client reads.
    """
    app, locale, tenant_id = current_app._get_current_object(), str(get_locale()), g.tenant.id

    def lines() -> Iterator[str]:
        yield BOM + line(header)
        with app.app_context(), force_locale(locale), tenant_bound(tenant_id):
            for rows in chunks():
                out = "".join(line(r) for r in rows)
                db.session.rollback()  # nothing held between chunks
                if out:
                    yield out

    response = Response(lines(), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename)


def streamed(
    filename: str,
    header: Sequence[object],
    fetch: Callable[[Any], list[Any]],
    row: Callable[[Any], Sequence[object]],
    chunk: int,
) -> Response:
    """The rows ``fetch(before)`` gives, a chunk at a time, as a CSV download.

    ``fetch`` reads at most ``chunk`` rows after the cursor ``before`` ((at, id) of the last
    row sent, None at first): a log read newest first, keyset on (at, id).
    """

    def chunks() -> Iterator[list[Sequence[object]]]:
        before = None
        while True:
            rows = fetch(before)
            yield [row(r) for r in rows]
            if len(rows) < chunk:
                return
            before = (rows[-1].at, rows[-1].id)

    return csv_download(filename, header, chunks)


@dataclass
class Sheet:
    """One sheet of a workbook: its tab's title, its header row and its rows."""

    title: str
    header: Sequence[object]
    rows: Iterable[Sequence[object]]
    widths: Sequence[int] = ()


def _sheet_title(title: str, taken: set[str]) -> str:
    # Excel refuses some characters in a tab's name and more than 31 of them.
    clean = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()[:31] or "Sheet"
    name, n = clean, 2
    while name in taken:
        name = f"{clean[:28]} {n}"
        n += 1
    taken.add(name)
    return name


def _xlsx_cell(sheet: Any, value: object, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_CELL_MAX]
    elif value is not None and not isinstance(value, int | float | dt.date):
        value = str(value)  # a lazy string, a Decimal: as it reads
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever it starts with
        cell.quotePrefix = starts_formula(value)
    elif isinstance(value, dt.datetime):
        cell.number_format = DATE_FORMAT
    if bold:
        cell.font = Font(bold=True)
    return cell


def workbook(sheets: Iterable[Sheet]) -> bytes:
    """The sheets as an XLSX file: a bold header row frozen above each sheet's rows."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    for spec in sheets:
        sheet = book.create_sheet(_sheet_title(str(spec.title), taken))
        sheet.freeze_panes = "A2"
        for index, width in enumerate(spec.widths):
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        sheet.append([_xlsx_cell(sheet, h, bold=True) for h in spec.header])
        for row in spec.rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_download(filename: str, sheets: Iterable[Sheet]) -> Response:
    """The sheets as an XLSX download."""
    return _attachment(Response(workbook(sheets), content_type=XLSX), filename)
