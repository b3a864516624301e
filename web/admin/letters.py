"""Tenant administration: letters (being built)."""

from __future__ import annotations
