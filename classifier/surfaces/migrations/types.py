"""Column type changes: which ones only widen (old values all still fit) and which break."""

from __future__ import annotations

# Widening within one family: every value of the left type is a value of the right one.
_INTEGER_RANK = {"SmallInteger": 0, "SMALLINT": 0, "Integer": 1, "INTEGER": 1, "BigInteger": 2, "BIGINT": 2}
_TEXT_TYPES = ("String", "VARCHAR", "Unicode", "NVARCHAR", "Text", "TEXT", "UnicodeText", "sa.Text")


def column_type_change(existing: str | None, new: str) -> tuple[str, str]:
    """``(rule name, detail)`` for ``alter_column(type_=new, existing_type=existing)``."""
    detail = f"{existing or 'unknown type'} → {new}"
    if existing is None:
        return "column-type-changed", f"{detail} (no existing_type: cannot tell a widening)"
    old_name, old_size = _parse(existing)
    new_name, new_size = _parse(new)
    if old_name in _INTEGER_RANK and new_name in _INTEGER_RANK and _INTEGER_RANK[new_name] >= _INTEGER_RANK[old_name]:
        return "column-altered-compatibly", f"{detail} (integer widening)"
    if _is_text(old_name) and _is_text(new_name):
        if new_name in ("Text", "TEXT", "UnicodeText") or new_size is None:
            return "column-altered-compatibly", f"{detail} (text widening)"
        if old_size is not None and new_size >= old_size:
            return "column-altered-compatibly", f"{detail} (length widening)"
    return "column-type-changed", detail


def _parse(text: str) -> tuple[str, int | None]:
    """``sa.String(length=64)`` → ``("String", 64)``; no size → ``None``."""
    name, _, rest = text.partition("(")
    base = name.strip().rsplit(".", 1)[-1]
    digits = "".join(ch for ch in rest.split(",")[0] if ch.isdigit())
    return base, int(digits) if digits else None


def _is_text(name: str) -> bool:
    return name in _TEXT_TYPES or name.rsplit(".", 1)[-1] in _TEXT_TYPES
