"""Hypothesis profiles for the property and fuzz suites, chosen by ``HYPOTHESIS_PROFILE``.

``ci`` (the default) keeps the whole robustness suite within a few minutes on a
small shared machine; ``long`` is for local runs before a release.
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("ci", max_examples=15, deadline=timedelta(seconds=5), suppress_health_check=_SLOW_OK,
                          derandomize=True, print_blob=True)
settings.register_profile("long", max_examples=2000, deadline=timedelta(seconds=10),
                          suppress_health_check=_SLOW_OK, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
