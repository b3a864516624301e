"""Attachments: the type read from the bytes, never from the name, against the tenant's list.

A browser reports whatever type the file's name suggests, so a program renamed ``.jpg``
arrives as ``image/jpeg``. The bytes decide instead: puremagic reads the signature, and the
two container formats it cannot tell apart are opened to see what they hold (an Office Open
XML file is a ZIP whose parts name the application; a legacy Office file is an OLE compound
file whose streams do). Documents that carry macros are refused. The stored name is cleaned
(:func:`casework.plaintext.file_name`) and ends in an extension of the type found, so what
staff download opens as what it is.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass

import puremagic
from flask_babel import lazy_gettext as _l

from tenants.models import Tenant

from . import plaintext
from .errors import InvalidInput
from .states import FileType

NAME_LENGTH = 200  # the attachments.filename column


@dataclass(frozen=True)
class Kind:
    """What a file type is stored and served as."""

    mime: str
    extensions: tuple[str, ...]  # the first is added to a name that has none of them
    inline: bool = False  # an image every browser shows, safe to show on the case page


KINDS: dict[FileType, Kind] = {
    FileType.JPEG: Kind("image/jpeg", ("jpg", "jpeg", "jfif", "jpe"), inline=True),
    FileType.PNG: Kind("image/png", ("png",), inline=True),
    FileType.GIF: Kind("image/gif", ("gif",), inline=True),
    FileType.WEBP: Kind("image/webp", ("webp",), inline=True),
    FileType.HEIC: Kind("image/heic", ("heic", "heif")),  # most browsers cannot show it
    FileType.PDF: Kind("application/pdf", ("pdf",)),
    FileType.DOC: Kind("application/msword", ("doc",)),
    FileType.DOCX: Kind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",)
    ),
    FileType.XLS: Kind("application/vnd.ms-excel", ("xls",)),
    FileType.XLSX: Kind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)
    ),
    FileType.PPT: Kind("application/vnd.ms-powerpoint", ("ppt",)),
    FileType.PPTX: Kind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",)
    ),
    FileType.TXT: Kind("text/plain", ("txt",)),
}
# What puremagic's answers mean here; ZIP and OLE files are looked into (see below).
_SIGNATURES = {
    "image/jpeg": FileType.JPEG,
    "image/png": FileType.PNG,
    "image/gif": FileType.GIF,
    "image/webp": FileType.WEBP,
    "image/heic": FileType.HEIC,
    "image/heif": FileType.HEIC,
    "application/pdf": FileType.PDF,
}
_OOXML_PARTS = {
    "word/document.xml": FileType.DOCX,
    "xl/workbook.xml": FileType.XLSX,
    "ppt/presentation.xml": FileType.PPTX,
}
_OLE_STREAMS = {
    "WordDocument": FileType.DOC,
    "Workbook": FileType.XLS,
    "Book": FileType.XLS,  # Excel 5/95
    "PowerPoint Document": FileType.PPT,
}
# Storages and streams where Office keeps macros.
_OLE_MACROS = frozenset({"Macros", "_VBA_PROJECT_CUR", "VBA", "_VBA_PROJECT"})
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ZIP_MAGIC = b"PK\x03\x04"


def detect(data: bytes) -> FileType | None:
    """The type of a file from its bytes alone, or None when it is none we know."""
    if not data:
        return None
    if data.startswith(_ZIP_MAGIC):
        return _ooxml(data)
    if data.startswith(_OLE_MAGIC):
        return _legacy_office(data)
    try:
        candidates = puremagic.magic_string(data)
    except puremagic.PureError:
        candidates = []
    for match in candidates:
        found = _SIGNATURES.get(match.mime_type)
        if found is not None:
            return found
    if _heic_brand(data):
        return FileType.HEIC
    return FileType.TXT if not candidates and _is_text(data) else None


def accept(tenant: Tenant, name: str, data: bytes) -> tuple[str, str]:
    """The name to store and the type to record for an upload the tenant accepts.

    Raises :class:`InvalidInput` on the attachment field when the bytes are not of a type in
    the tenant's list, whatever the name says.
    """
    allowed = [FileType(t) for t in tenant.config.attachment_types]
    found = detect(data)
    if found is None or found not in allowed:
        if not allowed:
            raise InvalidInput("attachment", _l("This organisation does not accept attachments."))
        types = ", ".join(KINDS[t].extensions[0] for t in allowed)
        raise InvalidInput(
            "attachment",
            _l(
                "The file's content is not one of the accepted types (%(types)s), "
                "whatever its name says.",
                types=types,
            ),
        )
    return stored_name(name, found), KINDS[found].mime


def stored_name(name: str, found: FileType) -> str:
    """``name`` cleaned, ending in an extension of the type found (``x.exe`` → ``x.exe.png``)."""
    kind = KINDS[found]
    name = plaintext.file_name(name) or "attachment"
    stem, dot, ext = name.rpartition(".")
    if dot and stem and ext.lower() in kind.extensions:
        name, suffix = stem, dot + ext
    else:
        suffix = "." + kind.extensions[0]
    return name[: NAME_LENGTH - len(suffix)] + suffix


def inline_type(data: bytes) -> str | None:
    """The image type to show ``data`` as on the case page, or None to offer a download.

    Read from the bytes at each request, so a row stored before types were checked is
    shown only if it really is such an image.
    """
    found = detect(data)
    return KINDS[found].mime if found is not None and KINDS[found].inline else None


def is_inline(content_type: str) -> bool:
    """Whether a stored type is one the case page shows as an image."""
    return any(k.inline and k.mime == content_type for k in KINDS.values())


_HEIC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx"})


def _heic_brand(data: bytes) -> bool:
    # A HEIF file whose major brand is the generic "mif1" names HEIC among its compatible
    # brands; puremagic reads only the major one.
    if data[4:8] != b"ftyp" or len(data) < 16:
        return False
    size = min(struct.unpack_from(">I", data, 0)[0], len(data), 256)
    brands = {data[i : i + 4] for i in range(8, size - 3, 4)}
    return bool(brands & _HEIC_BRANDS)


def _is_text(data: bytes) -> bool:
    # UTF-8 (with or without a BOM) or GB18030, the encodings Chinese text files come in,
    # with no control characters besides tabs and line breaks.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return all(ch in "\t\n\r\f" or not (ch < " " or ch == "\x7f") for ch in text)
    return False


def _ooxml(data: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names or any(n.endswith("vbaProject.bin") for n in names):
        return None
    found = {t for part, t in _OOXML_PARTS.items() if part in names}
    return found.pop() if len(found) == 1 else None


def _legacy_office(data: bytes) -> FileType | None:
    names = _ole_names(data)
    if names is None or names & _OLE_MACROS:
        return None
    found = {t for stream, t in _OLE_STREAMS.items() if stream in names}
    return found.pop() if len(found) == 1 else None


_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE


def _ole_names(data: bytes) -> set[str] | None:
    """The names in an OLE compound file's directory (MS-CFB), or None if it is malformed.

    Only the header's 109 FAT sectors are read: enough for 6.8 MB at the smallest sector
    size, beyond the upload limit.
    """
    if len(data) < 512:
        return None
    shift = struct.unpack_from("<H", data, 30)[0]
    if shift not in (9, 12):
        return None
    size = 1 << shift
    fat_count, first_dir = struct.unpack_from("<II", data, 44)
    sectors = [s for s in struct.unpack_from("<109I", data, 76)[:fat_count] if s != _FREE]

    def sector(n: int) -> bytes:
        start = (n + 1) * size
        if n >= _END - 2 or start + size > len(data):
            raise ValueError("sector out of range")
        return data[start : start + size]

    try:
        fat = b"".join(sector(n) for n in sectors)
        next_of = struct.unpack(f"<{len(fat) // 4}I", fat)
        names: set[str] = set()
        n, seen = first_dir, 0
        while n != _END:
            seen += 1
            if seen > len(data) // size or n >= len(next_of):
                return None  # a loop or a chain out of the table
            block = sector(n)
            for offset in range(0, size, 128):
                entry = block[offset : offset + 128]
                length, kind = struct.unpack_from("<HB", entry, 64)
                if kind in (1, 2) and 2 <= length <= 64:
                    names.add(entry[: length - 2].decode("utf-16-le", "replace"))
            n = next_of[n]
    except (ValueError, struct.error):
        return None
    return names
