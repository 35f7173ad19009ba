"""The example service's verifier: Ed25519 signatures over historical artifacts.

An artifact is a JSON file ``{"kind", "key_id", "payload", "signature"}``:
``kind`` is ``proof``, ``lineage`` or ``anchor``; ``signature`` is the
base64 Ed25519 signature of the payload's canonical JSON (sorted keys, no
spaces) by the key ``key_id`` of ``keys.json``. A lineage record must also
name its parent artifact's digest, and an anchor its Merkle root.

``verify_artifact(path, data)`` is what ``classify outcomes record`` calls;
it returns ``(valid, reason)`` with a stable reason code.
"""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

KEYS_FILE = Path(__file__).with_name("keys.json")
REQUIRED_PAYLOAD = {"proof": ("subject", "statement"), "lineage": ("subject", "parent_sha256"), "anchor": ("root",)}


def canonical(payload: Any) -> bytes:
    """The bytes that are signed: the payload as canonical JSON."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def trusted_keys(path: Path = KEYS_FILE) -> dict[str, Ed25519PublicKey]:
    """Key id -> public key, from ``keys.json`` (hex of the raw 32-byte keys)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {key_id: Ed25519PublicKey.from_public_bytes(bytes.fromhex(value)) for key_id, value in raw.items()}


def check(artifact: Any, keys: dict[str, Ed25519PublicKey]) -> tuple[bool, str]:
    """Verify one parsed artifact against ``keys``."""
    if not isinstance(artifact, dict) or not isinstance(artifact.get("payload"), dict):
        return False, "malformed"
    fields = REQUIRED_PAYLOAD.get(artifact.get("kind", ""))
    if fields is None:
        return False, "unknown-kind"
    if any(name not in artifact["payload"] for name in fields):
        return False, "missing-field"
    key = keys.get(artifact.get("key_id", ""))
    if key is None:
        return False, "unknown-key"
    try:
        key.verify(base64.b64decode(artifact.get("signature", ""), validate=True), canonical(artifact["payload"]))
    except (InvalidSignature, binascii.Error, ValueError):
        return False, "bad-signature"
    return True, "ok"


def verify_artifact(path: str, data: bytes) -> tuple[bool, str]:
    """``classify outcomes`` entry point: ``(valid, reason)`` for one corpus file."""
    try:
        artifact = json.loads(data)
    except ValueError:
        return False, "not-json"
    return check(artifact, trusted_keys())
