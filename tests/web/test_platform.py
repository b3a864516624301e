"""The platform console (/platform): operators, new tenants, suspension, and who gets in."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from casework import exchange
from casework.models import Case, Category
from casework.operations import dispatch, handling, revisits
from tenants import platform
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound, unscoped
from tenants.models import Operator, Role, Tenant, User
from tenants.presets import load_preset
from tests.conftest import PASSWORD, TEST_HASH, csrf_token, login, open_case

OP_PASSWORD = "Plat-0ps!kq7Zr"
NEW_PASSWORD = "Zq8-harbour-Lamp"
LOGIN = "/platform/login"


@pytest.fixture
def operator(app) -> Operator:
    made = platform.create_operator("root", "Wang Platform", OP_PASSWORD, TEST_HASH)
    db.session.commit()
    return made


def op_login(client, username: str = "root", password: str = OP_PASSWORD, addr: str = "127.0.0.1"):
    return client.post(
        f"{LOGIN}?lang=en",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": addr},
    )


def _logged_in(app):
    client = app.test_client()
    assert op_login(client).status_code == 303
    return client


def _tenant(slug: str) -> Tenant | None:
    return db.session.scalars(sa.select(Tenant).where(Tenant.slug == slug)).one_or_none()


def _audit(tenant_id: int) -> list[AuditEvent]:
    with tenant_bound(tenant_id):
        return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()


# --- log-in ------------------------------------------------------------------------------


def test_an_operator_logs_in_and_out_and_the_old_cookie_is_dead(app, operator, world):
    client = app.test_client()
    assert client.get("/platform/").headers["Location"].endswith(LOGIN)
    assert client.get(LOGIN).status_code == 200
    response = op_login(client)
    assert response.status_code == 303 and response.headers["Location"].endswith("/platform/")
    saved = client.get_cookie("session").value
    page = client.get("/platform/")
    assert page.status_code == 200 and "Wang Platform" in page.text
    assert client.get(LOGIN).status_code == 302  # logged in already: to the list
    assert client.post("/platform/logout").status_code == 303
    assert client.get("/platform/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", saved)
    assert replay.get("/platform/").headers["Location"].endswith(LOGIN)


def test_wrong_unknown_and_inactive_get_one_message(app, operator):
    operator.active = False
    db.session.commit()
    for name, password in (("root", "wrong-pass"), ("nobody", OP_PASSWORD), ("root", OP_PASSWORD)):
        response = op_login(app.test_client(), name, password)
        assert response.status_code == 200
        assert "Wrong username or password" in response.text


def test_failed_log_ins_are_limited_per_account_and_per_address(app, operator):
    for i in range(10):
        assert (
            op_login(app.test_client(), "root", f"guess-{i}", f"203.0.113.{i + 1}").status_code
            == 200
        )
    assert op_login(app.test_client(), "root", OP_PASSWORD, "203.0.113.99").status_code == 429
    for i in range(20):
        assert op_login(app.test_client(), f"n{i}", "x", "198.51.100.7").status_code == 200
    assert op_login(app.test_client(), "other", "x", "198.51.100.7").status_code == 429


def test_log_in_needs_the_csrf_token(app, operator):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        assert op_login(client).status_code == 400
        token = csrf_token(client.get(LOGIN).text)
        response = client.post(
            LOGIN, data={"username": "root", "password": OP_PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 303
        assert client.post("/platform/logout").status_code == 400  # no token, no log-out
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_cli_creates_an_operator_with_a_prompted_password(app):
    runner = app.test_cli_runner()
    weak = "short\nshort\n"
    good = f"{OP_PASSWORD}\n{OP_PASSWORD}\n"
    result = runner.invoke(
        args=["platform", "create-operator", "ops", "--name", "Li Ops"], input=weak + good
    )
    assert result.exit_code == 0, result.output
    assert OP_PASSWORD not in result.output  # hidden
    # The weak one was refused, in the install's language, then asked again.
    assert "至少使用 10 个字符" in result.output
    made = db.session.scalars(sa.select(Operator)).one()
    assert (made.username, made.name) == ("ops", "Li Ops") and made.check_password(OP_PASSWORD)
    again = runner.invoke(args=["platform", "create-operator", "ops", "--name", "X"], input=good)
    assert again.exit_code != 0 and "exists already" in again.output


# --- who reaches the console ------------------------------------------------------------


def _platform_rules(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("platform.")]
    assert len(rules) >= 6
    return sorted(rules, key=lambda r: r.endpoint == "platform.logout")  # log-out last


def _walk(app, client) -> dict:
    responses = {}
    for rule in _platform_rules(app):
        assert not rule.arguments, f"teach the walk the arguments of {rule.rule}"
        for method in sorted(rule.methods & {"GET", "POST"}):
            responses[rule.endpoint, method] = client.open(rule.rule, method=method, data={})
    return responses


def _sent_to_log_in(response) -> bool:
    return (
        response.status_code in (302, 303) and urlsplit(response.headers["Location"]).path == LOGIN
    )


@pytest.mark.parametrize("who", [None, "admin", "super"])
def test_no_tenant_session_reaches_any_console_page(app, operator, world, who):
    client = app.test_client()
    if who:
        login(client, world.a, who)
    for (endpoint, method), response in _walk(app, client).items():
        if endpoint == "platform.login":
            assert response.status_code == 200
            assert world.a.tenant.name not in response.text
            continue
        assert _sent_to_log_in(response), f"{method} {endpoint} → {response.status_code}"
    with unscoped():
        assert all(t.suspended_at is None for t in db.session.scalars(sa.select(Tenant)))


def test_the_operator_reaches_every_console_page(app, operator, world):
    client = _logged_in(app)
    responses = _walk(app, client)
    for (endpoint, method), response in responses.items():
        where = f"{method} {endpoint} → {response.status_code}"
        assert response.status_code < 500, where
        if endpoint != "platform.logout":
            assert not _sent_to_log_in(response), where
    assert responses["platform.index", "GET"].status_code == 200
    assert world.a.tenant.name in responses["platform.index", "GET"].text
    for endpoint in ("platform.new_tenant", "platform.import_tenant"):
        assert responses[endpoint, "GET"].status_code == 200


def test_an_operator_is_nobody_on_a_desk(app, operator, world):
    client = _logged_in(app)
    desk = client.get(f"/t/{world.a.slug}/desk/")
    assert desk.status_code == 302 and "/desk/login" in desk.headers["Location"]
    # And a staff log-in in the same browser ends the operator's session there.
    login(client, world.a, "admin")
    assert _sent_to_log_in(client.get("/platform/"))


# --- the tenant list --------------------------------------------------------------------


def _close(org, case_id: int) -> None:
    u = org.users
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        dispatch.dispatch_case(case, u["super"], u["ops_li"].department_id, u["ops_li"].id)
        handling.record_contact(case, u["ops_li"], "phone", "已联系")
        handling.record_result(case, u["ops_li"], "已处理")
        handling.send_result(case, u["ops_li"])
        revisits.record_revisit(case, u["desk"], "phone", True, 5)
        db.session.commit()


def _row(html: str, slug: str) -> str:
    match = re.search(rf'<tr data-tenant="{slug}">(.*?)</tr>', html, re.S)
    assert match, slug
    return match.group(1)


def _figure(row: str, name: str) -> int:
    return int(re.search(rf'data-figure="{name}">(\d+)<', row).group(1))


def test_the_list_shows_counts_and_activity_and_no_personal_data(app, operator, world):
    first = open_case(world.a, description="MARKER-DESCRIPTION", name="MARKER-NAME")
    open_case(world.a, phone="13987654321", email="someone@example.com", location="MARKER-PLACE")
    _close(world.a, first.id)
    page = _logged_in(app).get("/platform/?lang=en").text
    alpha, beta = _row(page, "alpha"), _row(page, "beta")
    assert (_figure(alpha, "cases"), _figure(alpha, "open")) == (2, 1)
    assert (_figure(beta, "cases"), _figure(beta, "open")) == (0, 0)
    assert "mall" in alpha and world.a.tenant.name in alpha
    assert "—" not in alpha and "—" in beta  # last activity: a time for alpha, none for beta
    for secret in (
        "MARKER",
        "13987654321",
        "139 8765 4321",
        "someone@example.com",
        "张伟",
        world.a.users["ops_li"].name,
        "@alpha.test",
    ):
        assert secret not in page, secret


def test_the_list_is_paginated(app, operator, world, monkeypatch):
    from web.platform import queries

    monkeypatch.setattr(queries, "PAGE_SIZE", 1)
    client = _logged_in(app)
    first, second = client.get("/platform/").text, client.get("/platform/?page=2").text
    assert 'data-tenant="alpha"' in first and 'data-tenant="beta"' not in first
    assert 'data-tenant="beta"' in second and 'data-tenant="alpha"' not in second
    assert 'data-tenant="beta"' in client.get("/platform/?page=99").text  # the last page


# --- new tenants ------------------------------------------------------------------------

NEW = {
    "preset": "property",
    "name": "Acme Property",
    "slug": "acme",
    "admin_username": "boss",
    "admin_name": "Li Boss",
    "admin_email": "boss@acme.example.com",
}


def _link(page: str) -> str:
    match = re.search(r"data-password-link>([^<]+)<", page)
    assert match, "no set-password link on the page"
    return match.group(1)


def test_a_tenant_from_a_preset_whose_admin_sets_a_password_and_logs_in(app, operator, world):
    app.config["MAIL_SERVER"] = ""
    client = _logged_in(app)
    page = client.get("/platform/tenants/new").text
    assert 'value="property"' in page and 'value="mall"' in page
    response = client.post("/platform/tenants/new?lang=en", data=NEW)
    assert response.status_code == 200, response.text
    assert "Organisation created" in response.text
    assert "http://closeloop.test/t/acme/desk/login" in response.text
    link = urlsplit(_link(response.text))
    tenant = _tenant("acme")
    assert (tenant.name, tenant.preset) == ("Acme Property", "property")
    with tenant_bound(tenant.id):
        admin = db.session.scalars(sa.select(User)).one()
        assert (admin.username, admin.name, admin.email, admin.role) == (
            "boss",
            "Li Boss",
            "boss@acme.example.com",
            Role.ADMIN,
        )
        assert db.session.scalar(sa.select(sa.func.count(Category.id))) > 0
    # No password works until the admin sets one through the link.
    desk = app.test_client()
    assert login_as(desk, "acme", "boss", NEW_PASSWORD).status_code == 200
    browser = app.test_client()
    assert browser.get(link.path).status_code == 200
    set_it = browser.post(link.path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert set_it.status_code == 303, set_it.text
    assert browser.get(link.path).status_code == 404  # once only
    assert login_as(desk, "acme", "boss", NEW_PASSWORD).status_code == 303
    assert desk.get("/t/acme/desk/").status_code == 200
    kinds = [(e.kind, e.actor_label) for e in _audit(tenant.id)]
    assert ("tenant.created", "platform: Wang Platform") in kinds
    assert ("user.add", "platform: Wang Platform") in kinds
    listing = client.get("/platform/").text
    assert 'data-tenant="acme"' in listing


def login_as(client, slug: str, username: str, password: str):
    return client.post(
        f"/t/{slug}/desk/login?lang=en",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": "192.0.2.9"},
    )


def test_with_mail_on_the_link_is_mailed_not_shown(app, operator, world, monkeypatch):
    import web.platform.views

    delivered = []
    monkeypatch.setattr(
        web.platform.views, "deliver_password_link", lambda user: delivered.append(user.id)
    )
    response = _logged_in(app).post("/platform/tenants/new?lang=en", data=NEW)
    assert response.status_code == 200
    assert "data-password-link" not in response.text and "emailed" in response.text
    assert len(delivered) == 1


def _counts() -> tuple[int, int]:
    with unscoped():
        return (
            db.session.scalar(sa.select(sa.func.count(Tenant.id))),
            db.session.scalar(sa.select(sa.func.count(User.id))),
        )


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"slug": "alpha"}, "This address name is taken"),
        ({"slug": "Bad Slug"}, "lower-case letters, digits and hyphens"),
        ({"slug": "a/b"}, "lower-case letters, digits and hyphens"),
        ({"slug": "a" * 41}, "40"),
        ({"slug": ""}, "This field is required"),
        ({"preset": "nope"}, "Not a valid choice"),
        ({"name": ""}, "This field is required"),
        ({"admin_username": "two words"}, "letters, digits"),
        ({"admin_email": "not-an-address"}, "email"),
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(app, operator, world, change, says):
    before = _counts()
    response = _logged_in(app).post("/platform/tenants/new?lang=en", data={**NEW, **change})
    assert response.status_code == 200
    assert says.lower() in response.text.lower()
    assert "data-password-link" not in response.text
    assert _counts() == before


def test_a_refused_admin_undoes_the_provisioned_tenant(app, operator, world, monkeypatch):
    from tenants import accounts

    def refuse(*_args, **_kwargs):
        raise accounts.Refused("username", "This user name is taken already.")

    monkeypatch.setattr(accounts, "create_account", refuse)
    before = _counts()
    response = _logged_in(app).post("/platform/tenants/new?lang=en", data=NEW)
    assert response.status_code == 200 and "This user name is taken already." in response.text
    assert _counts() == before and _tenant("acme") is None


def _upload(client, text: bytes, filename: str = "harbour.toml", **fields):
    data = {**{k: v for k, v in NEW.items() if k != "preset"}, **fields}
    import io

    data["config"] = (io.BytesIO(text), filename)
    return client.post(
        "/platform/tenants/import?lang=en", data=data, content_type="multipart/form-data"
    )


def test_a_tenant_from_an_exported_configuration_file(app, operator, world):
    app.config["MAIL_SERVER"] = ""
    exported = exchange.dump(exchange.export_config(world.b.tenant)).encode()
    response = _upload(_logged_in(app), exported, "Beta Export.toml", name="")
    assert response.status_code == 200, response.text
    _link(response.text)
    tenant = _tenant("acme")
    assert tenant.name == world.b.tenant.name  # from the file, the form left it empty
    assert tenant.preset == "beta_export"
    with tenant_bound(tenant.id):
        codes = set(db.session.scalars(sa.select(Category.code)))
    with tenant_bound(world.b.tenant.id):
        assert codes == set(db.session.scalars(sa.select(Category.code)))


def test_a_preset_file_can_be_uploaded_too(app, operator, world):
    text = exchange.dump(load_preset("mall")).encode("utf-8")
    response = _upload(_logged_in(app), text, name="Harbour Mall")
    assert response.status_code == 200
    assert (_tenant("acme").name, _tenant("acme").preset) == ("Harbour Mall", "harbour")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (b"name = [unclosed", "not valid TOML"),
        (b"\xff\xfe\x00junk", "UTF-8"),
        (b'name = "x"\nprimary_color = 5\n', "primary_color"),
    ],
)
def test_a_bad_configuration_file_is_a_form_error(app, operator, world, text, says):
    before = _counts()
    response = _upload(_logged_in(app), text)
    assert response.status_code == 200
    assert says in response.text
    assert _counts() == before


def test_a_file_upload_is_required(app, operator, world):
    client = _logged_in(app)
    response = client.post(
        "/platform/tenants/import?lang=en",
        data={k: v for k, v in NEW.items() if k != "preset"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and "Choose a configuration file" in response.text


# --- suspension -------------------------------------------------------------------------

_ARGUMENT = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def _tenant_urls(app, slug: str):
    """Every URL rule of a tenant, with its arguments filled (any value: none is looked up)."""
    for rule in app.url_map.iter_rules():
        if "slug" not in rule.arguments:
            continue
        url = _ARGUMENT.sub(lambda m: slug if m.group(1) == "slug" else "1", rule.rule)
        yield rule, url, ("GET" if "GET" in rule.methods else "POST")


def test_suspending_pauses_every_url_and_resuming_restores_everything(app, operator, world):
    case = open_case(world.a)
    staff = app.test_client()
    login(staff, world.a, "admin")
    assert staff.get(f"/t/{world.a.slug}/desk/cases/{case.id}").status_code == 200
    console = _logged_in(app)

    confirm = console.get(f"/platform/tenants/suspend?tenant={world.a.slug}&lang=en")
    assert confirm.status_code == 200 and "Suspend alpha" in confirm.text
    assert console.get("/platform/tenants/suspend?tenant=nobody").status_code == 404
    assert console.post("/platform/tenants/suspend", data={"tenant": "alpha"}).status_code == 303
    assert "Suspended" in console.get("/platform/?lang=en").text

    stranger = app.test_client()
    for rule, url, method in _tenant_urls(app, world.a.slug):
        response = stranger.open(url, method=method, data={})
        if rule.endpoint == "brand_css":
            assert response.status_code == 200  # the paused page is drawn in its colours
            continue
        if rule.endpoint == "brand_logo":
            assert response.status_code == 404  # and its logo, had it uploaded one
            continue
        assert response.status_code == 503, f"{method} {url} → {response.status_code}"
        assert "no-store" in response.headers["Cache-Control"]
    page = stranger.get(f"/t/{world.a.slug}/")
    assert '<html lang="zh-CN"' in page.text and world.a.tenant.name in page.text
    english = stranger.get(f"/t/{world.a.slug}/?lang=en")
    assert "Service paused" in english.text
    fragment = stranger.get(
        f"/t/{world.a.slug}/desk/notifications/badge", headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 503 and "<html" not in fragment.text
    # Staff cannot log in, and the session already open gets nothing.
    refused = login_as(app.test_client(), world.a.slug, "admin", PASSWORD)
    assert refused.status_code == 503
    assert staff.get(f"/t/{world.a.slug}/desk/cases/{case.id}").status_code == 503
    assert staff.get(f"/t/{world.a.slug}/desk/").status_code == 503
    # The other tenant runs on.
    assert stranger.get(f"/t/{world.b.slug}/").status_code == 200
    assert login_as(app.test_client(), world.b.slug, "admin", PASSWORD).status_code == 303

    assert console.post("/platform/tenants/resume", data={"tenant": "alpha"}).status_code == 303
    assert staff.get(f"/t/{world.a.slug}/desk/cases/{case.id}").status_code == 200
    assert stranger.get(f"/t/{world.a.slug}/").status_code == 200
    assert login_as(app.test_client(), world.a.slug, "admin", PASSWORD).status_code == 303
    with tenant_bound(world.a.tenant.id):
        assert db.session.get(Case, case.id) is not None  # nothing was deleted
    events = _audit(world.a.tenant.id)
    assert [(e.kind, e.subject, e.actor_label) for e in events] == [
        ("tenant.suspended", "alpha", "platform: Wang Platform"),
        ("tenant.resumed", "alpha", "platform: Wang Platform"),
    ]
    assert _audit(world.b.tenant.id) == []


def test_the_directory_leaves_out_a_suspended_tenant(app, operator, world):
    home = app.test_client()
    assert world.a.tenant.name in home.get("/").text
    console = _logged_in(app)
    assert console.post("/platform/tenants/suspend", data={"tenant": "alpha"}).status_code == 303
    listing = home.get("/").text
    assert world.a.tenant.name not in listing and world.b.tenant.name in listing


def test_suspend_and_resume_refuse_unknown_or_missing_tenants(app, operator, world):
    console = _logged_in(app)
    assert console.post("/platform/tenants/suspend", data={"tenant": "nobody"}).status_code == 404
    assert console.post("/platform/tenants/resume", data={}).status_code == 400
    assert console.get("/platform/tenants/suspend").status_code == 404
    with unscoped():
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0
