"""The error table: every error code the API answers with, and its HTTP status."""

import enum


class ErrorCode(enum.Enum):
    PROOF_NOT_FOUND = "proof_not_found"
    SIGNATURE_INVALID = "signature_invalid"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"


STATUS = {
    ErrorCode.PROOF_NOT_FOUND: 404,
    ErrorCode.SIGNATURE_INVALID: 401,
    ErrorCode.IDEMPOTENCY_CONFLICT: 409,
}


class ApiError(Exception):
    """An error answered as ``{"code": ..., "message": ...}`` with the code's status."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def status(self) -> int:
        return STATUS[self.code]
