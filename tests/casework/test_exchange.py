"""A tenant's configuration as data: every preset round-trips through a tenant and a file.

What the format does not carry, and so no round trip can: the tenant's slug, its language
and time zone (provisioning sets zh_CN and Asia/Shanghai for every tenant), an uploaded PNG
logo (the format has an SVG logo only), its staff and cases and case-number counters (the
demo staff and cases of a preset live apart, in presets/demo/, and are not configuration).
Everything else comes back exactly, as an equal :class:`Preset`.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from casework import calendar, exchange, policy, provisioning
from casework.deadlines import Target, Unit
from casework.models import Category
from tenants.db import db, tenant_bound
from tenants.models import Department
from tenants.presets import FOLDER as PRESET_FOLDER
from tenants.presets import (
    PresetCause,
    PresetDay,
    PresetError,
    PresetRoute,
    available,
    load_preset,
    read_preset,
)
from tenants.wording import Letter


def test_every_preset_round_trips_through_a_tenant_and_a_file():
    names = available()  # read now: presets added since collection are covered too
    assert {"mall", "hospital", "city"} <= set(names)
    for name in names:
        preset = load_preset(name)
        # An export lists calendar days by date; a preset that did not would not come back
        # in its own order, so presets keep them in date order too.
        days = [d.day for d in preset.calendar]
        assert days == sorted(days), f"{name}: list the calendar days in date order"
        tenant = provisioning.provision(f"rt-{name}", name)
        db.session.flush()
        exported = exchange.export_config(tenant)
        assert exported == preset, name
        text = exchange.dump(exported)
        assert exchange.read_config(text, f"{name}-config.toml") == preset, name
        # The preset file itself goes through the same reader as an uploaded text.
        on_disk = (PRESET_FOLDER / f"{name}.toml").read_text(encoding="utf-8")
        assert exchange.read_config(on_disk, f"{name}.toml") == read_preset(
            PRESET_FOLDER / f"{name}.toml"
        )
    db.session.rollback()


def _everything():
    """The mall preset with every part of the format used: causes, routing, calendar,
    deactivated rows, a priority, a number pattern and text that TOML has to escape."""
    mall = load_preset("mall")
    departments = (
        *mall.departments,
        mall.departments[0].model_copy(update={"code": "old", "active": False}),
    )
    categories = (
        mall.categories[0].model_copy(update={"default_priority": "urgent"}),
        *mall.categories[1:],
        mall.categories[1].model_copy(
            update={"code": "retired", "active": False, "department": "old"}
        ),
    )
    settings = mall.settings.model_copy(
        update={
            "case_number": mall.settings.case_number.model_copy(
                update={"date_part": "%Y%m", "width": 6}
            ),
            "business_hours": "08:30-17:30",
            "reminders": (0.25, 0.75),
            # A kind of letter beyond the acknowledgement travels as its own keys.
            "letter": Letter.model_validate(
                {
                    **mall.settings.letter.model_dump(),
                    "ack_opening": '第一段\n第二段 "引号" \\ 反斜杠\t制表',
                    "result_title": "处理结果告知书",
                }
            ),
        }
    )
    return mall.model_copy(
        update={
            "name": "全功能 测试机构",
            "departments": departments,
            "categories": categories,
            "settings": settings,
            "causes": (
                PresetCause(code="staff", name="员工服务"),
                PresetCause(code="facility", name="设施设备", active=False),
            ),
            "routing": (
                PresetRoute(keyword="漏水", location="停车场", department="ops"),
                PresetRoute(category="price", channel="phone", department="cs"),
                PresetRoute(channel="email", department="security", active=False),
            ),
            "calendar": (
                PresetDay(day=dt.date(2030, 1, 2), working=False, note="停电检修"),
                PresetDay(day=dt.date(2030, 2, 9), working=True),
            ),
        }
    )


def test_a_configuration_using_every_part_round_trips():
    preset = _everything()
    # Built with model_copy, so checked here as a file would be.
    preset = exchange.read_config(exchange.dump(preset), "everything.toml")
    tenant = provisioning.provision("full", preset, origin="everything")
    db.session.flush()
    exported = exchange.export_config(tenant)
    assert exported == preset
    assert exported.routing[0].keyword == "漏水"
    assert [d.day for d in exported.calendar] == [dt.date(2030, 1, 2), dt.date(2030, 2, 9)]
    assert exported.settings.letter.wording("result").title == "处理结果告知书"
    assert exchange.read_config(exchange.dump(exported), "x.toml") == preset
    db.session.rollback()


def test_a_tenant_changed_by_its_admin_exports_its_changes_and_a_copy_equals_it(world):
    tenant = world.a.tenant
    admin = world.a.users["admin"]
    calendar.set_day(tenant, admin, dt.date(2030, 5, 6), False, "台风")
    policy.set_limits(tenant, admin, {"result": Target(3, Unit.WORKING_DAYS)})
    db.session.commit()
    exported = exchange.export_config(tenant)
    assert exported.calendar == (PresetDay(day=dt.date(2030, 5, 6), working=False, note="台风"),)
    assert exported.settings.deadlines["result"].value == 3
    assert exported.name == tenant.name  # the test world renames its tenants
    text = exchange.dump(exported)
    copy = provisioning.provision(
        "copy", exchange.read_config(text, "alpha-config.toml"), origin="alpha"
    )
    db.session.commit()
    assert copy.preset == "alpha"
    assert exchange.export_config(copy) == exported
    with tenant_bound(copy.id):
        assert db.session.scalar(sa.select(sa.func.count(Department.id))) == len(
            exported.departments
        )


def test_the_file_says_what_it_is_and_lists_tables_as_the_presets_do():
    text = exchange.dump(_everything())
    assert text.startswith("# 全功能 测试机构: a Closeloop organisation's configuration")
    assert "flask tenants create SLUG --from-file FILE" in text
    assert text.count("[[departments]]") == len(_everything().departments)
    assert "[[routing]]" in text and "day = 2030-01-02" in text
    # A name with a line break cannot end the comment and start TOML of its own.
    odd = _everything().model_copy(update={"name": "甲\nname = 1"})
    assert exchange.read_config(exchange.dump(odd), "x.toml").name == "甲\nname = 1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name = \n", "up.toml: not valid TOML"),
        ('name = "x"\n', "primary_color: Field required"),
        (None, "colour: Extra inputs are not permitted"),
        (None, "goes to department 'nowhere'"),
        (None, "a rule to 'cs' has no condition"),
        (None, "case_prefix: String should match pattern"),
    ],
)
def test_a_bad_file_is_refused_with_a_readable_message(text, message):
    if text is None:
        base = exchange.dump(load_preset("mall"))
        text = {
            "colour: Extra inputs are not permitted": base.replace(
                'case_prefix = "XH"', 'case_prefix = "XH"\ncolour = "red"'
            ),
            "goes to department 'nowhere'": base.replace(
                'department = "finance"', 'department = "nowhere"'
            ),
            "a rule to 'cs' has no condition": base + '\n[[routing]]\ndepartment = "cs"\n',
            "case_prefix: String should match pattern": base.replace(
                'case_prefix = "XH"', 'case_prefix = "xh-1"'
            ),
        }[message]
    with pytest.raises(PresetError) as caught:
        exchange.read_config(text, "up.toml")
    assert str(caught.value).startswith("up.toml: ")
    assert message in str(caught.value)


def test_a_byte_order_mark_is_no_problem():
    text = "\ufeff" + exchange.dump(load_preset("hospital"))
    assert exchange.read_config(text, "bom.toml") == load_preset("hospital")


def test_a_files_logo_is_rebuilt_from_the_whitelist_and_a_running_one_refused():
    """A file's logo is inlined on every page of the tenant made from it."""
    preset = load_preset("mall")
    sneaky = preset.logo_svg.replace("<rect ", '<rect onload="alert(1)" ', 1)
    text = exchange.dump(preset.model_copy(update={"logo_svg": sneaky}))
    with pytest.raises(PresetError, match="logo_svg"):
        exchange.read_config(text, "up.toml")
    spaced = preset.logo_svg.replace(" />", "/>")
    text = exchange.dump(preset.model_copy(update={"logo_svg": spaced}))
    assert exchange.read_config(text, "up.toml").logo_svg == preset.logo_svg


def test_an_export_that_would_not_make_a_tenant_says_why(world):
    with tenant_bound(world.a.tenant.id):
        category = db.session.scalars(sa.select(Category).where(Category.code == "price")).one()
        category.department_id = None
        db.session.flush()
    with pytest.raises(PresetError, match="category 'price' goes to no department"):
        exchange.export_config(world.a.tenant)
    db.session.rollback()
