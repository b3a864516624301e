"""Tenant administration: numbers (being built)."""

from __future__ import annotations
