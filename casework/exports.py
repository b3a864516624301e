"""Exports of case lists (导出): the cases a list shows, all its pages, read a batch at a
time in the list's own order, at most :data:`MOST`, and a line in the audit log for each
export made (who, which list and filter, how many rows).

The list's own page function does the reading, so an export holds exactly the cases the
viewer's queue or search shows them (their sight, their filters), in the same order; the
masking is the viewer's :class:`~casework.privacy.Reader`'s, applied where the rows are
written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from tenants import audit
from tenants.models import User

from .models import Case

# The most rows one export holds, bounded so a download never runs for minutes; past it
# the file says it was cut. A CSV streams as it is read: a year of a busy office. A workbook
# is built whole in the request, and openpyxl writes about 0.45 ms a row on these machines
# (10,000 rows of the case list in 4.5 s), so it holds fewer.
MOST = 50_000
MOST_XLSX = 20_000
# The cases read per query: large enough to keep the queries few, small enough that one
# batch of cases and their rows stays a few megabytes.
BATCH = 500

# A list's page function: (cursor, how many) → (the cases, the next page's cursor or None).
Pages = Callable[[str, int], tuple[list[Case], str | None]]


def most(fmt: str) -> int:
    """The most rows an export in ``fmt`` ("csv" or "xlsx") holds."""
    return MOST_XLSX if fmt == "xlsx" else MOST


def batches(pages: Pages, most: int | None = None) -> Iterator[list[Case]]:
    """The cases the list's pages give, a batch at a time, at most ``most`` (:data:`MOST`)."""
    cursor, left = "", MOST if most is None else most
    while left > 0:
        cases, cursor = pages(cursor, min(BATCH, left))
        cases = cases[:left]
        left -= len(cases)
        if cases:
            yield cases
        if not cursor:
            return


def record(actor: User, what: str, details: dict[str, Any]) -> audit.AuditEvent:
    """The audit log's line for an export: ``what`` names it ("cases", "figures"); the
    details name the list, format and filters, and the rows it holds."""
    return audit.record(actor, f"export.{what}", what, {"after": details})
