"""Tenant administration: routing (being built)."""

from __future__ import annotations
