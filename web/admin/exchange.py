"""Tenant administration: the configuration as one file (being built)."""

from __future__ import annotations
