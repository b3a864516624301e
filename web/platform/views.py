"""The platform console's views (being built)."""

from __future__ import annotations
