"""Contract constants: clients depend on these values, so classify compares them."""

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_CONFLICT_STATUS = 409
SIGNATURE_HEADER = "X-Signature"
