"""A history entry's before and after in words: the case page and the dossier read it alike.

``changes`` keys name fields (labels.CHANGE_FIELD), enum values become their labels and
stored times are shown by the caller's ``format_time`` (the desk in the user's zone and
locale, the dossier in the tenant's), so both speak of a change the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l

from . import labels

TimeFormat = Callable[[dt.datetime], str]
EMPTY = "∅"


def field_label(key: str) -> str:
    """The name of a field a history entry changed."""
    return str(labels.CHANGE_FIELD.get(key, key))


def value_text(value: Any, field: str, format_time: TimeFormat) -> str:
    """A value of a history entry in the reader's words."""
    if value is None or value == "":
        return EMPTY
    if field in labels.CHANGE_ENUMS:
        try:
            return labels.label(labels.CHANGE_ENUMS[field](value))
        except ValueError:
            return str(value)
    if field in labels.CHANGE_TIMES:  # stored as naive UTC text
        try:
            return format_time(dt.datetime.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    return str(value)


def lines(changes: dict[str, Any], format_time: TimeFormat) -> list[tuple[str, str]]:
    """(field, "before → after" or the value) for each change of an entry, in order."""
    out = []
    for key, value in (changes or {}).items():
        if isinstance(value, list | tuple) and len(value) == 2:
            before, after = (value_text(v, key, format_time) for v in value)
            text = f"{before} → {after}"
        else:
            text = value_text(value, key, format_time)
        out.append((field_label(key), text))
    return out
