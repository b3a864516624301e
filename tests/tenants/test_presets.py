"""Preset and demo files, and the typed settings they are checked against."""

from __future__ import annotations

import pathlib

import pytest
import sqlalchemy as sa
from coloraide import Color
from pydantic import ValidationError

from casework import provisioning
from casework.models import Cause, RoutingRule
from tenants import presets, settings
from tenants.db import db, tenant_bound
from tenants.presets import FOLDER, PresetError, read_demo, read_preset
from tenants.settings import Limit, TenantSettings, UndefinedWords, Unit

MALL = (FOLDER / "mall.toml").read_text(encoding="utf-8")
MALL_DEMO = (FOLDER / "demo" / "mall.toml").read_text(encoding="utf-8")


def _preset(tmp_path: pathlib.Path, text: str) -> presets.Preset:
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    return read_preset(path)


EIGHT = {"company", "mall", "city", "hospital", "estate", "service", "power", "property"}


def test_every_preset_and_demo_file_validates():
    # One preset, with a demo tenant, for each organisation of rules.md.
    assert set(presets.available()) >= EIGHT
    assert EIGHT <= set(presets.demos()) <= set(presets.available())
    for name in presets.available():
        preset = read_preset(FOLDER / f"{name}.toml")
        assert preset.settings.channels and preset.categories
    for name in presets.demos():
        demo = presets.load_demo(name)
        assert {u.username for u in demo.users} >= {"admin", "desk", "super"}


def test_an_unknown_preset_names_the_ones_there_are():
    with pytest.raises(KeyError, match="mall"):
        presets.load_preset("zoo")


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (("[settings]\n", "[settings]\nreply_deadlines = 5\n"), "settings.reply_deadlines"),
        (('case_prefix = "XH"\n', 'case_prefix = "XH"\ncolour = "red"\n'), "colour"),
        (('unit = "hours"', 'unit = "fortnights"'), "'fortnights'"),
        (("result = {", "reslut = {"), "unknown stage 'reslut'"),
        (('department = "finance"', 'department = "legal"'), "department 'legal'"),
        (('category = "safety"', 'category = "saftey"'), "category 'saftey'"),
        (('channels = ["web"', 'channels = ["fax"'), "unknown channel 'fax'"),
        (('stage = "result"', 'stage = "result"\nchannel = "pigeon"'), "unknown channel 'pigeon'"),
        (("[settings]\n", '[settings]\nbusiness_hours = "17:30-08:00"\n'), "17:30-08:00"),
        (("[settings]\n", "[settings]\nreminders = [0.8, 0.5]\n"), "reminders"),
        (("value = 2\n", "value = 0\n"), "deadline_overrides.0.value"),
        (('name = "星河', "name = 星河"), "not valid TOML"),
    ],
)
def test_a_wrong_key_or_value_is_named_with_its_file(tmp_path, change, named):
    old, new = change
    assert old in MALL
    with pytest.raises(PresetError) as refused:
        _preset(tmp_path, MALL.replace(old, new, 1))
    assert str(refused.value).startswith("broken.toml: ")
    assert named in str(refused.value)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (('handler = "ops_li"', 'handler = "nobody"'), "no user 'nobody'"),
        (('category = "price"', 'category = "food"'), "no category 'food'"),
        (('role = "supervisor"', 'role = "boss"'), "users.6.role"),
        (('department = "ops"', 'department = "kitchen"'), "no department 'kitchen'"),
        (("repeat_of = 2", "repeat_of = 7"), "repeat_of"),
    ],
)
def test_a_demo_file_is_checked_against_its_preset(tmp_path, change, named):
    old, new = change
    assert old in MALL_DEMO
    path = tmp_path / "mall.toml"
    path.write_text(MALL_DEMO.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PresetError, match=named):
        read_demo(path, presets.load_preset("mall"))


def test_defaults_apply_when_a_key_is_absent(tmp_path):
    bare = TenantSettings()
    assert bare.channels == settings.words("channel")
    assert bare.reminders == (0.5, 0.8)
    assert bare.extension_approver == "dept_head"
    assert bare.business_hours == "" and bare.deadlines == {} and bare.deadline_overrides == ()
    assert bare.letter.ack_title == ""
    assert bare.to_json() == {}  # nothing given, nothing stored
    # A preset without a letter or reminders of its own gets the defaults.
    start, end = MALL.index("[settings.letter]"), MALL.index("# MALL-4")
    preset = _preset(tmp_path, MALL[:start] + MALL[end:])
    assert preset.settings.letter == settings.Letter()
    assert preset.settings.reminders == (0.5, 0.8)
    assert "letter" not in preset.settings.to_json()


def test_settings_read_before_the_domain_defines_its_words_fail_closed(monkeypatch):
    monkeypatch.setattr(settings, "_words", {})
    with pytest.raises(UndefinedWords):
        TenantSettings.model_validate({"deadlines": {"result": {"value": 5, "unit": "hours"}}})
    with pytest.raises(UndefinedWords):
        TenantSettings()  # the default channels are the domain's too


def test_config_is_parsed_once_per_settings_dict(world):
    tenant = world.a.tenant
    first = tenant.config
    assert tenant.config is first
    tenant.settings = {**tenant.settings, "extension_approver": "supervisor"}
    assert tenant.config is not first
    assert tenant.config.extension_approver == "supervisor"


def test_update_config_refuses_invalid_values_and_keeps_the_old_ones(world):
    tenant = world.a.tenant
    before = tenant.settings
    for change in (
        {"reminders": (0.8, 0.5)},
        {"business_hours": "nine to five"},
        {"extension_approver": "janitor"},
        {"deadlines": {"result": {"value": 5, "unit": "fortnights"}}},
        {"deadlines": {"reslut": {"value": 5, "unit": "hours"}}},
        {"colour": "red"},
    ):
        with pytest.raises(ValidationError):
            tenant.update_config(**change)
        assert tenant.settings is before
    config = tenant.update_config(deadlines={"result": Limit(value=3, unit=Unit.WORKING_DAYS)})
    assert config.deadlines["result"] == Limit(value=3, unit=Unit.WORKING_DAYS)
    # Stored as plain JSON in the shape rows have always held; the other keys are kept.
    assert tenant.settings["deadlines"] == {"result": {"value": 3, "unit": "working_days"}}
    assert tenant.settings["channels"] == before["channels"]
    assert tenant.settings["deadline_overrides"][0] == {
        "stage": "dispatch",
        "category": "safety",
        "value": 2,
        "unit": "hours",
    }


def test_a_tenant_is_provisioned_from_its_preset(world):
    preset = presets.load_preset("city")
    tenant = provisioning.provision("gamma", "city")
    db.session.commit()
    assert tenant.settings == preset.settings.to_json()
    assert tenant.case_prefix == preset.case_prefix
    assert tenant.letterhead == preset.letterhead
    with pytest.raises(ValueError, match="exists already"):
        provisioning.provision("gamma", "city")


def test_a_tenant_of_another_name_does_not_print_the_sample_organisations_letterhead(world):
    preset = presets.load_preset("property")
    tenant = provisioning.provision("acme", "property", name="锦绣物业服务有限公司")
    assert (tenant.name, tenant.letterhead) == ("锦绣物业服务有限公司", "锦绣物业服务有限公司")
    assert preset.name not in tenant.letterhead


@pytest.mark.parametrize("name", presets.available())
def test_every_preset_provisions_with_its_causes_and_routing_rules(app, name):
    preset = presets.load_preset(name)
    assert preset.causes and preset.routing
    tenant = provisioning.provision(f"fresh-{name}", name)
    db.session.commit()
    with tenant_bound(tenant.id):
        causes = db.session.scalars(sa.select(Cause).order_by(Cause.position)).all()
        rules = db.session.scalars(sa.select(RoutingRule).order_by(RoutingRule.position)).all()
        assert [(c.code, c.name, c.active) for c in causes] == [
            (c.code, c.name, c.active) for c in preset.causes
        ]
        assert [
            (
                r.category.code if r.category else None,
                r.channel,
                r.keyword,
                r.location,
                r.department.code,
                r.active,
            )
            for r in rules
        ] == [
            (r.category, r.channel, r.keyword, r.location, r.department, r.active)
            for r in preset.routing
        ]


@pytest.mark.parametrize("name", presets.available())
def test_every_preset_brands_readably_and_safely(name):
    preset = presets.load_preset(name)
    # White text on the primary colour (the bar, the buttons) meets WCAG AA.
    assert Color(preset.primary_color).contrast("white") >= 4.5
    logo = preset.logo_svg.lower()
    assert logo.startswith("<svg") and logo.endswith("</svg>")
    assert "script" not in logo and " on" not in logo and "href" not in logo


def test_presets_number_their_cases_apart():
    """Each organisation's case numbers start with its own prefix."""
    prefixes = [presets.load_preset(name).case_prefix for name in presets.available()]
    assert len(set(prefixes)) == len(prefixes)


@pytest.mark.parametrize("name", presets.demos())
def test_every_demo_shows_cases_at_several_stages(name):
    demo = presets.load_demo(name)
    assert 3 <= len(demo.cases) <= 5
    assert len({c.stage for c in demo.cases}) >= 3
    assert {"accepted", "closed"} <= {c.stage for c in demo.cases}


def test_the_plan_approval_policy_of_the_mall_and_property_presets():
    """MALL-5: every plan to the department head; PROP-2: above the head's authority to the
    company manager, and money paid only from an approved plan."""
    mall = presets.load_preset("mall").settings.plan_approval
    assert mall.categories == ("*",) and mall.head_limit is None
    prop = presets.load_preset("property").settings.plan_approval
    assert (prop.above, prop.head_limit, prop.manager_role) == (0, 2000, "supervisor")
    assert prop.result_needs_plan
    # Every other preset asks for no approval unless its admin sets one.
    assert presets.load_preset("hospital").settings.plan_approval == settings.PlanApproval()


@pytest.mark.parametrize(
    "rule",
    [{"manager_role": "handler"}, {"above": -1}, {"head_limit": "lots"}, {"unknown": 1}],
)
def test_a_wrong_plan_approval_policy_is_refused(rule):
    with pytest.raises(ValidationError):
        TenantSettings.model_validate({"plan_approval": rule})


def test_plan_approval_names_only_the_preset_s_categories(tmp_path):
    text = MALL.replace('categories = ["*"]', 'categories = ["price", "lingerie"]', 1)
    with pytest.raises(PresetError) as refused:
        _preset(tmp_path, text)
    assert "lingerie" in str(refused.value)


def test_the_demo_seeds_every_organisation_with_an_assist_and_a_teaching_case():
    import sqlalchemy as sa

    from casework.models import Assist, Case
    from tenants.db import db, unscoped
    from tenants.models import Tenant
    from tests.conftest import TEST_HASH
    from web.cli import seed_demo

    made = seed_demo(TEST_HASH)
    assert {t.slug for t in made} == {presets.load_demo(p).slug for p in presets.demos()}
    with unscoped():
        mall = db.session.scalar(sa.select(Tenant.id).where(Tenant.slug == "mall"))
        lessons = db.session.scalars(
            sa.select(Case.lesson).where(Case.tenant_id == mall, Case.teaching.is_(True))
        ).all()
        answered = db.session.scalars(
            sa.select(Assist.answered_at).where(Assist.tenant_id == mall)
        ).all()
    assert len(lessons) == 1 and lessons[0]
    assert len(answered) == 1 and answered[0] is not None
    assert seed_demo(TEST_HASH) == []  # idempotent
