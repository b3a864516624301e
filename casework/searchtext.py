"""The text of the case search, as pure functions: what a case's search document holds and
how a query is read into terms. No database here, so the domain's flush hook, the migration's
backfill and the benchmark's loader all build the same document.

Text is folded once (NFKC, lower case) on both sides: full-width digits and letters (１３８,
ＡＢ) match their ASCII forms, and the indexes see one spelling.

Chinese has no spaces, and a two-character word (噪音, 电梯) is common. The trigram indexes
(SQLite FTS5 ``trigram``, PostgreSQL ``pg_trgm``) need three characters, so each document
also carries its character bigrams (:func:`grams`): every adjacent pair of letters or digits
with at least one non-ASCII character in it. A two-character term is then one exact token.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# The longest query read at all: longer ones are refused on the form, never run.
MAX_QUERY = 200
# More words than this narrow nothing further and only cost index probes.
MAX_TERMS = 6
# Shortest terms: a phone fragment of 4 digits, 3 letters, or 2 characters of Chinese.
MIN_DIGITS = 4
MIN_ASCII = 3
MIN_WIDE = 2

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_PHONE_LIKE = re.compile(r"[0-9\s+\-()]+")


def fold(text: str) -> str:
    """NFKC, lower case, no control or bidi characters: the one spelling indexes see."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFKC", text or "")).lower()


def digits(text: str) -> str:
    """The ASCII digits of ``text`` (after folding), as a phone is indexed and searched."""
    return "".join(ch for ch in fold(text) if "0" <= ch <= "9")


def _wide(ch: str) -> bool:
    return not ch.isascii()


def grams(*texts: str) -> str:
    """The distinct character bigrams of ``texts`` that hold a non-ASCII letter or digit,
    space-separated in first-seen order: the tokens a 2-character Chinese term is found by."""
    seen: dict[str, None] = {}
    for text in texts:
        folded = fold(text)
        for a, b in zip(folded, folded[1:], strict=False):
            if a.isalnum() and b.isalnum() and (_wide(a) or _wide(b)):
                seen.setdefault(a + b, None)
    return " ".join(seen)


@dataclass(frozen=True)
class Document:
    """One case's search row: ``doc`` is what every member of staff may find a case by,
    ``pdoc`` the complainant's personal data, matched only for those who may read it."""

    number: str
    name: str
    phone: str
    email: str
    doc: str
    pdoc: str
    grams: str


def document(
    *,
    number: str,
    name: str,
    phone_digits: str,
    email: str,
    address: str,
    location: str,
    description: str,
) -> Document:
    """The search row of a case from its fields; ``description`` already redacted of the
    complainant's own contact details (so a phone found there is not a way round the mask)."""
    doc = "\n".join(fold(t) for t in (number, name, location, description))
    pdoc = "\n".join(fold(t) for t in (phone_digits, email, address))
    return Document(
        number=number.upper(),
        name=fold(name)[:100],
        phone=phone_digits[:40],
        email=fold(email)[:200],
        doc=doc,
        pdoc=pdoc,
        grams=grams(name, location, description),
    )


@dataclass(frozen=True)
class Term:
    """One word of a query: ``short`` when it is two characters found by bigram, not trigram."""

    text: str
    short: bool
    phone: bool = False


class BadQuery(ValueError):
    """A query that cannot be searched as typed; ``reason`` says why in the UI's words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse(query: str) -> list[Term]:
    """The terms of ``query`` (all must match), or BadQuery; an empty query has none.

    Everything is plain text: quotes, ``*``, ``NEAR``, ``%``, ``_`` and parentheses are
    characters to find, never syntax (the search layer quotes and escapes them).
    A query of only digits and phone punctuation ("138-1234 5678") is one phone fragment.
    """
    if len(query) > MAX_QUERY:
        raise BadQuery("too_long")
    folded = " ".join(fold(query).split())
    if not folded:
        return []
    if _PHONE_LIKE.fullmatch(folded) and len(digits(folded)) >= MIN_DIGITS:
        return [Term(digits(folded), short=False, phone=True)]
    words = list(dict.fromkeys(folded.split()))
    if len(words) > MAX_TERMS:
        raise BadQuery("too_many")
    terms = []
    for word in words:
        wide = any(_wide(ch) for ch in word)
        if word.isdigit():
            if len(word) < MIN_DIGITS:
                raise BadQuery("too_short")
            terms.append(Term(word, short=False, phone=True))
        elif wide and len(word) == MIN_WIDE and word[0].isalnum() and word[1].isalnum():
            terms.append(Term(word, short=True))
        elif len(word) < MIN_ASCII:
            raise BadQuery("too_short")
        else:
            terms.append(Term(word, short=False))
    return terms
