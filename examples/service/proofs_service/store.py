"""Proofs and their append-only events, kept in memory for the example.

In production the same records live in the ``proofs`` and ``proof_events``
tables created by the Alembic migrations; ``proof_events`` is never updated or
deleted, only appended to.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from proofs_service.errors import ApiError, ErrorCode


@dataclass(frozen=True)
class StoredProof:
    id: str
    payload_sha256: str
    key_id: str
    signature: str
    created_at: datetime


@dataclass(frozen=True)
class ProofEvent:
    proof_id: str
    kind: str
    at: datetime


@dataclass
class Store:
    proofs: dict[str, StoredProof] = field(default_factory=dict)
    events: list[ProofEvent] = field(default_factory=list)
    by_idempotency_key: dict[str, tuple[str, str]] = field(default_factory=dict)

    def create(self, payload_sha256: str, key_id: str, signature: str, idempotency_key: str) -> StoredProof:
        """Record a signed proof once per idempotency key; a different payload under the same key conflicts."""
        if not hmac.compare_digest(signature, sign(payload_sha256)):
            raise ApiError(ErrorCode.SIGNATURE_INVALID, "the X-Signature header does not sign the payload")
        seen = self.by_idempotency_key.get(idempotency_key)
        if seen is not None:
            if seen[1] != payload_sha256:
                raise ApiError(ErrorCode.IDEMPOTENCY_CONFLICT, "the idempotency key was used for another payload")
            return self.proofs[seen[0]]
        proof = StoredProof(str(uuid.uuid4()), payload_sha256, key_id, signature, datetime.now(timezone.utc))
        self.proofs[proof.id] = proof
        self.by_idempotency_key[idempotency_key] = (proof.id, payload_sha256)
        self.events.append(ProofEvent(proof.id, "created", proof.created_at))
        return proof

    def get(self, proof_id: str) -> StoredProof:
        proof = self.proofs.get(proof_id)
        if proof is None:
            raise ApiError(ErrorCode.PROOF_NOT_FOUND, f"no proof {proof_id}")
        return proof

    def events_of(self, proof_id: str) -> list[ProofEvent]:
        self.get(proof_id)
        return [event for event in self.events if event.proof_id == proof_id]


def sign(payload_sha256: str) -> str:
    """The example's signature: HMAC-SHA256 of the payload digest with the service key."""
    key = os.environ.get("PROOFS_SIGNING_KEY", "example-only-key").encode()
    return hmac.new(key, payload_sha256.encode(), hashlib.sha256).hexdigest()


STORE = Store()
