"""Tests of the git and directory sources."""
