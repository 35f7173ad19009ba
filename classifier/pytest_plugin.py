"""Frozen contract tests for pytest: the live app's OpenAPI equals its committed snapshot."""

from __future__ import annotations
