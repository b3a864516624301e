"""``flask platform …``: operator accounts (being built)."""

from __future__ import annotations

from flask.cli import AppGroup

platform_cli = AppGroup("platform", help="Platform operators.")
