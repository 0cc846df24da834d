"""Test doubles that stand in for outside services (no network in tests)."""
