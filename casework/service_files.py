"""Reading an exported table of service records: CSV or XLSX, as maintenance systems and
Chinese Excel write them, into a header and rows of text.

CSV comes as UTF-8 (with or without the byte-order mark Excel adds) or GB18030 (what Excel
on a Chinese Windows saves as "CSV"); XLSX is read streaming, formulas as their values. Both
are bounded, in bytes before reading and in rows and columns while reading, so a large or
hostile file is refused rather than read whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .errors import InvalidInput

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000  # rows of records, the header not counted
MAX_COLUMNS = 40
MAX_CELL = 5000  # characters kept of one cell; the record's own checks are stricter
_XLSX = b"PK\x03\x04"


@dataclass
class Table:
    """A file's first row as its header and the rows below it, each cell text or a
    date-time (an XLSX date cell), blank rows left out; ``line`` is each row's number in
    the file, as the person sees it in Excel."""

    header: list[str]
    rows: list[list[str | dt.datetime]]
    lines: list[int]


def refuse(message) -> InvalidInput:
    return InvalidInput("file", message)


def read_table(data: bytes) -> Table:
    """The table in ``data``, or InvalidInput on "file" saying why it cannot be read."""
    if not data:
        raise refuse(_l("The file is empty."))
    if len(data) > MAX_BYTES:
        raise refuse(_l("The file is larger than %(size)s MB.", size=MAX_BYTES // (1024 * 1024)))
    rows = _xlsx(data) if data.startswith(_XLSX) else _csv(data)
    header_at = next((i for i, (_line, r) in enumerate(rows) if any(_text(c) for c in r)), None)
    if header_at is None:
        raise refuse(_l("The file has no header row."))
    header = [_text(c) for c in rows[header_at][1]]
    body = [(line, r) for line, r in rows[header_at + 1 :] if any(_text(c) for c in r)]
    if len(body) > MAX_ROWS:
        raise refuse(_l("Import at most %(count)s rows at a time.", count=MAX_ROWS))
    if not body:
        raise refuse(_l("The file has a header but no rows."))
    return Table(header, [r for _line, r in body], [line for line, _r in body])


def _text(cell: object) -> str:
    return cell.strip() if isinstance(cell, str) else ("" if cell is None else str(cell))


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise refuse(
            _l("The file is neither a spreadsheet (XLSX) nor text in UTF-8 or GB18030 (CSV).")
        ) from None


def _csv(data: bytes) -> list[tuple[int, list[str | dt.datetime]]]:
    text = _decode(data)
    if "\x00" in text:
        raise refuse(
            _l("The file is neither a spreadsheet (XLSX) nor text in UTF-8 or GB18030 (CSV).")
        )
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[tuple[int, list[str | dt.datetime]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for row in reader:
            if len(rows) > MAX_ROWS + 1:
                break
            rows.append((reader.line_num, [c[:MAX_CELL] for c in row[:MAX_COLUMNS]]))
    except csv.Error:
        raise refuse(_l("The file is not a table that can be read as CSV.")) from None
    return rows


def _xlsx(data: bytes) -> list[tuple[int, list[str | dt.datetime]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise refuse(_l("The spreadsheet cannot be read: save it again as XLSX.")) from None
    try:
        sheet = book.worksheets[0]
        rows: list[tuple[int, list[str | dt.datetime]]] = []
        for line, values in enumerate(
            sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1
        ):
            if len(rows) > MAX_ROWS + 1:
                break
            rows.append((line, [_cell(v) for v in values]))
        return rows
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise refuse(_l("The spreadsheet cannot be read: save it again as XLSX.")) from None
    finally:
        book.close()


def _cell(value: object) -> str | dt.datetime:
    """A cell as text, a whole number without its ".0" (a phone number, an order number),
    a date as a date-time."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    return str(value)[:MAX_CELL]
