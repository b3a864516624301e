"""The masks staff without the personal-data right read (CO-8)."""

from __future__ import annotations

from casework import privacy


def test_a_mobile_number_keeps_its_first_three_and_last_four_digits():
    assert privacy.mask_phone("13812345678") == "138****5678"
    assert privacy.mask_phone("+8613812345678") == "138****5678"  # as stored
    assert privacy.mask_phone("+85291234567") == "+85****4567"
    assert privacy.mask_phone("") == ""
    assert "2345" not in privacy.mask_phone("12345")


def test_an_email_keeps_the_first_letter_and_the_domain():
    assert privacy.mask_email("zhang.wei@example.com") == "z***@example.com"
    assert privacy.mask_email("") == ""
    assert privacy.mask_email("nodomain") == "n***"


def test_an_address_keeps_the_district_not_the_door():
    assert privacy.mask_address("杭州市西湖区文三路100号3单元") == "杭州市西湖区****"
    assert "100" not in privacy.mask_address("杭州市西湖区文三路100号3单元")
    assert privacy.mask_address("短地址") == "短****"
    assert privacy.mask_address("文三路100号") == "文三路****"


def test_an_id_number_keeps_its_first_six_and_last_four():
    assert privacy.mask_id_number("110101199003071234") == "110101********1234"
    assert privacy.mask_id_number("12345") == "12****"


def test_contact_masks_everything_but_the_name_and_only_when_asked():
    args = ("张伟", "13812345678", "zw@example.com", "文三路100号", "110101199003071234")
    shown = privacy.contact(*args, masked=False)
    assert (shown.phone, shown.email, shown.masked) == ("13812345678", "zw@example.com", False)
    hidden = privacy.contact(*args, masked=True)
    assert hidden.name == "张伟"
    assert "12345678" not in hidden.phone and hidden.masked
    assert "100" not in hidden.address and "19900307" not in hidden.id_number


def test_who_holds_the_right_by_default_and_a_wrong_role_is_refused():
    import pytest

    from tenants.settings import TenantSettings

    assert TenantSettings().personal_data_roles == ("intake", "supervisor", "admin")
    assert TenantSettings.model_validate(
        {"personal_data_roles": ["handler"]}
    ).personal_data_roles == ("handler",)
    for wrong in (["nobody"], "handler", ["admin", "admin"]):
        with pytest.raises(ValueError):
            TenantSettings.model_validate({"personal_data_roles": wrong})


def test_may_see_follows_the_tenants_roles_and_any_role_of_a_person(world):
    from tenants.db import db, tenant_bound
    from tenants.models import Role

    with tenant_bound(world.a.tenant.id):
        desk = db.session.merge(world.a.users["desk"])
        handler = db.session.merge(world.a.users["ops_li"])
        assert privacy.may_see(desk) and not privacy.may_see(handler)
        assert privacy.may_see(None)  # the system, writing to the complainant
        handler.set_roles(Role.HANDLER, [Role.INTAKE])
        assert privacy.may_see(handler)
        db.session.merge(world.a.tenant).update_config(personal_data_roles=["admin"])
        assert not privacy.may_see(desk)


def test_the_phone_reads_in_national_digits_and_masks_like_people_write_it():
    assert privacy.national("+8613812345678") == "13812345678"
    assert privacy.mask_phone(privacy.national("+8613812345678")) == "138****5678"
    assert privacy.national("") == ""


def _case(**details):
    from casework.models import Case

    values = {
        "complainant_name": "张伟",
        "complainant_phone": "+8613812345678",
        "complainant_email": "Zhang.Wei@example.com",
        "complainant_address": "杭州市西湖区文三路100号3单元",
        "complainant_id_number": "11010119900307123X",
    }
    values.update(details)
    return Case(**values)


def test_redact_masks_the_complainants_own_details_in_free_text():
    case = _case()
    text = (
        "来电 138 1234 5678,又打 +86 13812345678;邮件 zhang.wei@EXAMPLE.com;"
        "住 杭州市西湖区文三路100号3单元;证 11010119900307123X"
    )
    out = privacy.redact(text, case)
    for secret in ("1234 5678", "13812345678", "zhang.wei@", "文三路100号", "19900307"):
        assert secret not in out
    assert out.count("138****5678") == 2
    assert "Z***@example.com" in out and "110101********123X" in out
    # Another number stays: only the complainant's own details are theirs to mask.
    assert privacy.redact("值班电话 13900001111", case) == "值班电话 13900001111"
    assert privacy.redact("", case) == ""


def test_held_fields_names_what_the_case_holds():
    assert privacy.held_fields(_case()) == ["phone", "email", "address", "id_number"]
    assert privacy.held_fields(_case(complainant_email="", complainant_address="")) == [
        "phone",
        "id_number",
    ]


def test_a_reveal_needs_a_reason_opens_one_cases_window_and_is_append_only(world):
    import datetime as dt

    import pytest

    from casework import disclosure
    from casework.errors import InvalidInput
    from casework.models import Case
    from casework.models.disclosure import AppendOnly
    from tenants.db import db, tenant_bound
    from tests.conftest import open_case

    first, second = open_case(world.a), open_case(world.a)
    with tenant_bound(world.a.tenant.id):
        handler = db.session.merge(world.a.users["ops_li"])
        case = db.session.get(Case, first.id)
        for reason in ("", " x ", "字" * (disclosure.MAX_REASON + 1)):
            with pytest.raises(InvalidInput):
                disclosure.reveal(case, handler, reason)
        assert privacy.open_windows(handler) == set()
        row = disclosure.reveal(case, handler, "  需要  上门  ")
        assert row.reason == "需要 上门" and row.fields == "phone"
        reader = privacy.Reader(handler)
        assert reader.sees(case) and not reader.sees(db.session.get(Case, second.id))
        assert reader.contact(case).phone == "13812345678"
        later = privacy.Reader(handler, now=row.at + dt.timedelta(minutes=16))
        assert not later.sees(case) and later.contact(case).phone == "138****5678"
        db.session.commit()
        row.reason = "changed"
        with pytest.raises(AppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(type(row), row.id))
        with pytest.raises(AppendOnly):
            db.session.flush()
        db.session.rollback()


def test_nobody_signed_in_reads_masks():
    reader = privacy.Reader.nobody()
    assert not reader.sees(_case()) and reader.contact(_case()).masked


def test_setting_the_roles_is_audited_and_an_unknown_role_refused(world):
    import pytest

    from casework import disclosure
    from tenants.audit import AuditEvent
    from tenants.db import db, tenant_bound

    with tenant_bound(world.a.tenant.id):
        tenant = db.session.merge(world.a.tenant)
        admin = db.session.merge(world.a.users["admin"])
        assert not disclosure.set_roles(tenant, admin, ["admin", "supervisor", "intake"])
        assert disclosure.set_roles(tenant, admin, ["admin", "handler"])
        assert tenant.config.personal_data_roles == ("handler", "admin")
        with pytest.raises(ValueError):
            disclosure.set_roles(tenant, admin, ["nobody"])
        event = db.session.scalars(db.select(AuditEvent)).one()
        assert event.kind == "privacy.roles"
        assert event.changes == {
            "before": ["intake", "supervisor", "admin"],
            "after": ["handler", "admin"],
        }


def test_intake_keeps_the_address_and_checks_the_id_number(world):
    import pytest

    from casework.errors import InvalidInput
    from tests.conftest import open_case

    for wrong in ("12345", "1101011990030712XX", "X10101199003071234", "11010119900307123Y"):
        with pytest.raises(InvalidInput) as refused:
            open_case(world.a, id_number=wrong)
        assert refused.value.field == "id_number"
    with pytest.raises(InvalidInput):
        open_case(world.a, address="路" * 301)
    assert open_case(world.a, id_number="110101900307123").complainant_id_number
    case = open_case(world.a, id_number=" 11010119900307123x ", address=" 文三路  100号 ")
    assert case.complainant_id_number == "11010119900307123X"
    assert case.complainant_address == "文三路 100号"
