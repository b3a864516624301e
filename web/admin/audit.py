"""Tenant administration: audit (being built)."""

from __future__ import annotations
