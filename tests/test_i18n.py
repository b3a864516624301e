"""Every UI string has its Chinese translation, and the placeholders survive."""

from __future__ import annotations

import pathlib
import re

from babel.messages.pofile import read_po

CATALOGUE = pathlib.Path(__file__).resolve().parent.parent / "translations/zh_Hans_CN/LC_MESSAGES"


def test_chinese_catalogue_is_complete():
    with open(CATALOGUE / "messages.po", "rb") as fh:
        catalogue = read_po(fh)
    untranslated = [m.id for m in catalogue if m.id and not m.string]
    assert untranslated == []
    for m in catalogue:
        if m.id:
            assert re.findall(r"%\(\w+\)s", m.id) == re.findall(r"%\(\w+\)s", m.string), m.id


def test_catalogue_is_compiled():
    # scripts/setup.sh compiles it; a stale .mo would show English on Chinese pages.
    po, mo = CATALOGUE / "messages.po", CATALOGUE / "messages.mo"
    assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime
