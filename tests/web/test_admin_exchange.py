"""The configuration file page: what the file holds, and its download."""

from __future__ import annotations

import sqlalchemy as sa

from casework import exchange
from casework.models import Category
from tenants.db import db, tenant_bound
from tests.conftest import login

URL = "/t/alpha/desk/admin/configuration"


def test_the_page_explains_the_file_and_offers_it(client, world):
    login(client, world.a, "admin")
    page = client.get(URL, query_string={"lang": "en"})
    assert page.status_code == 200
    assert "Configuration file" in page.text
    assert 'href="/t/alpha/desk/admin/configuration.toml"' in page.text
    assert "Staff and their accounts" in page.text
    assert 'data-testid="config-text"' in page.text and "[[departments]]" in page.text
    assert "&lt;svg" in page.text  # the logo is shown as text, never drawn


def test_the_download_is_the_tenants_configuration(client, world):
    login(client, world.a, "admin")
    response = client.get(f"{URL}.toml")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=alpha-config.toml"
    assert response.mimetype == "application/toml"
    assert response.mimetype_params["charset"] == "utf-8"
    text = response.get_data(as_text=True)
    assert exchange.read_config(text, "alpha-config.toml") == exchange.export_config(world.a.tenant)
    assert 'name = "' + world.a.tenant.name + '"' in text


def test_a_configuration_that_cannot_be_written_says_why(client, world):
    with tenant_bound(world.a.tenant.id):
        category = db.session.scalars(sa.select(Category).where(Category.code == "price")).one()
        category.department_id = None
        db.session.commit()
    login(client, world.a, "admin")
    page = client.get(URL, query_string={"lang": "en"})
    assert page.status_code == 200
    assert "category &#39;price&#39; goes to no department" in page.text
    assert "configuration.toml" not in page.text
    assert client.get(f"{URL}.toml").status_code == 409


def test_only_admins_export(client, world):
    login(client, world.a, "super")
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}.toml").status_code == 403
