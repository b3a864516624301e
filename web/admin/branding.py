"""Tenant administration: branding (being built)."""

from __future__ import annotations
