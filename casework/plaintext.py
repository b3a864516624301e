"""Text from outside, made safe to print: no control characters, no bidi overrides.

A complainant's name, a file name or a description may carry characters that print nothing
but change what is read: a right-to-left override (U+202E) turns ``invoice‮fdp.exe`` into
what looks like ``invoiceexe.pdf``, and control characters upset PDF text and mail headers.
What is stored as the complainant typed it is cleaned where it is printed (letters) or used as
a name (attachments).
"""

from __future__ import annotations

import unicodedata

# The explicit directional formatting characters (Unicode TR9): embeddings, overrides,
# isolates and the marks, plus the Arabic letter mark.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_LINE_BREAKS = frozenset("\n")


def printable(text: str, *, multiline: bool = True) -> str:
    """``text`` without control characters, bidi controls or line and paragraph separators.

    Line breaks stay in multi-line text (a letter's summary keeps its paragraphs); a tab
    becomes a space; in one-line text every break becomes a space.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if not multiline:
        text = text.replace("\n", " ")
    keep = _LINE_BREAKS if multiline else frozenset()
    return "".join(
        ch
        for ch in text
        if ch in keep
        or (ch not in BIDI_CONTROLS and unicodedata.category(ch) not in ("Cc", "Zl", "Zp"))
    )


def file_name(name: str) -> str:
    """A file name fit to store and offer for download: one line, no path, nothing invisible.

    Beyond :func:`printable`, every format character (zero-width spaces and joiners, the
    byte-order mark) goes too: in a name they only ever hide something.
    """
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        ch for ch in printable(name, multiline=False) if unicodedata.category(ch) != "Cf"
    )
    return " ".join(name.split()).strip(". ")
