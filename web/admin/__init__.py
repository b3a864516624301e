"""Tenant administration (机构设置), tenant admins only: staff, catalogue, routing, branding,
letters, case numbers, time limits, calendar and the audit log.

Each area is a module of this package that adds its views to :data:`bp` and names its page
with :func:`section`; the admin menu lists the sections in the order they were named, so a
new area appears in the menu by existing.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint
from flask_babel import LazyString

bp = Blueprint("admin", __name__, url_prefix="/t/<slug>/desk/admin")


@dataclass(frozen=True)
class Section:
    """One entry of the admin menu: the endpoint of its page and its label."""

    endpoint: str
    label: LazyString


SECTIONS: list[Section] = []


def section(endpoint: str, label: LazyString) -> None:
    """Add an area's page to the admin menu."""
    SECTIONS.append(Section(endpoint, label))


@bp.app_context_processor
def _menu() -> dict[str, list[Section]]:
    return {"admin_sections": SECTIONS}


# The menu lists the areas in this order.
from . import staff, catalogue, routing, branding, letters, numbers, views  # noqa: E402,F401,I001
from . import exchange, audit, sight, rules  # noqa: E402,F401,I001
from . import privacy  # noqa: E402,F401
from . import mailbox  # noqa: E402,F401
from . import sms  # noqa: E402,F401
from . import review  # noqa: E402,F401
from . import revisiting  # noqa: E402,F401
from . import targets  # noqa: E402,F401
from . import assessment  # noqa: E402,F401
