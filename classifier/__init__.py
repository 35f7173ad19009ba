"""classify: label every change to an API contract between two git revisions.

The analysis side flows one way: ``sources`` yield file pairs, ``surfaces`` turn
them into ``Change`` facts, ``rules`` judge those into ``Finding``s, ``policy``
decides pass or fail, and ``report`` renders the finished ``Report``. Only
``cli``, ``commands`` and ``report`` print (docs/architecture.md has the rooms).

``classifier.guard`` is a separate runtime library for applications and
imports nothing from the analysis side.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
