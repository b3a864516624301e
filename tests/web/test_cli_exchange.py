"""``flask tenants export`` and ``flask tenants create --from-file``."""

from __future__ import annotations

import sqlalchemy as sa

from casework import exchange
from tenants.db import db, tenant_bound, unscoped
from tenants.models import Role, Tenant, User

ADMIN_PASSWORD = "Huang-shan7Yun!hai"  # meets the password rules


def _tenant(slug: str) -> Tenant | None:
    db.session.expire_all()
    with unscoped():
        return db.session.scalar(sa.select(Tenant).where(Tenant.slug == slug))


def test_export_to_stdout_and_to_a_file(app, world, tmp_path):
    runner = app.test_cli_runner()
    out = runner.invoke(args=["tenants", "export", "alpha"])
    assert out.exit_code == 0, out.output
    assert exchange.read_config(out.stdout, "stdout") == exchange.export_config(world.a.tenant)
    target = tmp_path / "alpha-config.toml"
    written = runner.invoke(args=["tenants", "export", "alpha", "-o", str(target)])
    assert written.exit_code == 0, written.output
    assert target.read_text(encoding="utf-8") == out.stdout
    missing = runner.invoke(args=["tenants", "export", "nobody"])
    assert missing.exit_code != 0 and "no tenant 'nobody'" in missing.output


def test_create_from_an_exported_file_copies_the_configuration(app, world, tmp_path):
    runner = app.test_cli_runner()
    target = tmp_path / "alpha-config.toml"
    runner.invoke(args=["tenants", "export", "alpha", "-o", str(target)])
    made = runner.invoke(
        args=[
            "tenants",
            "create",
            "gamma",
            "--from-file",
            str(target),
            "--admin",
            "boss",
            "--password",
            ADMIN_PASSWORD,
        ]
    )
    assert made.exit_code == 0, made.output
    assert "created tenant 'gamma'" in made.output
    gamma = _tenant("gamma")
    assert gamma.preset == "alpha"  # the file's name, "-config" dropped
    assert exchange.export_config(gamma) == exchange.export_config(_tenant("alpha"))
    with tenant_bound(gamma.id):
        admin = db.session.scalars(sa.select(User)).one()
    assert (admin.username, admin.role) == ("boss", Role.ADMIN)
    assert admin.check_password(ADMIN_PASSWORD)


def test_create_from_a_preset_still_works(app, world):
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=["tenants", "create", "delta", "--preset", "city", "--password", ADMIN_PASSWORD]
    )
    assert made.exit_code == 0, made.output
    assert _tenant("delta").preset == "city"


def test_exactly_one_source_and_a_good_file(app, world, tmp_path):
    runner = app.test_cli_runner()
    good = tmp_path / "good.toml"
    good.write_text(exchange.dump(exchange.export_config(world.a.tenant)), encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        good.read_text(encoding="utf-8").replace('case_prefix = "XH"', 'case_prefix = "x"')
    )
    base = ["tenants", "create", "epsilon", "--password", ADMIN_PASSWORD]
    both = runner.invoke(args=[*base, "--preset", "mall", "--from-file", str(good)])
    assert both.exit_code == 2 and "exactly one of --preset and --from-file" in both.output
    neither = runner.invoke(args=base)
    assert neither.exit_code == 2 and "exactly one" in neither.output
    refused = runner.invoke(args=[*base, "--from-file", str(bad)])
    assert refused.exit_code == 1
    assert "bad.toml: case_prefix: String should match pattern" in refused.output
    taken = runner.invoke(
        args=["tenants", "create", "alpha", "--from-file", str(good), "--password", ADMIN_PASSWORD]
    )
    assert taken.exit_code == 1 and "exists already" in taken.output
    assert _tenant("epsilon") is None


def test_a_weak_first_admin_password_is_refused(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["tenants", "create", "zeta", "--preset", "city", "--password", "12345678"]
    )
    assert result.exit_code != 0 and "--password" in result.output
    with unscoped():
        assert db.session.scalar(sa.select(Tenant).where(Tenant.slug == "zeta")) is None
