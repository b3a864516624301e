"""``flask tenants``, ``flask demo``, ``flask fonts`` and ``flask serve``."""

from __future__ import annotations

import datetime as dt
import pathlib

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from casework import exchange, provisioning, questionnaire
from casework.models import Case, Category
from casework.operations import (
    dispatch,
    handling,
    intake,
    investigation,
    rectification,
    repeats,
    revisits,
    teaching,
)
from casework.states import Channel, Status
from tenants import bootstrap, passwords, presets
from tenants.db import db, tenant_bound, unscoped, utcnow
from tenants.models import Department, Role, Tenant, User
from tenants.presets import DemoCase, Preset

tenants_cli = AppGroup("tenants", help="Create and list tenants.")
demo_cli = AppGroup("demo", help="Demo tenants with sample cases.")
fonts_cli = AppGroup("fonts", help="The CJK fonts letters are set in.")

DEMO_PASSWORD = "demo1234"  # noqa: S105 - printed on start for the demo accounts


def _check_password(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """The first admin's password meets the rules every staff password meets."""
    problem = passwords.problem(value, [str(ctx.params.get("admin_username") or "")])
    if problem is not None:
        raise click.BadParameter(str(problem))
    return value


@tenants_cli.command("create")
@click.argument("slug")
@click.option("--preset", type=click.Choice(presets.available()), help="Start from a preset.")
@click.option(
    "--from-file",
    "config_file",
    type=click.File("r", encoding="utf-8-sig"),
    help="Start from a configuration file (flask tenants export).",
)
@click.option("--admin", "admin_username", default="admin", show_default=True)
@click.option(
    "--password", prompt=True, hide_input=True, confirmation_prompt=True, callback=_check_password
)
def create_tenant(
    slug: str, preset: str | None, config_file, admin_username: str, password: str
) -> None:
    """Create a tenant from a preset or a configuration file, with a first admin user."""
    if (preset is None) == (config_file is None):
        raise click.UsageError("give exactly one of --preset and --from-file")
    if config_file is not None:
        name = pathlib.Path(config_file.name).name
        try:
            config = exchange.read_config(config_file.read(), name)
        except exchange.PresetError as exc:
            raise click.ClickException(str(exc)) from None
        source: str | Preset = config
        origin = pathlib.Path(name).stem.removesuffix("-config")[:40] or "custom"
    else:
        source, origin = preset, None
    try:
        tenant = provisioning.provision(slug, source, origin=origin)
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    bootstrap.add_user(tenant, admin_username, "管理员", Role.ADMIN, password)
    db.session.commit()
    click.echo(f"created tenant {slug!r} ({tenant.name}) with admin {admin_username!r}")


@tenants_cli.command("export")
@click.argument("slug")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file instead of standard output.",
)
def export_tenant(slug: str, output: str | None) -> None:
    """Write a tenant's configuration as a file that `create --from-file` takes."""
    with unscoped():
        tenant = db.session.scalar(sa.select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise click.ClickException(f"no tenant {slug!r}")
    try:
        text = exchange.dump(exchange.export_config(tenant))
    except exchange.PresetError as exc:
        raise click.ClickException(str(exc)) from None
    if output is None:
        click.echo(text, nl=False)
        return
    pathlib.Path(output).write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}", err=True)


@tenants_cli.command("list")
def list_tenants() -> None:
    """List the tenants."""
    with unscoped():
        for t in db.session.scalars(sa.select(Tenant).order_by(Tenant.id)):
            click.echo(f"{t.slug}\t{t.preset}\t{t.name}")


def seed_demo(hash_method: str = "scrypt") -> list[Tenant]:
    """Create a demo tenant, with staff and sample cases, for every preset that has demo data."""
    made = []
    for preset_name in presets.demos():
        demo = presets.load_demo(preset_name)
        with unscoped():
            exists = db.session.scalar(sa.select(Tenant).where(Tenant.slug == demo.slug))
        if exists:
            continue
        tenant = provisioning.provision(demo.slug, preset_name)
        users = bootstrap.add_staff(
            tenant, demo.users, DEMO_PASSWORD, f"{demo.slug}.example.com", hash_method=hash_method
        )
        with tenant_bound(tenant.id):
            cases: list[Case] = []
            for sample in demo.cases:
                cases.append(_demo_case(tenant, sample, users, cases))
            db.session.commit()
        made.append(tenant)
    return made


def _demo_case(
    tenant: Tenant, sample: DemoCase, users: dict[str, User], earlier: list[Case]
) -> Case:
    category_id = db.session.scalar(sa.select(Category.id).where(Category.code == sample.category))
    desk = _first(users, Role.INTAKE)
    channel = Channel(sample.channel)
    case = intake.open_case(
        tenant,
        intake.Complaint(
            channel=channel,
            category_id=category_id,
            description=sample.description,
            name=sample.name,
            phone=sample.phone,
            email=sample.email,
            location=sample.location,
            received_at=(
                utcnow() - dt.timedelta(days=sample.received_days_ago)
                if sample.received_days_ago is not None
                else None
            ),
        ),
        actor=None if channel is Channel.WEB else desk,
    )
    if sample.repeat_of is not None:
        db.session.flush()
        repeated = earlier[sample.repeat_of]
        repeats.mark_repeat(case, desk, repeated.number, True, "投诉人第二次来电，问题仍未解决。")
    _advance(case, sample, users)
    return case


def _first(users: dict[str, User], role: Role) -> User:
    return next(u for u in users.values() if u.role is role)


def _advance(case: Case, sample: DemoCase, users: dict[str, User]) -> None:
    desk = _first(users, Role.INTAKE)
    stage = Status(sample.stage)
    if stage is Status.ACCEPTED:
        return
    head = _first(users, Role.SUPERVISOR)
    handler = users.get(sample.handler or "") or _first(users, Role.HANDLER)
    dispatch.dispatch_case(
        case, head, handler.department_id, handler.id, "请尽快联系投诉人核实情况。"
    )
    if sample.rectify is not None:
        department = db.session.scalar(
            sa.select(Department).where(Department.code == sample.rectify.department)
        )
        rectification.order_rectification(case, head, department.id, sample.rectify.instructions)
    if stage is Status.DISPATCHED:
        return
    handling.record_contact(
        case, handler, "phone", "已电话联系投诉人，核实了事发经过，约定现场查看。"
    )
    handling.add_note(case, handler, "已到现场核查，情况属实，正在协调相关部门处理。", public=True)
    if sample.assist_by is not None:
        helper = users[sample.assist_by]
        investigation.ask_assist(case, handler, helper.department_id, "请协助核实相关记录。")
        investigation.answer_assist(case, helper, "经核查记录，情况属实，已提供相关材料。")
    if sample.lesson:
        teaching.mark_teaching(case, _first(users, Role.SUPERVISOR), True, sample.lesson)
    if stage is Status.IN_PROGRESS:
        return
    handling.record_result(
        case,
        handler,
        "经核实情况属实，已责成相关责任人整改完毕，并向投诉人当面致歉。",
        sample.remedy,
    )
    handling.send_result(case, handler)
    if stage is Status.AWAITING_REVISIT:
        return
    # Revisited as the desk does it: the planned revisit, the questionnaire's answers.
    given = {"overall": "5", "solved": "yes", "speed": "5", "attitude": "5", "result": "5"}
    given[questionnaire.COMMENTS] = "对处理结果满意，感谢工作人员的及时处理。"
    answers = questionnaire.check_answers(case.tenant, given)
    revisits.record_answers(revisits.start(case, desk), desk, answers)


@demo_cli.command("seed")
def demo_seed() -> None:
    """Create the demo tenants (idempotent)."""
    made = seed_demo(current_app.config["PASSWORD_HASH_METHOD"])
    click.echo(f"demo tenants created: {', '.join(t.slug for t in made) or 'none (exist already)'}")


@demo_cli.command("accounts")
def demo_accounts() -> None:
    """Print the demo staff accounts."""
    base = current_app.config["PUBLIC_URL"]
    for preset_name in presets.demos():
        demo = presets.load_demo(preset_name)
        click.echo(f"\n{presets.load_preset(preset_name).name}")
        click.echo(f"  portal: {base}/t/{demo.slug}/")
        click.echo(f"  desk:   {base}/t/{demo.slug}/desk/login")
        for u in demo.users:
            click.echo(f"    {u.username:<10} {DEMO_PASSWORD}  {u.role.value:<10} {u.name}")


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
    from .platform.cli import platform_cli

    app.cli.add_command(platform_cli)

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
