"""The CJK faces letters are set in.

System Noto Sans CJK is complete but heavy in every PDF (WeasyPrint keeps glyph ids, so
even a subset is ~340 KB). We trim it once to ASCII, Latin-1, GB2312 and CJK punctuation,
about 7,900 characters, and load that first; system Noto stays as the fallback for rare
characters in names, so nothing ever prints as a box.
"""

from __future__ import annotations

import os

SYSTEM_FONTS = {
    "regular": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "bold": "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
}
FAMILY = "Closeloop Sans"
FALLBACK = "Noto Sans CJK SC"
# The family stack of every PDF, the SVG charts' text included (they set their own).
STACK = f'"{FAMILY}", "{FALLBACK}", sans-serif'


def _file(static_folder: str, weight: str) -> str:
    return os.path.join(static_folder, "fonts", f"closeloop-sans-{weight}.otf")


def _charset() -> str:
    chars = {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xA0, 0x100)}
    chars |= {chr(c) for c in range(0x3000, 0x3040)}  # CJK punctuation
    chars |= {chr(c) for c in range(0xFF00, 0xFFF0)}  # full-width forms
    chars |= set("·—–‘’“”…※←→↑↓√×÷℃№")
    for hi in range(0xB0, 0xF8):  # GB2312 hanzi rows
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(sorted(chars))


def _sc_index(path: str) -> int:
    from fontTools.ttLib import TTCollection

    for i, font in enumerate(TTCollection(path).fonts):
        if "SC" in font["name"].getDebugName(1):
            return i
    raise RuntimeError(f"no Simplified Chinese face in {path}")


def build(static_folder: str, force: bool = False) -> list[str]:
    """Trim the system Noto CJK SC faces into ``static/fonts``; returns the files made."""
    from fontTools import subset

    os.makedirs(os.path.join(static_folder, "fonts"), exist_ok=True)
    made = []
    text = _charset()
    for weight, source in SYSTEM_FONTS.items():
        target = _file(static_folder, weight)
        if not os.path.exists(source) or (os.path.exists(target) and not force):
            continue
        options = subset.Options()
        options.font_number = _sc_index(source)
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        font = subset.load_font(source, options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
        tmp = target + ".tmp"
        subset.save_font(font, tmp, options)
        os.replace(tmp, target)  # other processes never see half a font
        made.append(target)
    return made


def font_face_css(static_folder: str) -> str:
    """@font-face rules for the trimmed faces that exist, and the body font stack."""
    rules = []
    for weight, css_weight in (("regular", 400), ("bold", 700)):
        if os.path.exists(_file(static_folder, weight)):
            rules.append(
                f'@font-face {{ font-family: "{FAMILY}"; font-weight: {css_weight}; '
                f'src: url("fonts/closeloop-sans-{weight}.otf"); }}'
            )
    rules.append(f"html {{ font-family: {STACK}; }}")
    return "\n".join(rules)
