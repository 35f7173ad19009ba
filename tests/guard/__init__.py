"""Tests of the runtime release guard (a package, so its conftest does not shadow the top-level one)."""
