"""Tenants, staff, presets and the one place where tenant scoping is enforced."""
