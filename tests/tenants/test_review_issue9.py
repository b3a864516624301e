"""Review of issue 9, the tenant side: each test here failed before the fix it came with."""

from __future__ import annotations

import pathlib

import pytest

from tenants import logos

SVG = 'xmlns="http://www.w3.org/2000/svg"'


def test_an_svg_nested_too_deep_is_refused_not_a_recursion_error():
    # Well under the element limit, but deeper than the cleaner (and the writer) recurse.
    depth = 3000
    data = f"<svg {SVG}>{'<g>' * depth}<rect/>{'</g>' * depth}</svg>".encode()
    with pytest.raises(logos.LogoRefused) as caught:
        logos.read_logo(data)
    assert caught.value.reason == "svg_too_deep"
    assert caught.value.params == {"limit": logos.MAX_SVG_DEPTH}


def test_an_svg_nested_as_deep_as_allowed_is_kept():
    depth = logos.MAX_SVG_DEPTH - 2  # the svg and the rect are levels too
    data = f"<svg {SVG}>{'<g>' * depth}<rect/>{'</g>' * depth}</svg>".encode()
    assert "<rect" in logos.read_logo(data).data.decode()


@pytest.mark.parametrize("encoding", ["ebcdic", "no-such-codec"])
def test_an_svg_declaring_an_unknown_encoding_is_unreadable_not_a_lookup_error(encoding):
    data = f"<?xml version='1.0' encoding='{encoding}'?><svg {SVG}><rect/></svg>".encode()
    with pytest.raises(logos.LogoRefused) as caught:
        logos.read_logo(data)
    assert caught.value.reason == "svg_unreadable"


@pytest.mark.parametrize(
    "text",
    ["a = " + "[" * 50000 + "]" * 50000 + "\n", "x = " + "{a=" * 3000 + "1" + "}" * 3000 + "\n"],
    ids=["arrays", "inline tables"],
)
def test_a_configuration_file_nested_too_deep_is_a_preset_error(text):
    from tenants.presets import PresetError, parse_preset

    with pytest.raises(PresetError, match="upload.toml: not valid TOML"):
        parse_preset(text, "upload.toml")


@pytest.mark.parametrize(
    ("find", "replace"),
    [
        ('name = "', 'name = "\\u0000'),
        ('letterhead = "', 'letterhead = "\\u0000'),
        ("[[departments]]\n", '[[departments]]\ncode = "x"\nname = "a\\u0000b"\n[[departments]]\n'),
    ],
    ids=["the name", "the letterhead", "a department"],
)
def test_a_configuration_file_with_nul_in_a_text_is_refused(find, replace):
    # PostgreSQL refuses NUL in text: the console's import was a 500 there (SQLite kept it).
    from tenants import presets
    from tenants.presets import PresetError, parse_preset

    text = (pathlib.Path(presets.__file__).parent / "mall.toml").read_text(encoding="utf-8")
    assert find in text
    with pytest.raises(PresetError, match="NUL"):
        parse_preset(text.replace(find, replace, 1), "upload.toml")
