"""机构设置 → 短信 (text messages): admins only, the gateway's key never shown back, refusals
in the user's language, the test text button; and the mail log listing texts, masked."""

from __future__ import annotations

import sqlalchemy as sa

from casework.models import Message
from casework.states import ContactMethod
from tenants.db import db, tenant_bound
from tests.conftest import login, open_case
from tests.jobs.test_sms import Gateway

PAGE = "/t/{slug}/desk/admin/sms"


def _page(org) -> str:
    return PAGE.format(slug=org.slug)


def test_only_admins_reach_the_page_and_it_is_in_the_menu(client, world):
    login(client, world.a, "admin")
    page = client.get(_page(world.a))
    assert page.status_code == 200
    assert "短信" in page.text and 'data-testid="sms-form"' in page.text
    assert f'href="{_page(world.a)}"' in client.get(f"/t/{world.a.slug}/desk/admin/rules").text
    client.post(f"/t/{world.a.slug}/desk/logout")
    for who in ("desk", "super", "ops_li"):
        login(client, world.a, who)
        assert client.get(_page(world.a)).status_code == 403, who
        assert (
            client.post(_page(world.a) + "/test", data={"test-number": "13800001111"}).status_code
            == 403
        )
        client.post(f"/t/{world.a.slug}/desk/logout")


def test_saving_the_gateway_seals_the_key_and_never_shows_it(client, world):
    login(client, world.a, "admin")
    data = {
        "provider": "http",
        "url": "https://sms.example.com/send",
        "sign_name": "星河",
        "account": "acct-1",
        "api_key": "k-very-secret-42",
    }
    assert client.post(_page(world.a), data=data).status_code == 303
    page = client.get(_page(world.a)).text
    assert "k-very-secret-42" not in page
    assert "https://sms.example.com/send" in page and "acct-1" in page
    assert "已保存密钥" in page  # it says a key is stored, not what it is
    tenant = db.session.merge(world.a.tenant)
    db.session.refresh(tenant)
    assert tenant.config.sms.provider == "http"
    assert "k-very-secret-42" not in str(tenant.settings)
    # Saved again with the key left empty: the key stays.
    assert client.post(_page(world.a), data={**data, "api_key": ""}).status_code == 303
    db.session.refresh(tenant)
    assert tenant.config.sms.api_key
    audit = client.get(f"/t/{world.a.slug}/desk/admin/audit").text
    assert "短信设置已更改" in audit and "k-very-secret-42" not in audit


def test_bad_settings_are_refused_in_the_users_language(client, world):
    login(client, world.a, "admin")
    bad = client.post(_page(world.a), data={"provider": "http", "url": ""})
    assert bad.status_code == 422
    assert "通过网关发送短信，请填写网关地址。" in bad.text
    bad = client.post(_page(world.a), data={"provider": "http", "url": "file:///etc/passwd"})
    assert bad.status_code == 422 and "https://" in bad.text
    bad = client.post(_page(world.a), data={"provider": "smoke-signals"})
    assert bad.status_code == 422
    # In English for a user who reads English (?lang= sticks in the session).
    bad = client.post(_page(world.a) + "?lang=en", data={"provider": "http", "url": ""})
    assert bad.status_code == 422
    assert "Enter the gateway&#39;s address to send texts through it." in bad.text
    assert db.session.merge(world.a.tenant).config.sms.provider == "log"


def test_the_test_text_button_logs_a_text_and_shows_how_it_went(client, world):
    login(client, world.a, "admin")
    bad = client.post(_page(world.a) + "/test", data={"test-number": "010-65123456"})
    assert bad.status_code == 422
    assert "请输入能接收短信的手机号码" in bad.text
    ok = client.post(_page(world.a) + "/test", data={"test-number": "139 0000 1111"})
    assert ok.status_code == 303
    page = client.get(_page(world.a)).text
    assert 'data-testid="sms-last-test"' in page and 'data-state="logged"' in page
    with tenant_bound(world.a.tenant.id):
        [text] = db.session.scalars(sa.select(Message).where(Message.channel == "sms")).all()
    assert text.to == "+8613900001111" and "测试短信" in text.body
    log = client.get(f"/t/{world.a.slug}/desk/mail").text
    assert 'data-channel="sms"' in log and "测试短信" in log


def test_the_test_text_through_a_real_gateway_shows_its_refusal(client, world):
    gateway = Gateway()
    try:
        gateway.replies.append((401, '{"message": "bad key"}'))
        login(client, world.a, "admin")
        data = {"provider": "http", "url": gateway.url, "api_key": "wrong"}
        assert client.post(_page(world.a), data=data).status_code == 303
        assert (
            client.post(_page(world.a) + "/test", data={"test-number": "13900001111"}).status_code
            == 303
        )
        page = client.get(_page(world.a)).text
        assert 'data-state="failed"' in page and "HTTP 401: bad key" in page
        assert gateway.requests[0]["headers"]["Authorization"] == "Bearer wrong"
    finally:
        gateway.close()


def test_the_mail_log_shows_texts_with_their_badge_and_masks_the_number(client, world):
    org = world.a
    open_case(org, preferred_contact=ContactMethod.SMS.value, email="zhang@example.com")
    login(client, org, "desk")
    log = client.get(f"/t/{org.slug}/desk/mail").text
    assert log.count('data-channel="sms"') == 1 and log.count('data-channel="email"') == 1
    assert "138 1234 5678" in log  # the clerk holds the right
    # Without the personal-data right the number reads masked, in the text's body too.
    tenant = db.session.merge(org.tenant)
    tenant.update_config(personal_data_roles=["admin"])
    db.session.commit()
    log = client.get(f"/t/{org.slug}/desk/mail").text
    assert "13812345678" not in log and "138 1234 5678" not in log
    assert "138****5678" in log
