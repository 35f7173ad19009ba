"""API v1 (frozen): proofs name their signer."""

from __future__ import annotations

from datetime import datetime

from fastapi import Header
from pydantic import BaseModel

from proofs_service.common import error_responses, versioned_app
from proofs_service.store import STORE, StoredProof

app = versioned_app("1", "Signed proofs. Version 1 is frozen: it never changes.")


class ProofIn(BaseModel):
    payload_sha256: str
    signer: str


class Proof(BaseModel):
    id: str
    payload_sha256: str
    signer: str
    signature: str
    created_at: datetime


def _out(proof: StoredProof) -> Proof:
    return Proof(id=proof.id, payload_sha256=proof.payload_sha256, signer=proof.key_id,
                 signature=proof.signature, created_at=proof.created_at)


@app.post("/proofs", status_code=201, response_model=Proof, responses=error_responses(401, 409))
def create_proof(
    body: ProofIn,
    idempotency_key: str = Header(alias="Idempotency-Key"),
    x_signature: str = Header(alias="X-Signature"),
) -> Proof:
    return _out(STORE.create(body.payload_sha256, body.signer, x_signature, idempotency_key))


@app.get("/proofs/{proof_id}", response_model=Proof, responses=error_responses(404))
def get_proof(proof_id: str) -> Proof:
    return _out(STORE.get(proof_id))
