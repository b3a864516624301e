"""The wording of a tenant's letters: a title and two paragraphs for each kind of letter.

Part of the tenant's settings (``TenantSettings.letter``), kept apart because every kind of
letter adds its own three keys without a change to the schema.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


LETTER_PARTS = ("title", "opening", "closing")
# A title on one line and two paragraphs of a few sentences each. The acknowledgement keeps
# to one A4 page beside the longest case a preset allows: measured, 140 characters a
# paragraph still fit and 150 did not (tests/web/test_admin_letters.py renders the limits).
LETTER_LIMITS = {"title": 24, "opening": 120, "closing": 120}
_LETTER_KEY = re.compile(r"([a-z][a-z0-9_]*)_(title|opening|closing)")


class Wording(_Frozen):
    """The words of one kind of letter: its title, and the paragraphs before and after the
    facts of the case. Empty for the letter's default."""

    title: str = Field(default="", max_length=LETTER_LIMITS["title"])
    opening: str = Field(default="", max_length=LETTER_LIMITS["opening"])
    closing: str = Field(default="", max_length=LETTER_LIMITS["closing"])


class Letter(BaseModel):
    """The wording of every kind of letter, three flat keys a kind: ``<kind>_title``,
    ``<kind>_opening`` and ``<kind>_closing``.

    The acknowledgement (受理确认函, kind "ack") has had its keys since the first preset, so
    they are named fields; a kind added later (a result letter…) brings its own three keys
    without a change here, and settings written before any of this read as they always did.
    """

    model_config = ConfigDict(frozen=True, extra="allow")
    __pydantic_extra__: dict[str, str]

    ack_title: str = ""
    ack_opening: str = ""
    ack_closing: str = ""

    @model_validator(mode="after")
    def _check(self) -> Letter:
        for key, value in self.model_dump().items():
            match = _LETTER_KEY.fullmatch(key)
            if match is None:
                raise ValueError(f"letter key {key!r} is not <kind>_title, _opening or _closing")
            limit = LETTER_LIMITS[match.group(2)]
            if len(value) > limit:
                raise ValueError(f"letter {key} has {len(value)} characters; at most {limit}")
        return self

    def wording(self, kind: str) -> Wording:
        """The wording of letters of ``kind``; empty parts where the tenant set none."""
        values = self.model_dump()
        return Wording(**{part: values.get(f"{kind}_{part}", "") for part in LETTER_PARTS})

    def with_wording(self, kind: str, wording: Wording) -> Letter:
        """A copy with the wording of ``kind`` replaced; ValueError for a malformed kind."""
        values = {f"{kind}_{part}": getattr(wording, part) for part in LETTER_PARTS}
        return Letter.model_validate({**self.model_dump(exclude_unset=True), **values})
