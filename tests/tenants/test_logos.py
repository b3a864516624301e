"""Uploaded logos: an SVG keeps its drawing and nothing else; a PNG is checked chunk by chunk."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own output only
import zlib

import pytest

from tenants import logos
from tenants.presets import available, load_preset

SVG = 'xmlns="http://www.w3.org/2000/svg"'
CLEAN = (
    f'<svg {SVG} viewBox="0 0 48 48"><title>Logo</title>'
    '<defs><linearGradient id="g"><stop offset="0" stop-color="#c2410c"/>'
    '<stop offset="1" stop-color="#7c2d12"/></linearGradient></defs>'
    '<rect width="48" height="48" rx="10" fill="url(#g)"/>'
    '<path d="M12 20h24l-2 18H14z" fill="#fff"/>'
    '<circle id="dot" cx="24" cy="10" r="3" fill="#fff"/><use href="#dot" x="6"/>'
    '<text x="24" y="44" font-size="6" text-anchor="middle">星河 <tspan>广场</tspan></text></svg>'
)


def _refused(data: str | bytes, reason: str) -> logos.LogoRefused:
    raw = data.encode() if isinstance(data, str) else data
    with pytest.raises(logos.LogoRefused) as caught:
        logos.read_logo(raw)
    assert caught.value.reason == reason, caught.value
    return caught.value


def _tags(svg: str) -> list[str]:
    return [node.tag.rpartition("}")[2] for node in ET.fromstring(svg).iter()]  # noqa: S314


def test_a_clean_logo_keeps_its_drawing():
    logo = logos.read_logo(CLEAN.encode())
    svg = logo.data.decode()
    assert logo.kind == "svg"
    assert _tags(svg) == _tags(CLEAN)
    for kept in ('d="M12 20h24l-2 18H14z"', 'rx="10"', "星河 <tspan>广场</tspan>", "<title>Logo"):
        assert kept in svg
    # Ids are the drawing's own, and every reference follows them.
    assert 'fill="url(#logo-' in svg and 'href="#logo-' in svg
    assert 'id="g"' not in svg and 'id="dot"' not in svg
    assert svg.startswith(f"<svg {SVG}")


def test_a_sanitised_logo_is_stable():
    once = logos.clean_svg(CLEAN)
    assert _tags(logos.clean_svg(once)) == _tags(once)


@pytest.mark.parametrize(
    ("svg", "what"),
    [
        (f"<svg {SVG}><script>alert(1)</script><rect width='4' height='4'/></svg>", "script"),
        (
            f"<svg {SVG}><g><script xlink:href='https://x.test/a.js' "
            "xmlns:xlink='http://www.w3.org/1999/xlink'/></g></svg>",
            "script",
        ),
        (f"<svg {SVG} onload='alert(1)'><rect width='4' height='4'/></svg>", "onload attribute"),
        (f"<svg {SVG}><rect width='4' height='4' onclick='alert(1)'/></svg>", "onclick attribute"),
        (
            f"<svg {SVG}><foreignObject><div xmlns='http://www.w3.org/1999/xhtml'>"
            "<img src='x' onerror='alert(1)'/></div></foreignObject></svg>",
            "foreignObject",
        ),
        (
            f"<svg {SVG}><a href='javascript:alert(1)'><rect width='4' height='4'/></a></svg>",
            "javascript: in href",
        ),
        (
            f"<svg {SVG} xmlns:xlink='http://www.w3.org/1999/xlink'>"
            "<use xlink:href='java&#x09;script:alert(1)'/></svg>",
            "javascript: in href",
        ),
        (
            f"<svg {SVG}><set attributeName='href' to='JavaScript:alert(1)'/></svg>",
            "javascript: in to",
        ),
    ],
)
def test_an_svg_with_something_that_runs_is_refused(svg, what):
    refused = _refused(svg, "svg_executable")
    assert what in refused.params["what"]
    # Even the lenient form never keeps it.
    cleaned = logos.sanitize_svg(svg)
    assert what in cleaned.executable
    lowered = cleaned.svg.lower()
    for word in ("script", "onload", "onclick", "onerror", "foreignobject", "<a", "<set"):
        assert word not in lowered


def test_external_references_are_dropped():
    svg = logos.clean_svg(
        f"<svg {SVG} xmlns:xlink='http://www.w3.org/1999/xlink'>"
        "<use href='https://evil.test/sprite.svg#a'/><use xlink:href='//evil.test/s.svg#b'/>"
        "<rect width='4' height='4' fill='url(https://evil.test/p.svg#p)'/>"
        "<image href='https://evil.test/track.png' width='4' height='4'/>"
        "<circle r='2' style='fill: url(http://evil.test/x); stroke: #000'/></svg>"
    )
    assert "evil" not in svg and "<image" not in svg
    assert 'stroke="#000"' in svg  # the safe half of the style attribute stays, as an attribute
    assert "style=" not in svg


def test_data_uris_are_dropped_everywhere():
    svg = logos.clean_svg(
        f"<svg {SVG}><image href='data:image/svg+xml;base64,PHN2Zy8+' width='4' height='4'/>"
        "<rect width='4' height='4' fill='url(data:image/png;base64,AAAA)'/>"
        "<use href='data:image/svg+xml,&lt;svg/&gt;'/>"
        "<circle r='1' style='fill:url(&quot;data:x&quot;)'/></svg>"
    )
    assert "data:" not in svg and "base64" not in svg


@pytest.mark.parametrize(
    "style",
    ["fill:expression(alert(1))", "fill:url(javascript:alert(1))", "fill:\\75 rl(x)"],
)
def test_dangerous_styles_are_dropped(style):
    cleaned = logos.sanitize_svg(f"<svg {SVG}><rect width='4' height='4' style='{style}'/></svg>")
    assert "fill=" not in cleaned.svg and "style" not in cleaned.svg


def test_style_elements_and_editor_metadata_are_dropped():
    svg = logos.clean_svg(
        f"<svg {SVG} xmlns:inkscape='http://www.inkscape.org/namespaces/inkscape' "
        "inkscape:version='1.3'><style>rect{fill:red}@import url(https://evil.test/a.css);"
        "</style><metadata><x/></metadata><inkscape:grid/><rect width='4' height='4'/>"
        "<!-- a comment --></svg>"
    )
    assert _tags(svg) == ["svg", "rect"]
    assert "inkscape" not in svg and "evil" not in svg and "comment" not in svg


def test_billion_laughs_is_refused_without_expanding():
    lol = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lol">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
        + f"]><svg {SVG}><text>&j;</text></svg>"
    )
    _refused(lol, "svg_entities")


def test_external_entities_are_refused():
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"<svg {SVG}><text>&x;</text></svg>"
    )
    _refused(xxe, "svg_entities")


def test_not_an_svg_nor_a_png():
    _refused(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64, "not_a_logo")  # a JPEG
    _refused("<html><body>hi</body></html>", "not_a_logo")
    _refused("MZ\x90\x00 a program named logo.svg", "not_a_logo")
    _refused(f"<svg {SVG}><rect>", "svg_unreadable")


def test_too_big_is_refused_before_reading():
    refused = _refused(b"<svg" + b" " * logos.MAX_LOGO_BYTES, "too_big")
    assert refused.params["limit"] == 512 * 1024


def png(width: int = 2, height: int = 2, *, crc_ok: bool = True, end: bool = True) -> bytes:
    """A small valid PNG (or a broken one) of ``width`` × ``height`` grey pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) ^ (0 if crc_ok else 1)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    data = (
        logos.PNG_SIGNATURE
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
    )
    return data + chunk(b"IEND", b"") if end else data


def test_a_png_is_checked_chunk_by_chunk():
    logo = logos.read_logo(png(64, 32))
    assert (logo.kind, logo.width, logo.height) == ("png", 64, 32)
    _refused(png(crc_ok=False), "png_broken")
    _refused(png(end=False), "png_broken")
    _refused(logos.PNG_SIGNATURE + b"\x00" * 20, "png_broken")
    assert _refused(png(5000, 10), "png_dimensions").params["width"] == 5000


@pytest.mark.parametrize("preset", available())
def test_every_presets_logo_passes_the_sanitiser(preset):
    """Preset logos are trusted and shown as written; still, none holds anything that runs,
    and the sanitiser keeps every element of them."""
    source = load_preset(preset).logo_svg
    if not source:
        pytest.skip(f"{preset} has no logo")
    cleaned = logos.sanitize_svg(source)
    assert cleaned.executable == ()
    assert _tags(cleaned.svg) == _tags(source)
