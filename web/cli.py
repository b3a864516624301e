"""``flask tenants``, ``flask demo``, ``flask fonts`` and ``flask serve``."""

from __future__ import annotations

import datetime as dt

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from casework import catalog, operations
from casework.models import Case, Category, Department
from casework.states import Channel, Status
from tenants.db import db, tenant_bound, unscoped, utcnow
from tenants.models import Role, Tenant, User
from tenants.presets import PRESETS, get_preset

tenants_cli = AppGroup("tenants", help="Create and list tenants.")
demo_cli = AppGroup("demo", help="Demo tenants with sample cases.")
fonts_cli = AppGroup("fonts", help="The CJK fonts letters are set in.")

DEMO_PASSWORD = "demo1234"  # noqa: S105 - printed on start for the demo accounts


@tenants_cli.command("create")
@click.argument("slug")
@click.option("--preset", type=click.Choice(sorted(PRESETS)), required=True)
@click.option("--admin", "admin_username", default="admin", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_tenant(slug: str, preset: str, admin_username: str, password: str) -> None:
    """Create a tenant from a preset, with a first admin user."""
    data = get_preset(preset)
    tenant = catalog.create_tenant(slug, preset, data)
    catalog.add_user(tenant, admin_username, "管理员", Role.ADMIN, password)
    db.session.commit()
    click.echo(f"created tenant {slug!r} ({data['name']}) with admin {admin_username!r}")


@tenants_cli.command("list")
def list_tenants() -> None:
    """List the tenants."""
    with unscoped():
        for t in db.session.scalars(sa.select(Tenant).order_by(Tenant.id)):
            click.echo(f"{t.slug}\t{t.preset}\t{t.name}")


def seed_demo(hash_method: str = "scrypt") -> list[Tenant]:
    """Create the mall, hospital and city demo tenants with staff and sample cases."""
    made = []
    for preset_name in ("mall", "hospital", "city"):
        data = get_preset(preset_name)
        with unscoped():
            exists = db.session.scalar(sa.select(Tenant).where(Tenant.slug == data["slug"]))
        if exists:
            continue
        tenant = catalog.create_tenant(data["slug"], preset_name, data)
        users = {}
        for i, (username, name, role, dept) in enumerate(data["users"]):
            users[username] = catalog.add_user(
                tenant,
                username,
                name,
                Role(role),
                DEMO_PASSWORD,
                dept,
                email=f"{username}@{data['slug']}.example.com",
                phone=f"0571-8600 {1000 + i}",
                hash_method=hash_method,
            )
        with tenant_bound(tenant.id):
            cases: list[Case] = []
            for sample in data["demo_cases"]:
                cases.append(_demo_case(tenant, sample, users, cases))
            db.session.commit()
        made.append(tenant)
    return made


def _demo_case(
    tenant: Tenant, sample: dict, users: dict[str, User], earlier: list[Case]
) -> Case:
    category_id = db.session.scalar(
        sa.select(Category.id).where(Category.code == sample["category"])
    )
    desk = users["desk"]
    channel = Channel(sample["channel"])
    case = operations.open_case(
        tenant,
        operations.Complaint(
            channel=channel,
            category_id=category_id,
            description=sample["description"],
            name=sample["name"],
            phone=sample["phone"],
            email=sample.get("email", ""),
            location=sample["location"],
            received_at=(
                utcnow() - dt.timedelta(days=sample["received_days_ago"])
                if "received_days_ago" in sample
                else None
            ),
        ),
        actor=None if channel is Channel.WEB else desk,
    )
    if "repeat_of" in sample:
        db.session.flush()
        repeated = earlier[sample["repeat_of"]]
        operations.mark_repeat(case, desk, repeated.number, True, "投诉人第二次来电,问题仍未解决。")
    _advance(tenant, case, sample, users)
    return case


def _advance(tenant: Tenant, case: Case, sample: dict, users: dict[str, User]) -> None:
    desk = users["desk"]
    stage = Status(sample["stage"])
    if stage is Status.ACCEPTED:
        return
    head = next(u for u in users.values() if u.role is Role.SUPERVISOR)
    handler = users.get(sample["handler"] or "") or next(
        (u for u in users.values() if u.role is Role.HANDLER), None
    )
    operations.dispatch_case(
        case, head, handler.department_id, handler.id, "请尽快联系投诉人核实情况。"
    )
    if "rectify" in sample:
        unit, instructions = sample["rectify"]
        department = db.session.scalar(sa.select(Department).where(Department.code == unit))
        operations.order_rectification(case, head, department.id, instructions)
    if stage is Status.DISPATCHED:
        return
    operations.record_contact(
        case, handler, "phone", "已电话联系投诉人,核实了事发经过,约定现场查看。"
    )
    operations.add_note(case, handler, "已到现场核查,情况属实,正在协调相关部门处理。", public=True)
    if stage is Status.IN_PROGRESS:
        return
    operations.record_result(
        case,
        handler,
        "经核实情况属实,已责成相关责任人整改完毕,并向投诉人当面致歉。",
        "赠送 100 元购物券一张" if tenant.preset == "mall" else "",
    )
    operations.send_result(case, handler)
    if stage is Status.AWAITING_REVISIT:
        return
    operations.record_revisit(
        case, desk, "phone", True, 5, "对处理结果满意,感谢工作人员的及时处理。"
    )


@demo_cli.command("seed")
def demo_seed() -> None:
    """Create the demo tenants (idempotent)."""
    made = seed_demo(current_app.config["PASSWORD_HASH_METHOD"])
    click.echo(f"demo tenants created: {', '.join(t.slug for t in made) or 'none (exist already)'}")


@demo_cli.command("accounts")
def demo_accounts() -> None:
    """Print the demo staff accounts."""
    base = current_app.config["PUBLIC_URL"]
    for preset_name in ("mall", "hospital", "city"):
        data = get_preset(preset_name)
        click.echo(f"\n{data['name']}")
        click.echo(f"  portal: {base}/t/{data['slug']}/")
        click.echo(f"  desk:   {base}/t/{data['slug']}/desk/login")
        for username, name, role, _dept in data["users"]:
            click.echo(f"    {username:<10} {DEMO_PASSWORD}  {role:<10} {name}")


@fonts_cli.command("build")
@click.option("--force", is_flag=True)
def fonts_build(force: bool) -> None:
    """Trim Noto Sans CJK SC for letters (about 10 s per face, once)."""
    from jobs import fonts

    made = fonts.build(current_app.static_folder, force=force)
    click.echo(f"fonts: {len(made)} built" if made else "fonts: up to date")


def register(app: Flask) -> None:
    """Add the commands to ``flask``."""
    app.cli.add_command(tenants_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(fonts_cli)

    @app.cli.command("serve")
    @click.option("--host", default="127.0.0.1")
    @click.option("--port", default=5000)
    def serve(host: str, port: int) -> None:
        """Run the app under gunicorn, one process; in embedded mode the schedule runs in it."""
        from gunicorn.app.base import BaseApplication

        from jobs import schedule

        application = current_app._get_current_object()

        class Embedded(BaseApplication):
            def load_config(self) -> None:
                for key, value in {
                    "bind": f"{host}:{port}",
                    "workers": 1,
                    "worker_class": "gthread",
                    "threads": 8,
                    "accesslog": "-",
                }.items():
                    self.cfg.set(key, value)
                if application.config["JOBS_INLINE"]:
                    self.cfg.set(
                        "post_worker_init", lambda _w: schedule.start_in_process(application)
                    )

            def load(self):
                return application

        click.echo(f"Closeloop on http://{host}:{port}/")
        Embedded().run()
