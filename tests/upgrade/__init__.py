"""Tests of the upgrade operations (a package, so its conftest does not shadow the top-level one)."""
