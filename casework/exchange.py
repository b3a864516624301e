"""A tenant's configuration as one file, in the format of the presets.

:func:`export_config` reads a tenant back into a :class:`~tenants.presets.Preset`,
:func:`dump` writes it as TOML and :func:`read_config` checks such a text through the same
reader as the preset files, so a preset, an export and an uploaded file are one format and
:func:`casework.provisioning.provision` creates a tenant from any of them.

What the format does not hold stays behind: the tenant's address (slug), its staff and
cases, its language and time zone (every tenant starts in zh_CN, Asia/Shanghai), and an
uploaded PNG logo (the format carries an SVG logo only).
"""

from __future__ import annotations

import sqlalchemy as sa
import tomli_w

from tenants import logos
from tenants.db import db, tenant_bound
from tenants.models import Department, Tenant
from tenants.presets import Preset, PresetError, check_preset, parse_preset

from .models import CalendarDay, Category, Cause, RoutingRule

__all__ = ["PresetError", "dump", "export_config", "read_config"]

HEADER = """\
# {name}: a Closeloop organisation's configuration (机构配置).
# Branding, settings and time limits, departments, categories, causes, routing rules (tried
# in order, the first match wins) and the organisation's own calendar days. Staff, cases and
# an uploaded PNG logo are not part of it.
# Create an organisation from it: flask tenants create SLUG --from-file FILE --admin NAME
"""


def read_config(text: str, source: str) -> Preset:
    """Check a configuration file's text; :class:`PresetError` says what is wrong, and where.

    ``source`` names the text in the message (the uploaded file's name). The presets' own
    reader does the work, so whatever a preset file may hold, an uploaded file may too. Its
    logo is inlined on every page of the tenant, so it is rebuilt from the logo whitelist as
    an uploaded one is; a logo with anything that would run is refused.
    """
    preset = parse_preset(text.removeprefix("\ufeff"), source)
    if not preset.logo_svg:
        return preset
    try:
        logo = logos.clean_svg(preset.logo_svg)
    except logos.LogoRefused as exc:
        raise PresetError(f"{source}: logo_svg: {exc}") from None
    return preset.model_copy(update={"logo_svg": logo})


def export_config(tenant: Tenant) -> Preset:
    """The tenant's configuration as a :class:`Preset`, as :func:`provisioning.provision` takes it.

    Checked as a preset file is, so an export is always a file a tenant can be created from;
    PresetError names what stands in the way (a category with no department, say).
    """
    with tenant_bound(tenant.id):
        departments = db.session.scalars(
            sa.select(Department).order_by(Department.position, Department.id)
        ).all()
        codes = {d.id: d.code for d in departments}
        categories = db.session.scalars(
            sa.select(Category).order_by(Category.position, Category.id)
        ).all()
        category_codes = {c.id: c.code for c in categories}
        causes = db.session.scalars(sa.select(Cause).order_by(Cause.position, Cause.id)).all()
        routes = db.session.scalars(
            sa.select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id)
        ).all()
        days = db.session.scalars(sa.select(CalendarDay).order_by(CalendarDay.day)).all()
    for c in categories:
        if c.department_id not in codes:
            raise PresetError(f"{tenant.slug}: category {c.code!r} goes to no department")
    data = {
        "name": tenant.name,
        "primary_color": tenant.primary_color,
        "logo_svg": tenant.logo_svg or "",
        "letterhead": tenant.letterhead or "",
        "duty_contact_name": tenant.duty_contact_name or "",
        "duty_contact_phone": tenant.duty_contact_phone or "",
        "case_prefix": tenant.case_prefix,
        # The gateway key is sealed under this install's key: useless elsewhere, so left out.
        "settings": tenant.config.model_copy(
            update={"sms": tenant.config.sms.model_copy(update={"api_key": ""})}
        ),
        "departments": [{"code": d.code, "name": d.name, "active": d.active} for d in departments],
        "categories": [
            {
                "code": c.code,
                "name": c.name,
                "department": codes[c.department_id],
                "default_priority": c.default_priority.value,
                "active": c.active,
                "field_work": c.field_work,
            }
            for c in categories
        ],
        "causes": [{"code": c.code, "name": c.name, "active": c.active} for c in causes],
        "routing": [
            {
                "category": category_codes[r.category_id] if r.category_id else None,
                "channel": r.channel or None,
                "keyword": r.keyword,
                "location": r.location,
                "department": codes[r.department_id],
                "active": r.active,
            }
            for r in routes
        ],
        "calendar": [{"day": d.day, "working": d.working, "note": d.note} for d in days],
    }
    return check_preset(data, tenant.slug)


# The catalogue's lists, written as the preset files write them: one [[table]] per row.
LISTS = {
    "departments": "Departments (部门), in the order the desk lists them.",
    "categories": "Categories: the department each goes to, the priority a new case starts with.",
    "causes": "Causes (原因分类) a finding may name.",
    "routing": "Routing rules, tried in this order; the first whose every condition holds wins.",
    "calendar": "The organisation's own closed and working days, against the official schedule.",
}


def dump(preset: Preset) -> str:
    """The configuration as TOML text, with a header that says what it is.

    Every setting is written out, defaults included, so the file means the same on an
    install whose defaults have moved on.
    """
    data = preset.model_dump(mode="python", exclude_none=True)
    lists = {key: data.pop(key) for key in LISTS}
    out = [HEADER.format(name=" ".join(preset.name.split())), "\n", tomli_w.dumps(data)]
    for key, comment in LISTS.items():
        if not lists[key]:
            continue
        out.append(f"\n# {comment}\n")
        out.extend(f"[[{key}]]\n{tomli_w.dumps(row)}\n" for row in lists[key])
    return "".join(out)
