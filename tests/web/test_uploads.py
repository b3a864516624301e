"""Uploads (issue 8, item 7): the bytes decide the type, names are cleaned, photos are shown.

A program renamed ``.jpg`` is refused on the form's attachment field; each type of the
tenant's list is accepted whatever it is called; names lose control and bidi characters; a NUL
in a name is a 400; photos are served inline with their real type, everything else downloaded.
"""

from __future__ import annotations

import io
import pathlib
import re
import struct
import zipfile

import pytest
import sqlalchemy as sa
from PIL import Image
from pydantic import ValidationError

from casework import uploads
from casework.errors import InvalidInput
from casework.models import Attachment, Case
from casework.states import FileType
from tenants.db import db, tenant_bound
from tenants.settings import DEFAULT_ATTACHMENT_TYPES, TenantSettings
from tests.conftest import login, open_case

FILES = pathlib.Path(__file__).resolve().parent / "files"


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "orange").save(out, fmt)
    return out.getvalue()


def _zip(*parts: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for part in parts:
            archive.writestr(part, "<x/>")
    return out.getvalue()


def _ooxml(main: str, *more: str) -> bytes:
    return _zip("[Content_Types].xml", "_rels/.rels", main, *more)


def _ole(*streams: str) -> bytes:
    """A minimal OLE compound file (MS-CFB v3) whose directory names ``streams``."""
    free, end = 0xFFFFFFFF, 0xFFFFFFFE
    header = bytearray(512)
    header[:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<III", header, 44, 1, 1, 0)  # one FAT sector; directory at sector 1
    struct.pack_into("<IIIII", header, 56, 0x1000, end, 0, end, 0)
    struct.pack_into("<109I", header, 76, 0, *[free] * 108)
    fat = struct.pack("<128I", 0xFFFFFFFD, end, *[free] * 126)

    def entry(name: str, kind: int) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        raw[: len(encoded)] = encoded
        struct.pack_into("<HBBIII", raw, 64, len(encoded), kind, 1, free, free, free)
        struct.pack_into("<I", raw, 116, end)
        return bytes(raw)

    entries = [entry("Root Entry", 5)] + [entry(s, 2) for s in streams]
    directory = b"".join(entries).ljust(512, b"\0")
    return bytes(header) + fat + directory


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48) + b"PE\x00\x00"
SAMPLES = {
    FileType.JPEG: _image("JPEG"),
    FileType.PNG: _image("PNG"),
    FileType.GIF: _image("GIF"),
    FileType.WEBP: _image("WEBP"),
    FileType.HEIC: b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64),
    FileType.PDF: b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n",
    FileType.DOC: _ole("WordDocument", "1Table"),
    FileType.DOCX: _ooxml("word/document.xml"),
    FileType.XLS: (FILES / "real.xls").read_bytes(),  # written by xlwt, not by this test
    FileType.XLSX: _ooxml("xl/workbook.xml"),
    FileType.PPT: _ole("PowerPoint Document", "Current User"),
    FileType.PPTX: _ooxml("ppt/presentation.xml"),
    FileType.TXT: "2026年11月20日 停车场 B 区灯不亮。\n".encode(),
}
REFUSED = {
    "a program": EXE,
    "a plain ZIP": _zip("readme.txt"),
    "a Word file with macros": _ooxml("word/document.xml", "word/vbaProject.bin"),
    "a legacy Word file with macros": _ole("WordDocument", "Macros"),
    "an OLE file of no Office kind": _ole("SummaryInformation"),
    "an SVG image (it may hold script)": b"\x00<svg xmlns='http://www.w3.org/2000/svg'/>",
    "binary junk": bytes(range(256)),
}


def test_the_default_list_is_every_type_we_know():
    assert set(DEFAULT_ATTACHMENT_TYPES) == {t.value for t in FileType} == set(SAMPLES)
    assert TenantSettings().attachment_types == DEFAULT_ATTACHMENT_TYPES
    with pytest.raises(ValidationError):
        TenantSettings(attachment_types=("exe",))


@pytest.mark.parametrize("kind", list(SAMPLES), ids=str)
def test_each_type_is_told_by_its_bytes(kind):
    assert uploads.detect(SAMPLES[kind]) is kind


def test_heif_with_a_generic_major_brand_is_heic():
    assert uploads.detect(b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic" + bytes(64)) is (
        FileType.HEIC
    )
    assert uploads.detect(b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isommp42" + bytes(64)) is None


def test_chinese_text_in_gb18030_is_text():
    assert uploads.detect("停车场灯不亮\r\n".encode("gb18030")) is FileType.TXT


@pytest.mark.parametrize("what", list(REFUSED))
def test_what_is_not_on_the_list_is_not_recognised(what):
    assert uploads.detect(REFUSED[what]) is None


def _file(org, data: bytes, name: str, **overrides) -> Case:
    return open_case(org, attachment_name=name, attachment_data=data, **overrides)


def _stored(org) -> Attachment:
    with tenant_bound(org.tenant.id):
        return db.session.scalars(sa.select(Attachment)).one()


@pytest.mark.parametrize("kind", list(SAMPLES), ids=str)
def test_each_default_type_is_accepted_and_stored_as_what_it_is(world, kind):
    extension = uploads.KINDS[kind].extensions[0]
    _file(world.a, SAMPLES[kind], f"材料.{extension}")
    att = _stored(world.a)
    assert (att.filename, att.content_type) == (f"材料.{extension}", uploads.KINDS[kind].mime)


def test_a_program_renamed_jpg_is_refused_on_the_form(client, world):
    slug = world.a.slug
    form = {
        "category_id": str(world.a.category("service").id),
        "description": "服务台态度差",
        "name": "刘芳",
        "phone": "139 0000 1111",
        "preferred_contact": "phone",
        "attachment": (io.BytesIO(EXE), "照片.jpg"),
    }
    r = client.post(f"/t/{slug}/?lang=en", data=form, content_type="multipart/form-data")
    assert r.status_code == 200
    message = re.search(r'<p class="help is-danger"[^>]*>([^<]+)</p>', r.text).group(1)
    assert "not one of the accepted types" in message and "jpg, png" in message
    # The message sits under the attachment field, inside its own <div class="field">.
    field = r.text[r.text.rindex('<div class="field">', 0, r.text.index('name="attachment"')) :]
    assert field.index("not one of the accepted types") < field.index('<div class="field">', 1)
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0


def test_the_tenant_narrows_its_list(world):
    org = world.a
    with tenant_bound(org.tenant.id):
        db.session.merge(org.tenant).update_config(attachment_types=["pdf"])
        db.session.commit()
    with pytest.raises(InvalidInput) as refused:
        _file(org, SAMPLES[FileType.JPEG], "photo.jpg")
    # The message lists the tenant's types alone, in either language's brackets.
    assert refused.value.field == "attachment"
    assert re.search(r"[(（]pdf[)）]", str(refused.value)), str(refused.value)
    _file(org, SAMPLES[FileType.PDF], "发票.pdf")
    assert _stored(org).content_type == "application/pdf"


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("报告\u202egnp.exe", "报告gnp.exe.png"),  # the override would show "报告exe.png"
        ("a\u200b\u2066b\x07c.png", "abc.png"),
        ("..\\..\\windows\\照片.png", "照片.png"),
        ("photo", "photo.png"),
        ("\u202e", "attachment.png"),
        ("图" * 300 + ".png", "图" * 196 + ".png"),
    ],
)
def test_names_are_cleaned_and_end_as_what_the_file_is(world, sent, stored):
    _file(world.a, SAMPLES[FileType.PNG], sent)
    assert _stored(world.a).filename == stored


def test_a_nul_in_a_file_name_is_a_400_and_stores_nothing(client, world):
    form = {
        "category_id": str(world.a.category("service").id),
        "description": "服务台态度差",
        "name": "刘芳",
        "phone": "139 0000 1111",
        "preferred_contact": "phone",
        "attachment": (io.BytesIO(SAMPLES[FileType.PNG]), "a\x00.png"),
    }
    r = client.post(f"/t/{world.a.slug}/", data=form, content_type="multipart/form-data")
    assert r.status_code == 400
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0


def test_photos_are_shown_inline_and_other_files_downloaded(client, world):
    org = world.a
    photo = _file(org, SAMPLES[FileType.PNG], "照片.png")
    sheet = _file(org, SAMPLES[FileType.XLS], "明细.xls")
    login(client, org, "super")
    base = f"/t/{org.slug}/desk/cases"
    with tenant_bound(org.tenant.id):
        ids = {a.case_id: a.id for a in db.session.scalars(sa.select(Attachment)).all()}
    page = client.get(f"{base}/{photo.id}").text
    src = f"{base}/{photo.id}/attachments/{ids[photo.id]}"
    assert f'<img class="attachment-image mt-2" src="{src}"' in page
    shown = client.get(src)
    assert shown.headers["Content-Type"] == "image/png"
    assert shown.headers["Content-Disposition"].startswith("inline")
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert shown.data == SAMPLES[FileType.PNG]

    assert "attachment-image" not in client.get(f"{base}/{sheet.id}").text
    got = client.get(f"{base}/{sheet.id}/attachments/{ids[sheet.id]}")
    assert got.headers["Content-Type"] == "application/octet-stream"
    assert got.headers["Content-Disposition"].startswith("attachment")
    assert got.headers["X-Content-Type-Options"] == "nosniff"


def test_a_row_from_before_the_check_is_served_by_its_bytes(client, world):
    # Stored when the browser's word was taken: HTML claiming to be a PNG.
    org = world.a
    case = _file(org, SAMPLES[FileType.PNG], "x.png")
    with tenant_bound(org.tenant.id):
        att = db.session.scalars(sa.select(Attachment)).one()
        att.data = b"<html><script>alert(1)</script></html>"
        db.session.commit()
        att_id = att.id
    login(client, org, "super")
    got = client.get(f"/t/{org.slug}/desk/cases/{case.id}/attachments/{att_id}")
    assert got.headers["Content-Type"] == "application/octet-stream"
    assert got.headers["Content-Disposition"].startswith("attachment")
