"""Tenant administration: catalogue (being built)."""

from __future__ import annotations
