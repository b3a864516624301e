"""Tenant credentials are sealed at rest and open only under the key that sealed them."""

from cryptography.fernet import Fernet

from tenants import secrets


def test_sealed_value_opens_and_is_not_readable(app):
    with app.app_context():
        token = secrets.seal("imap-pässword")
        assert "imap" not in token
        assert secrets.unseal(token) == "imap-pässword"
        assert secrets.seal("imap-pässword") != token  # a fresh IV each time


def test_other_key_reads_as_missing(app):
    with app.app_context():
        token = secrets.seal("gateway-key")
        old = app.config["SECRET_KEY"]
        app.config["SECRET_KEY"] = old + "-rotated"
        try:
            assert secrets.unseal(token) is None
        finally:
            app.config["SECRET_KEY"] = old
        assert secrets.unseal("") is None
        assert secrets.unseal("not a token") is None


def test_configured_keys_rotate(app):
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with app.app_context():
        app.config["SECRETS_KEY"] = first
        try:
            token = secrets.seal("k")
            app.config["SECRETS_KEY"] = f"{second},{first}"
            assert secrets.unseal(token) == "k"
            app.config["SECRETS_KEY"] = second
            assert secrets.unseal(token) is None
        finally:
            app.config["SECRETS_KEY"] = ""
