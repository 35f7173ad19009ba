"""Write the example corpus and ``keys.json`` (deterministic: run it again, get the same bytes).

Two signing keys (``k1`` retired, ``k2`` current) sign a few proofs, lineage
records and an anchor; one proof was tampered with after signing, so the
corpus holds an invalid artifact whose outcome must stay invalid too.

Usage: ``python examples/verifier/generate.py [OUT_DIR]`` (default: beside this file).
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from proofcheck import canonical


def key(name: str) -> Ed25519PrivateKey:
    """A reproducible example key (never do this with real keys)."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"example-{name}".encode()).digest())


def signed(kind: str, key_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    signature = key(key_id).sign(canonical(payload))
    return {"kind": kind, "key_id": key_id, "payload": payload, "signature": base64.b64encode(signature).decode()}


def write(path: Path, artifact: dict[str, Any]) -> str:
    text = json.dumps(artifact, indent=2, sort_keys=True) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return hashlib.sha256(text.encode()).hexdigest()


def main(out: Path) -> None:
    public = {name: key(name).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex() for name in ("k1", "k2")}
    (out / "keys.json").write_text(json.dumps(public, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    corpus = out / "corpus"
    first = write(corpus / "proofs/0001.json", signed("proof", "k1", {"subject": "doc-1", "statement": "sha256:aa01"}))
    write(corpus / "proofs/0002.json", signed("proof", "k1", {"subject": "doc-2", "statement": "sha256:aa02"}))
    write(corpus / "proofs/0003.json", signed("proof", "k2", {"subject": "doc-3", "statement": "sha256:aa03"}))
    tampered = signed("proof", "k2", {"subject": "doc-4", "statement": "sha256:aa04"})
    tampered["payload"]["statement"] = "sha256:ffff"  # edited after signing: must stay invalid
    write(corpus / "proofs/0004-tampered.json", tampered)
    write(corpus / "lineage/0001.json", signed("lineage", "k1", {"subject": "doc-2", "parent_sha256": first}))
    write(corpus / "anchors/2026-01.json", signed("anchor", "k2", {"root": hashlib.sha256(b"2026-01").hexdigest()}))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent)
