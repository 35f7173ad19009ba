"""The fuzz suite shares the property suite's Hypothesis profiles."""

from __future__ import annotations

import tests.properties.conftest  # noqa: F401  (registers and loads the profile)
