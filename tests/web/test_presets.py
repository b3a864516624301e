"""Each preset's portal takes a complaint and issues a Chinese receipt."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from tenants.presets import available, load_preset
from tests.conftest import make_org


@pytest.mark.parametrize("preset", available())
def test_each_preset_files_and_issues_a_receipt(client, preset):
    org = make_org(f"{preset}-x", preset)
    data = load_preset(preset)
    first_category = data.categories[0].code
    response = client.post(
        f"/t/{org.slug}/",
        data={
            "category_id": org.category(first_category).id,
            "description": "测试投诉内容:现场情况需要尽快处理。",
            "name": "测试人",
            "phone": "13812345678",
            "preferred_contact": "phone",
        },
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    number = re.search(r'data-testid="case-number">([^<]+)<', page.text).group(1)
    # The tenant's own pattern: its prefix, a date part, then the sequence's digits.
    pattern = data.settings.case_number
    date_digits = len(dt.date(2026, 1, 1).strftime(pattern.date_part)) if pattern.date_part else 0
    assert re.fullmatch(rf"{data.case_prefix}\d{{{date_digits}}}-\d{{{pattern.width}}}", number)
    # The receipt is named by the tenant's own title for it, on the page and on the status page.
    button = f"{data.settings.letter.ack_title}（PDF）"
    assert button in page.text
    assert button in client.get(f"/t/{org.slug}/status/{number}").text
    pdf = client.get(f"/t/{org.slug}/status/{number}/receipt.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert number in text
    assert data.settings.letter.ack_title in text
    # A phone number may wrap inside its column: compare without the spaces and breaks.
    assert re.sub(r"\s", "", data.duty_contact_phone) in re.sub(r"\s", "", text)
