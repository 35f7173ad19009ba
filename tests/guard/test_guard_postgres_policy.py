"""PostgreSQL tests skip with a reason when the server is unreachable, and fail instead under CI."""

from __future__ import annotations

import pytest

from .guard_support import connect_postgres

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/test"


def test_unreachable_postgres_skips_with_a_reason() -> None:
    with pytest.raises(pytest.skip.Exception, match="unreachable: OperationalError; set CLASSIFY_POSTGRES_URL"):
        connect_postgres(UNREACHABLE, required=False)


def test_unreachable_postgres_fails_when_required() -> None:
    with pytest.raises(pytest.fail.Exception, match="CLASSIFY_REQUIRE_POSTGRES=1 makes this a failure"):
        connect_postgres(UNREACHABLE, required=True)
