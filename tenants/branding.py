"""A tenant's branding (品牌): its logo, colour, letterhead line and duty contact.

Every change leaves an audit event with the values before and after it (a logo by its
digest, never its bytes). Input is checked before anything changes, so a refused change
leaves nothing half-saved; :class:`BrandingRefused` names the field and the reason, and the
web layer words the message in the user's language.
"""

from __future__ import annotations

import hashlib
import math
import re
from typing import Any

from coloraide import Color

from . import audit, logos
from .models import Tenant, User
from .presets import load_preset

# WCAG 2 AA for normal text: the bar, the buttons and the tags print white on the colour.
MIN_CONTRAST = 4.5
LIMITS = {"letterhead": 300, "duty_contact_name": 100, "duty_contact_phone": 50}
_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class BrandingRefused(ValueError):
    """Input the branding refuses: ``field`` it concerns, ``reason`` and message ``params``."""

    def __init__(self, field: str, reason: str, **params: Any) -> None:
        super().__init__(f"{field}: {reason} {params}" if params else f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.params = params


def contrast_with_white(color: str) -> float:
    """The WCAG 2 contrast ratio of white text on ``color``."""
    return Color(color).contrast("white")


def check_color(text: str) -> str:
    """``text`` as ``#rrggbb`` in lower case if white text on it reads (4.5:1 or more).

    BrandingRefused("primary_color", "color_format") for anything but a hex colour, and
    "contrast" with the measured ``ratio`` (rounded down, so 4.49 never shows as 4.5).
    """
    match = _HEX.fullmatch(text.strip())
    if match is None:
        raise BrandingRefused("primary_color", "color_format", color=text.strip()[:20])
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    color = f"#{digits}"
    ratio = contrast_with_white(color)
    if ratio < MIN_CONTRAST:
        shown = f"{math.floor(ratio * 100) / 100:.2f}"
        raise BrandingRefused(
            "primary_color", "contrast", color=color, ratio=shown, minimum=f"{MIN_CONTRAST}"
        )
    return color


def _line(field: str, text: str) -> str:
    value = text.strip()
    if _CONTROL.search(value):
        raise BrandingRefused(field, "not_one_line")
    if len(value) > LIMITS[field]:
        raise BrandingRefused(field, "too_long", limit=LIMITS[field], length=len(value))
    return value


def set_branding(
    tenant: Tenant,
    actor: User | None,
    *,
    primary_color: str | None = None,
    letterhead: str | None = None,
    duty_contact_name: str | None = None,
    duty_contact_phone: str | None = None,
) -> list[str]:
    """Change the values given (None leaves one as it is); the audit kinds recorded.

    Everything is checked first, so a refusal changes nothing. Unchanged values record
    nothing: "branding.color", "branding.letterhead" and "branding.duty_contact" (name and
    phone together) only when they differ.
    """
    color = check_color(primary_color) if primary_color is not None else tenant.primary_color
    head = _line("letterhead", letterhead) if letterhead is not None else tenant.letterhead
    name = (
        _line("duty_contact_name", duty_contact_name)
        if duty_contact_name is not None
        else tenant.duty_contact_name
    )
    phone = (
        _line("duty_contact_phone", duty_contact_phone)
        if duty_contact_phone is not None
        else tenant.duty_contact_phone
    )
    changes = [
        ("branding.color", "primary_color", tenant.primary_color, color),
        ("branding.letterhead", "letterhead", tenant.letterhead, head),
        (
            "branding.duty_contact",
            "duty_contact",
            {"name": tenant.duty_contact_name, "phone": tenant.duty_contact_phone},
            {"name": name, "phone": phone},
        ),
    ]
    recorded = []
    for kind, subject, old, new in changes:
        if old != new:
            audit.record(actor, kind, subject, {"before": old, "after": new})
            recorded.append(kind)
    tenant.primary_color, tenant.letterhead = color, head
    tenant.duty_contact_name, tenant.duty_contact_phone = name, phone
    return recorded


def describe_logo(tenant: Tenant) -> dict[str, Any] | None:
    """The logo the tenant shows, as the audit log keeps it: its type, digest and size."""
    if tenant.logo_etag and tenant.logo_png:
        data = tenant.logo_png
        return {"type": "png", "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    if tenant.logo_svg:
        data = tenant.logo_svg.encode("utf-8")
        return {"type": "svg", "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    return None


def set_logo(tenant: Tenant, actor: User | None, filename: str, data: bytes) -> logos.Logo:
    """Take an uploaded logo, PNG or SVG as its bytes say (the name says nothing).

    A PNG is stored as it is and served from its own URL, versioned by ``logo_etag``; it
    shows instead of the SVG, which stays underneath. An SVG is stored as the sanitised
    drawing (see :mod:`tenants.logos`) and replaces any PNG. BrandingRefused("logo", …) for
    anything else, a file over 512 KB, a damaged PNG or an SVG with a script in it.
    """
    try:
        logo = logos.read_logo(data)
    except logos.LogoRefused as exc:
        raise BrandingRefused("logo", exc.reason, **exc.params) from None
    before = describe_logo(tenant)
    if logo.kind == "png":
        tenant.logo_png = logo.data
        tenant.logo_etag = logos.digest(logo.data)
    else:
        tenant.logo_svg = logo.data.decode("utf-8")
        tenant.logo_png = None
        tenant.logo_etag = ""
    after = {"type": logo.kind, "sha256": logo.digest, "size": len(logo.data)}
    name = _CONTROL.sub("", filename or "")[:200]
    if after != before:  # the logo shown already, uploaded again: nothing to record
        audit.record(actor, "branding.logo", name, {"before": before, "after": after})
    return logo


def preset_logo(tenant: Tenant) -> str:
    """The SVG logo of the preset the tenant was made from; empty if it has none."""
    try:
        return load_preset(tenant.preset).logo_svg
    except KeyError:
        return ""


def has_uploaded_logo(tenant: Tenant) -> bool:
    """Whether the logo shown was uploaded rather than the preset's."""
    return bool(tenant.logo_etag) or tenant.logo_svg != preset_logo(tenant)


def remove_logo(tenant: Tenant, actor: User | None) -> None:
    """Drop the uploaded logo: the preset's logo (or none) shows again; audited."""
    before = describe_logo(tenant)
    tenant.logo_png = None
    tenant.logo_etag = ""
    tenant.logo_svg = preset_logo(tenant)
    after = describe_logo(tenant)
    if before != after:
        audit.record(actor, "branding.logo", "removed", {"before": before, "after": after})
