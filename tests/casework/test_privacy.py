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
