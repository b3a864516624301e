"""The rows the isolation walk fills URL arguments from, one module per area.

Each module here defines ``ids(org) -> dict[str, int | str]``: it creates rows of its
area in ``org``'s tenant (committed) and names them by the URL argument they fill
(``user_id``, ``rule_id``…). The walk in tests/test_tenant_isolation.py calls every
module's ``ids`` for both tenants, so an area teaches the walk its own arguments without
touching the walk.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any


def fixture_ids(org: Any) -> dict[str, int | str]:
    """Every area's ids for ``org``; a name given by two areas is a mistake."""
    out: dict[str, int | str] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, value in module.ids(org).items():
            if key in out:
                raise AssertionError(f"{info.name} names {key!r} again")
            out[key] = value
    return out
