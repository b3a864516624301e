"""Uploaded logos: what a file is, read from its bytes, and an SVG made safe to show inline.

Pages print the tenant's SVG logo inline (``|safe``), on the portal every complainant opens
and on the desk every member of staff uses, so an uploaded SVG is a way into every session of
the tenant unless it is cleaned. It is parsed with ``defusedxml`` (no entity expansion, no
external entities or DTDs fetched), and rebuilt from a whitelist: drawing elements and their
presentation attributes only, links only to ``#ids`` of the same drawing, no ``url()`` that
leaves it, no ``data:`` or ``javascript:`` anywhere. An SVG that carried something that runs
(a script, an event handler, a ``javascript:`` address, a ``foreignObject``) is refused
outright rather than cleaned, so its owner learns that the file is not what they thought;
whatever else is not on the list (editor metadata, ``<style>`` blocks, images) is dropped.

``style`` attributes become presentation attributes: the pages' Content-Security-Policy has
no ``'unsafe-inline'``, so a style attribute would be ignored in the page anyway, while
``fill="…"`` is not a style and is drawn.

A PNG is checked chunk by chunk (signature, CRCs, the header's size, an end) and served from
its own URL as ``image/png`` with ``nosniff``, so nothing in it is ever read as markup.
"""

from __future__ import annotations

import hashlib
import re
import struct
import xml.etree.ElementTree as ET  # noqa: S405 - only to build and write; parsing is defusedxml
import zlib
from dataclasses import dataclass
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET

MAX_LOGO_BYTES = 512 * 1024
MAX_PNG_SIDE = 4096
MAX_SVG_ELEMENTS = 5000
# Levels of nesting, the root included: the cleaner and the writer recurse once per level.
MAX_SVG_DEPTH = 100

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Drawing only: nothing that loads a resource (image, feImage), links away (a), animates
# attributes (set, animate) or holds HTML (foreignObject).
ELEMENTS = frozenset(
    {
        "svg",
        "g",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "defs",
        "linearGradient",
        "radialGradient",
        "stop",
        "title",
        "desc",
        "use",
        "clipPath",
        "symbol",
    }
)
TEXT_ELEMENTS = frozenset({"text", "tspan", "title", "desc"})
# Kept as they are (after the value checks below).
GEOMETRY = frozenset(
    {
        "id",
        "viewBox",
        "preserveAspectRatio",
        "width",
        "height",
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "fx",
        "fy",
        "fr",
        "dx",
        "dy",
        "d",
        "points",
        "transform",
        "offset",
        "gradientUnits",
        "gradientTransform",
        "spreadMethod",
        "clipPathUnits",
        "rotate",
        "textLength",
        "lengthAdjust",
        "pathLength",
    }
)
# Presentation attributes: also what a ``style`` attribute may turn into.
PRESENTATION = frozenset(
    {
        "fill",
        "fill-opacity",
        "fill-rule",
        "stroke",
        "stroke-width",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-opacity",
        "opacity",
        "clip-path",
        "clip-rule",
        "color",
        "display",
        "visibility",
        "stop-color",
        "stop-opacity",
        "font-family",
        "font-size",
        "font-weight",
        "font-style",
        "text-anchor",
        "dominant-baseline",
        "alignment-baseline",
        "baseline-shift",
        "letter-spacing",
        "word-spacing",
        "text-decoration",
        "vector-effect",
        "paint-order",
        "shape-rendering",
        "text-rendering",
        "overflow",
    }
)
# Whatever runs: refused, not cleaned (compared in lower case).
EXECUTABLE_ELEMENTS = {"script": "script", "handler": "script", "foreignobject": "foreignObject"}
_LOCAL_REF = re.compile(r"#[A-Za-z_][\w.\-:]*")
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f]+")


class LogoRefused(ValueError):
    """A file that cannot be a logo; ``reason`` names why and ``params`` fill the message.

    The web layer words the message in the user's language from ``reason``.
    """

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(f"{reason}: {params}" if params else reason)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class Logo:
    """An accepted logo: its type, the bytes to store (for an SVG, the cleaned drawing)."""

    kind: str  # "png" or "svg"
    data: bytes
    width: int = 0
    height: int = 0

    @property
    def digest(self) -> str:
        """The SHA-256 of what is stored, in hex."""
        return hashlib.sha256(self.data).hexdigest()


def digest(data: bytes) -> str:
    """The short digest of a logo's bytes that its URL and ETag carry."""
    return hashlib.sha256(data).hexdigest()[:16]


def read_logo(data: bytes) -> Logo:
    """The logo in ``data``, PNG or SVG as its bytes say; :class:`LogoRefused` if neither,
    too big, damaged, or an SVG with something executable in it."""
    if len(data) > MAX_LOGO_BYTES:
        raise LogoRefused("too_big", size=len(data), limit=MAX_LOGO_BYTES)
    if data.startswith(PNG_SIGNATURE):
        width, height = check_png(data)
        return Logo("png", data, width, height)
    if _looks_like_xml(data):
        return Logo("svg", clean_svg(data).encode("utf-8"))
    raise LogoRefused("not_a_logo")


def _looks_like_xml(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<")


def check_png(data: bytes) -> tuple[int, int]:
    """The PNG's width and height after checking every chunk; :class:`LogoRefused` if broken."""
    if not data.startswith(PNG_SIGNATURE):
        raise LogoRefused("png_broken")
    pos, size, seen = len(PNG_SIGNATURE), None, set()
    while pos + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 8 + length
        if end + 4 > len(data):
            break
        body = data[pos + 8 : end]
        if zlib.crc32(kind + body) != int.from_bytes(data[end : end + 4], "big"):
            raise LogoRefused("png_broken")
        if not seen:
            if kind != b"IHDR" or length != 13:
                raise LogoRefused("png_broken")
            size = struct.unpack(">II", body[:8])
        seen.add(kind)
        if kind == b"IEND":
            break
        pos = end + 4
    if size is None or b"IEND" not in seen or b"IDAT" not in seen:
        raise LogoRefused("png_broken")
    width, height = size
    if not (0 < width <= MAX_PNG_SIDE and 0 < height <= MAX_PNG_SIDE):
        raise LogoRefused("png_dimensions", width=width, height=height, limit=MAX_PNG_SIDE)
    return width, height


@dataclass(frozen=True)
class Cleaned:
    """An SVG rebuilt from the whitelist, what runs in the original, and what was dropped."""

    svg: str
    executable: tuple[str, ...]
    dropped: tuple[str, ...]


def sanitize_svg(data: bytes | str) -> Cleaned:
    """Rebuild an SVG from the whitelist; LogoRefused if it cannot be read as one.

    Never raises for dangerous content: :attr:`Cleaned.executable` names it, and the drawing
    returned has none of it. :func:`clean_svg` is the strict form uploads go through.
    """
    try:
        root = SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden):
        raise LogoRefused("svg_entities") from None
    except (defusedxml.DefusedXmlException, ET.ParseError, ValueError, LookupError):
        # LookupError: an XML declaration naming an encoding Python does not know.
        raise LogoRefused("svg_unreadable") from None
    namespace, name = _split(root.tag)
    if name != "svg" or namespace not in (SVG_NS, ""):
        raise LogoRefused("not_a_logo")
    if sum(1 for _ in root.iter()) > MAX_SVG_ELEMENTS:
        raise LogoRefused("svg_too_complex", limit=MAX_SVG_ELEMENTS)
    if _depth(root) > MAX_SVG_DEPTH:
        raise LogoRefused("svg_too_deep", limit=MAX_SVG_DEPTH)
    state = _State(default_ns=namespace)
    executable = _executable(root)
    clean = state.element(root)
    _give_view_box(clean)
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    _prefix_ids(clean, f"logo-{digest(raw)[:8]}-")
    # Built without namespaces and given SVG's as a plain attribute: the writer's namespace
    # handling refuses unqualified attributes beside a default namespace.
    clean.attrib = {"xmlns": SVG_NS, **clean.attrib}
    svg = ET.tostring(clean, encoding="unicode")
    return Cleaned(svg, executable, tuple(dict.fromkeys(state.dropped)))


def _depth(root: ET.Element) -> int:
    """How many levels deep the drawing nests, counted without recursing."""
    deepest, level = 0, [(root, 1)]
    while level:
        node, depth = level.pop()
        deepest = max(deepest, depth)
        level.extend((child, depth + 1) for child in node)
    return deepest


def clean_svg(data: bytes | str) -> str:
    """The cleaned SVG to store; LogoRefused naming what would run, if anything does."""
    cleaned = sanitize_svg(data)
    if cleaned.executable:
        raise LogoRefused("svg_executable", what=", ".join(cleaned.executable))
    return cleaned.svg


def _executable(root: ET.Element) -> tuple[str, ...]:
    """What in the drawing would run, wherever it sits: scripts, handlers, javascript: URLs."""
    found: list[str] = []
    for node in root.iter():
        name = _split(node.tag)[1]
        if name.lower() in EXECUTABLE_ELEMENTS:
            found.append(EXECUTABLE_ELEMENTS[name.lower()])
        for key, value in node.attrib.items():
            attribute = _split(key)[1]
            if attribute.lower().startswith("on"):
                found.append(f"{attribute} attribute")
            elif _runs(value):
                found.append(f"javascript: in {attribute}")
    return tuple(dict.fromkeys(found))


def _split(tag: Any) -> tuple[str, str]:
    if not isinstance(tag, str):  # a comment or processing instruction
        return "?", ""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _squash(value: str) -> str:
    """A value as a browser reads a URL in it: no whitespace or controls, lower case."""
    return _INVISIBLE.sub("", value).lower()


def _runs(value: str) -> bool:
    squashed = _squash(value)
    return "javascript:" in squashed or "vbscript:" in squashed


def _safe_value(value: str) -> bool:
    """A presentation value that fetches nothing: no url() but to the drawing's own ids."""
    squashed = _squash(value)
    if "data:" in squashed or "expression(" in squashed or "\\" in value or "@" in value:
        return False
    if "url(" in squashed:
        return all(_LOCAL_REF.fullmatch(m.group(2).strip()) for m in _URL.finditer(value)) and (
            squashed.count("url(") == len(_URL.findall(value))
        )
    return True


class _State:
    def __init__(self, default_ns: str) -> None:
        self.default_ns = default_ns
        self.dropped: list[str] = []

    def element(self, node: ET.Element) -> ET.Element:
        name = _split(node.tag)[1]
        out = ET.Element(name)
        self.attributes(node, out)
        if name in TEXT_ELEMENTS and node.text:
            out.text = node.text
        self.children(node, out, name in TEXT_ELEMENTS)
        return out

    def children(self, node: ET.Element, out: ET.Element, in_text: bool) -> None:
        for child in node:
            namespace, child_name = _split(child.tag)
            if namespace in (SVG_NS, self.default_ns) and child_name == "a":
                self.children(child, out, in_text)  # the drawing stays, the link goes
                continue
            if namespace not in (SVG_NS, self.default_ns) or child_name not in ELEMENTS:
                self.dropped.append(child_name or "comment")
                continue
            kept = self.element(child)
            if in_text and child.tail:
                kept.tail = child.tail
            out.append(kept)

    def attributes(self, node: ET.Element, out: ET.Element) -> None:
        styled: dict[str, str] = {}
        for key, value in node.attrib.items():
            namespace, name = _split(key)
            if name.lower().startswith("on") or _runs(value):
                continue  # named by _executable, and never kept
            if name == "href" and namespace in ("", XLINK_NS):
                if _LOCAL_REF.fullmatch(value.strip()) and _split(node.tag)[1] == "use":
                    out.set("href", value.strip())
                else:
                    self.dropped.append(f"{name}={value[:40]}")
                continue
            if namespace:
                self.dropped.append(name)
                continue
            if name == "style":
                styled = self.declarations(value)
                continue
            if name not in GEOMETRY and name not in PRESENTATION:
                self.dropped.append(name)
                continue
            if not _safe_value(value):
                self.dropped.append(f"{name}={value[:40]}")
                continue
            out.set(name, value)
        for name, value in styled.items():
            if name not in out.attrib:
                out.set(name, value)

    def declarations(self, style: str) -> dict[str, str]:
        """The safe declarations of a ``style`` attribute, as presentation attributes."""
        out: dict[str, str] = {}
        for declaration in style.split(";"):
            name, colon, value = declaration.partition(":")
            name, value = name.strip().lower(), value.strip()
            if not colon or not value:
                continue
            if name in PRESENTATION and _safe_value(value) and "!" not in value:
                out[name] = value
            else:
                self.dropped.append(f"style {name}")
        return out


_NUMBER = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*")


def _give_view_box(svg: ET.Element) -> None:
    """A drawing sized by width and height only gets a viewBox, so it scales to the bar."""
    if "viewBox" in svg.attrib:
        return
    width = _NUMBER.fullmatch(svg.get("width", ""))
    height = _NUMBER.fullmatch(svg.get("height", ""))
    if width and height:
        svg.set("viewBox", f"0 0 {width.group(1)} {height.group(1)}")


def _prefix_ids(svg: ET.Element, prefix: str) -> None:
    """Give every id, and every reference to one, the drawing's own prefix.

    Inline, a logo's ids live in the page's document: unprefixed, ``id="main"`` would take
    the skip link's target and ``id="nav-menu"`` the menu's, and two logos on the home page
    would draw each other's gradients. Every reference points inside the drawing after this.
    """

    def local(match: re.Match[str]) -> str:
        return f"url(#{prefix}{match.group(2).strip()[1:]})"

    for node in svg.iter():
        for name, value in list(node.attrib.items()):
            if name == "id":
                node.set(name, prefix + value)
            elif name == "href":
                node.set(name, "#" + prefix + value[1:])
            elif "url(" in value.lower():
                node.set(name, _URL.sub(local, value))
