"""Upgrade operations: the seed's runbook steps as commands that leave a record.

``migrations preflight`` and ``postflight`` wrap ``alembic upgrade head``;
``fleet check`` compares a fleet's ``/ready`` answers; ``outcomes record`` and
``compare`` prove historical verification results unchanged;
``migrations rollback-check`` says whether an older app fits the database.
Nothing heavy is imported here: each command imports what it needs.
"""

from __future__ import annotations
