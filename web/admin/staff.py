"""Tenant administration: staff (being built)."""

from __future__ import annotations
