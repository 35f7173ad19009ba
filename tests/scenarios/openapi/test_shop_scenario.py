"""A realistic multi-file spec in a real git repository: the full report, end to end.

``snapshots/v1/openapi.yaml`` references ``components/schemas.yaml`` and
``components/parameters.yaml``; the base commit is read from git (refs included)
and the head from the next commit.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from classifier.cli import main

HERE = Path(__file__).parent / "shop"

EXPECTED = """\
openapi
  snapshots/v1/components/parameters.yaml
    breaking      OAS546 request-bound-set  line 4: GET /orders query parameter 'cursor': schema maxLength set to 64 [warning]
    breaking      OAS802 pagination-changed  line 4: GET /orders query parameter 'cursor': schema maxLength set to 64 (pagination contract) [blocks]
        fix: Keep the pagination contract; introduce a new one in a new API version. (classify explain OAS802)
  snapshots/v1/components/schemas.yaml
    non-breaking  OAS515 nullability-changed-compatibly  line 11: GET /orders response 200 application/json: property 'meta.next_cursor' became not nullable
    breaking      OAS802 pagination-changed  line 11: GET /orders response 200 application/json: property 'meta.next_cursor' became not nullable (pagination contract) [blocks]
        fix: Keep the pagination contract; introduce a new one in a new API version. (classify explain OAS802)
    breaking      OAS509 response-property-became-optional  line 17: GET /orders response 200 application/json: property 'Order.status' became optional (shared by 2 operations: GET /orders, POST /orders) [blocks]
        fix: Keep the property required. (classify explain OAS509)
    breaking      OAS518 response-enum-value-added  line 17: GET /orders response 200 application/json: property 'Order.status' enum gained 'refunded' (shared by 2 operations: GET /orders, POST /orders) [warning]
    breaking      OAS520 request-constraint-tightened  line 23: POST /orders request body application/json: property 'sku' maxLength changed from 64 to 32 [blocks]
        fix: Keep the old bound, or apply the new one only in a new version. (classify explain OAS520)
    breaking      OAS501 required-request-property-added  line 24: POST /orders request body application/json: property 'quantity' added [blocks]
        fix: Make the property optional, or add it in a new version. (classify explain OAS501)
    breaking      OAS503 request-property-removed  removed (was line 24): POST /orders request body application/json: property 'note' removed [warning]
  snapshots/v1/openapi.yaml
    non-breaking  OAS402 error-response-removed  removed (was line 36): POST /orders: response 409 removed
    breaking      OAS804 idempotency-conflict-status-changed  removed (was line 36): POST /orders: response 409 removed (idempotency contract) [blocks]
        fix: Keep the conflict statuses. (classify explain OAS804)
    additive      OAS104 operation-added  line 37: DELETE /orders/{orderId}: operation added

label: breaking — 9 breaking, 1 additive, 2 non-breaking, 0 violations; failed (fail_on: breaking): 6 blocking findings block
"""


def _copy(side: str, target: Path) -> None:
    for path in (HERE / side).rglob("*"):
        if path.is_file():
            destination = target / path.relative_to(HERE / side)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)


def test_shop_report(repo, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    _copy("base", repo.path)
    repo.commit("base")
    _copy("head", repo.path)
    repo.commit("head")
    code = main(["--repo", str(repo.path), "--base", "HEAD~1", "--head", "HEAD", "--color", "never"])
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    assert out.split("\n\n", 1)[1] == EXPECTED
