"""A small service for signed proofs, published as versioned APIs /v1 and /v2."""
