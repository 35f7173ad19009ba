"""Keep secrets out of findings, events and logs.

A value is secret when its variable is in the application's secrets list or
its name looks like one (``*SECRET*``, ``*PASSWORD*``, ``*TOKEN*``, ``*KEY``).
Secret values are never shown, only whether they are set, and any text we
emit is scrubbed of them in case one leaked into another variable or an
error message (a database URL in a driver error, say).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MISSING = "<missing>"
EMPTY = "<empty>"
REDACTED = "<redacted>"

_SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|KEY$")
# user:password@ in any URL-like string (DSNs in driver errors).
_URL_PASSWORD = re.compile(r"(?P<prefix>[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)[^@\s]+@")
# Shorter secrets would scrub ordinary words out of messages without protecting anything.
_MIN_SCRUB_LENGTH = 3


def is_secret_name(name: str, secrets: Iterable[str] = ()) -> bool:
    """Whether the variable ``name`` holds a secret."""
    return name in set(secrets) or bool(_SECRET_NAME.search(name.upper()))


@dataclass(frozen=True, slots=True)
class Redactor:
    """Knows the secret values of one environment and hides them.

    Attributes:
        secret_names: Variables whose values are never shown.
        secret_values: Their values, matched in any case (a guard may have
            lower-cased one), longest first so a longer secret wins.
    """

    secret_names: frozenset[str]
    secret_values: re.Pattern[str] | None

    @classmethod
    def for_environ(
        cls, environ: Mapping[str, str], secrets: Iterable[str] = (), extra_values: Iterable[str] = ()
    ) -> Redactor:
        """Collect the secrets of ``environ``.

        Args:
            environ: The environment being checked.
            secrets: Variable names the application declares secret.
            extra_values: Further values to hide (e.g. a database password).
        """
        declared = set(secrets)
        names = frozenset(name for name in environ if is_secret_name(name, declared)) | declared
        values = {environ[name] for name in names if name in environ} | set(extra_values)
        usable = sorted((v for v in values if len(v) >= _MIN_SCRUB_LENGTH), key=len, reverse=True)
        pattern = re.compile("|".join(map(re.escape, usable)), re.IGNORECASE) if usable else None
        return cls(names, pattern)

    def value(self, environ: Mapping[str, str], name: str) -> str:
        """The displayable value of ``name``: the value, or a placeholder."""
        if name not in environ:
            return MISSING
        raw = environ[name]
        if not raw.strip():
            return EMPTY
        return REDACTED if name in self.secret_names else self.scrub(raw)

    def scrub_data(self, data: Any) -> Any:
        """``data`` (JSON-like) with every string scrubbed."""
        if isinstance(data, str):
            return self.scrub(data)
        if isinstance(data, dict):
            return {key: self.scrub_data(value) for key, value in data.items()}
        if isinstance(data, (list, tuple)):
            return [self.scrub_data(item) for item in data]
        return data

    def scrub(self, text: str) -> str:
        """``text`` with every known secret value and URL password replaced."""
        if self.secret_values is not None:
            text = self.secret_values.sub(REDACTED, text)
        return _URL_PASSWORD.sub(lambda m: m.group("prefix") + "***@", text)
