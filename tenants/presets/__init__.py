"""Tenant presets: each organisation's rules from rules.md as starting data.

A preset is plain data (no models), so it can be read by the CLI, the tests and later the
tenant-admin screens alike. Numbers are defaults the tenant admin may change.
"""

from __future__ import annotations

from typing import Any

from . import city, hospital, mall

PRESETS: dict[str, dict[str, Any]] = {
    "mall": mall.PRESET,
    "hospital": hospital.PRESET,
    "city": city.PRESET,
}


def get_preset(name: str) -> dict[str, Any]:
    """The preset called ``name``; KeyError names the ones that exist."""
    try:
        return PRESETS[name]
    except KeyError:
        raise KeyError(f"unknown preset {name!r}; choose one of {sorted(PRESETS)}") from None
