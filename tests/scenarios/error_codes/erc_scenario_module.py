"""A realistic ``app/errors.py``: 42 codes in a StrEnum, a status dict, a message dict, exceptions."""

from __future__ import annotations

CODES = [
    ("PROOF_NOT_FOUND", 404, "Proof not found"),
    ("PROOF_EXPIRED", 410, "Proof has expired"),
    ("PROOF_REVOKED", 410, "Proof was revoked"),
    ("PROOF_INVALID", 422, "Proof is invalid"),
    ("PROOF_ALREADY_EXISTS", 409, "Proof already exists"),
    ("SIGNATURE_MISSING", 401, "Signature header missing"),
    ("SIGNATURE_INVALID", 401, "Signature does not verify"),
    ("SIGNATURE_EXPIRED", 401, "Signature timestamp too old"),
    ("KEY_NOT_FOUND", 404, "Signing key not found"),
    ("KEY_REVOKED", 403, "Signing key revoked"),
    ("KEY_ROTATION_IN_PROGRESS", 409, "Key rotation in progress"),
    ("TOKEN_MISSING", 401, "Bearer token missing"),
    ("TOKEN_EXPIRED", 401, "Bearer token expired"),
    ("TOKEN_SCOPE_INSUFFICIENT", 403, "Token lacks the required scope"),
    ("TENANT_NOT_FOUND", 404, "Tenant not found"),
    ("TENANT_SUSPENDED", 403, "Tenant suspended"),
    ("TENANT_QUOTA_EXCEEDED", 429, "Tenant quota exceeded"),
    ("RATE_LIMITED", 429, "Too many requests"),
    ("IDEMPOTENCY_KEY_MISSING", 400, "Idempotency-Key header missing"),
    ("IDEMPOTENCY_KEY_REUSED", 422, "Idempotency key reused with another body"),
    ("IDEMPOTENCY_IN_FLIGHT", 409, "A request with this key is in flight"),
    ("CURSOR_INVALID", 400, "Pagination cursor is invalid"),
    ("CURSOR_EXPIRED", 400, "Pagination cursor expired"),
    ("PAGE_SIZE_TOO_LARGE", 400, "Page size too large"),
    ("VALIDATION_FAILED", 422, "Request validation failed"),
    ("BODY_TOO_LARGE", 413, "Request body too large"),
    ("UNSUPPORTED_MEDIA_TYPE", 415, "Unsupported media type"),
    ("METHOD_NOT_ALLOWED", 405, "Method not allowed"),
    ("API_VERSION_UNSUPPORTED", 400, "API version not supported"),
    ("API_VERSION_SUNSET", 410, "API version retired"),
    ("LEDGER_ENTRY_NOT_FOUND", 404, "Ledger entry not found"),
    ("LEDGER_APPEND_CONFLICT", 409, "Ledger append conflict"),
    ("LEDGER_SEALED", 409, "Ledger is sealed"),
    ("EXPORT_NOT_READY", 409, "Export not ready"),
    ("EXPORT_NOT_FOUND", 404, "Export not found"),
    ("WEBHOOK_NOT_FOUND", 404, "Webhook not found"),
    ("WEBHOOK_URL_INVALID", 422, "Webhook URL invalid"),
    ("DEPENDENCY_UNAVAILABLE", 503, "Dependency unavailable"),
    ("DATABASE_UNAVAILABLE", 503, "Database unavailable"),
    ("MAINTENANCE_MODE", 503, "Service in maintenance"),
    ("TIMEOUT", 504, "Upstream timeout"),
    ("INTERNAL_ERROR", 500, "Internal error"),
]

EXCEPTIONS = [
    ("ProofNotFound", "NotFoundError", "PROOF_NOT_FOUND"),
    ("ProofExpired", "GoneError", "PROOF_EXPIRED"),
    ("SignatureInvalid", "UnauthorizedError", "SIGNATURE_INVALID"),
    ("TokenExpired", "UnauthorizedError", "TOKEN_EXPIRED"),
    ("TenantNotFound", "NotFoundError", "TENANT_NOT_FOUND"),
    ("RateLimited", "AppError", "RATE_LIMITED"),
    ("IdempotencyInFlight", "ConflictError", "IDEMPOTENCY_IN_FLIGHT"),
    ("LedgerAppendConflict", "ConflictError", "LEDGER_APPEND_CONFLICT"),
]

BASES = '''
class AppError(Exception):
    """Base of every error the API answers with."""

    status_code = 500


class NotFoundError(AppError):
    status_code = 404


class GoneError(AppError):
    status_code = 410


class UnauthorizedError(AppError):
    status_code = 401


class ConflictError(AppError):
    status_code = 409
'''


def render(codes: list[tuple[str, int, str]]) -> str:
    """The module text for ``codes``; exceptions inherit their status from a base class."""
    lines = ['"""Error codes of the API (a frozen v1 contract)."""', "", "import enum", "", "",
             "class ErrorCode(enum.StrEnum):"]
    lines += [f'    {name} = "{name.lower()}"' for name, _, _ in codes]
    lines += ["", "", "HTTP_STATUS: dict[ErrorCode, int] = {"]
    lines += [f"    ErrorCode.{name}: {status}," for name, status, _ in codes]
    lines += ["}", "", "MESSAGES = {"]
    lines += [f'    ErrorCode.{name}: "{message}",' for name, _, message in codes]
    lines += ["}", "", BASES]
    for name, base, code in EXCEPTIONS:
        lines += ["", f"class {name}({base}):", f"    code = ErrorCode.{code}", ""]
    return "\n".join(lines) + "\n"
