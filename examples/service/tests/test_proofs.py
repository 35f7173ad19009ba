"""Behaviour of the service through both API versions."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient

from proofs_service.app import app
from proofs_service.store import sign

client = TestClient(app)
DIGEST = hashlib.sha256(b"hello").hexdigest()


def _create(version: str, body: dict[str, str], key: str) -> dict[str, object]:
    headers = {"Idempotency-Key": key, "X-Signature": sign(DIGEST)}
    response = client.post(f"/{version}/proofs", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_v1_and_v2_read_the_same_proof() -> None:
    created = _create("v1", {"payload_sha256": DIGEST, "signer": "key-1"}, "k-v1")
    assert client.get(f"/v2/proofs/{created['id']}").json()["key_id"] == "key-1"


def test_same_idempotency_key_other_payload_conflicts() -> None:
    _create("v2", {"payload_sha256": DIGEST, "key_id": "key-2"}, "k-conflict")
    other = hashlib.sha256(b"other").hexdigest()
    headers = {"Idempotency-Key": "k-conflict", "X-Signature": sign(other)}
    response = client.post("/v2/proofs", json={"payload_sha256": other, "key_id": "key-2"}, headers=headers)
    assert (response.status_code, response.json()["code"]) == (409, "idempotency_conflict")


def test_v2_lists_the_events_of_a_proof() -> None:
    created = _create("v2", {"payload_sha256": DIGEST, "key_id": "key-3"}, "k-events")
    events = client.get(f"/v2/proofs/{created['id']}/events").json()
    assert [event["kind"] for event in events] == ["created"]


def test_unknown_proof_is_404_with_its_code() -> None:
    response = client.get("/v1/proofs/nope")
    assert (response.status_code, response.json()["code"]) == (404, "proof_not_found")
