"""API v2: proofs name the key that signed them, and list their events."""

from __future__ import annotations

from datetime import datetime

from fastapi import Header
from pydantic import BaseModel

from proofs_service.common import error_responses, versioned_app
from proofs_service.store import STORE, StoredProof

app = versioned_app("2", "Signed proofs, identified by signing key.")


class ProofIn(BaseModel):
    payload_sha256: str
    key_id: str


class Proof(BaseModel):
    id: str
    payload_sha256: str
    key_id: str
    signature: str
    created_at: datetime


class ProofEvent(BaseModel):
    kind: str
    at: datetime


def _out(proof: StoredProof) -> Proof:
    return Proof(id=proof.id, payload_sha256=proof.payload_sha256, key_id=proof.key_id,
                 signature=proof.signature, created_at=proof.created_at)


@app.post("/proofs", status_code=201, response_model=Proof, responses=error_responses(401, 409))
def create_proof(
    body: ProofIn,
    idempotency_key: str = Header(alias="Idempotency-Key"),
    x_signature: str = Header(alias="X-Signature"),
) -> Proof:
    return _out(STORE.create(body.payload_sha256, body.key_id, x_signature, idempotency_key))


@app.get("/proofs/{proof_id}", response_model=Proof, responses=error_responses(404))
def get_proof(proof_id: str) -> Proof:
    return _out(STORE.get(proof_id))


@app.get("/proofs/{proof_id}/events", response_model=list[ProofEvent], responses=error_responses(404))
def list_proof_events(proof_id: str) -> list[ProofEvent]:
    return [ProofEvent(kind=event.kind, at=event.at) for event in STORE.events_of(proof_id)]
