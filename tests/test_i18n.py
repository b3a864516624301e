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


# A half-width , : ! ; ? or ( touching a Chinese character (spaces between allowed).
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
HALF_WIDTH_IN_CHINESE = re.compile(rf"[{_CJK}]\s*[,:!;?(]|[,:!;?)]\s*[{_CJK}]")


def test_chinese_text_uses_full_width_punctuation():
    with open(CATALOGUE / "messages.po", "rb") as fh:
        catalogue = read_po(fh)
    offenders = [m.string for m in catalogue if m.id and HALF_WIDTH_IN_CHINESE.search(m.string)]
    assert offenders == []


def test_preset_and_demo_texts_use_full_width_punctuation():
    import tomllib

    root = CATALOGUE.parents[2] / "tenants" / "presets"

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from strings(v)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v)

    offenders = [
        (path.name, text)
        for path in sorted(root.rglob("*.toml"))
        for text in strings(tomllib.loads(path.read_text(encoding="utf-8")))
        if HALF_WIDTH_IN_CHINESE.search(text)
    ]
    assert offenders == []


def test_the_check_finds_half_width_punctuation():
    assert HALF_WIDTH_IN_CHINESE.search("超期:案件")
    assert HALF_WIDTH_IN_CHINESE.search("受理确认函(PDF)")
    assert not HALF_WIDTH_IN_CHINESE.search("超期：案件 %(number)s，08:30")


def test_templates_leave_colons_to_the_language():
    """A colon typed after a label in a template is half-width in Chinese pages: the
    ``colon`` filter writes it as each language does."""
    templates = CATALOGUE.parents[2] / "templates"
    offenders = [
        f"{path.relative_to(templates)}:{number}"
        for path in sorted(templates.rglob("*"))
        if path.suffix in (".html", ".txt")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "}}:" in line
    ]
    assert offenders == []


def test_the_colon_filter_writes_each_languages_colon(app):
    from flask_babel import force_locale

    from web.i18n import colon

    with app.test_request_context():
        with force_locale("zh_CN"):
            assert colon("期限") == "期限："
        with force_locale("en"):
            assert colon("Due") == "Due: "
