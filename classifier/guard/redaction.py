"""Keep secrets out of findings, events and logs.

A value is secret when its variable is in the application's secrets list or
its name looks like one (``*SECRET*``, ``*PASSWORD*``, ``*TOKEN*``, ``*KEY``).
Secret values are never shown, only whether they are set, and any text we
emit is scrubbed of them in case one leaked into another variable or an
error message (a database URL in a driver error, say).

URLs are masked in every form a credential takes in them: the password of
the userinfo (``user:***@host``, also when it holds an unencoded ``@`` and
the rest of it was taken for the host), and credential parameters of a
query string or a ``key=value`` connection string (``?password=***``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MISSING = "<missing>"
EMPTY = "<empty>"
REDACTED = "<redacted>"

MASK = "***"

_SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|KEY$")
# scheme://user:password@ in any URL-like text. The password runs to the *last* @
# of the word: an unencoded @ in it must not leave its tail on show as a "host".
_URL_PASSWORD = re.compile(r"(?P<prefix>[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s'\"]*:)\S*@")
# Credential parameters of a URL query (?password=…&…) or a libpq-style
# connection string (password=… host=…): the value goes, the name stays.
_CREDENTIAL_NAMES = (
    r"(?:ssl)?pass(?:word|wd)?|pwd|(?:client_?)?secret|(?:access_?|auth_?|refresh_?|id_?)?token"
    r"|api_?key|private_?key|credentials?|sig(?:nature)?"
)
_CREDENTIAL_PARAMETER = re.compile(
    rf"""(?P<name>(?<![^?&;\s(,'"])(?:{_CREDENTIAL_NAMES})\s*=\s*)"""
    r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^&\s#;'",)]+)""",
    re.IGNORECASE,
)
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
        # A fragment ending in "@" is cut from a URL's userinfo: never an ordinary word, hide it whatever its length.
        usable = sorted(
            (v for v in values if len(v) >= _MIN_SCRUB_LENGTH or (len(v) > 1 and v.endswith("@"))),
            key=len,
            reverse=True,
        )
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
        """``text`` with every known secret value and every URL credential replaced."""
        # URLs first: a password fragment replaced on its own would break the URL apart before it is masked.
        text = mask_credentials(text)
        return self.secret_values.sub(REDACTED, text) if self.secret_values is not None else text


def mask_credentials(text: str) -> str:
    """``text`` with URL passwords and credential parameters replaced by ``***``."""
    text = _URL_PASSWORD.sub(lambda m: f"{m.group('prefix')}{MASK}@", text)
    return _CREDENTIAL_PARAMETER.sub(lambda m: f"{m.group('name')}{MASK}", text)


def url_secrets(url: Any) -> list[str]:
    """The secret strings of a database URL, to hide wherever they surface.

    Args:
        url: An SQLAlchemy ``URL`` (read by attribute, so nothing is imported).

    Returns:
        The password, its percent-encoded form, every credential query value,
        and, when an unencoded ``@`` left part of the password in the host
        (``user:p@ss@host`` parses as password ``p``, host ``ss@host``), the
        whole password and the fragment drivers quote with the host (``ss@``).
    """
    from urllib.parse import quote

    found: list[str] = []
    password = None if url.password is None else str(url.password)
    host = url.host or ""
    if "@" in host:
        fragment = host.rsplit("@", 1)[0]
        found.append(f"{fragment}@")
        password = f"{password or ''}@{fragment}" if url.password is not None else fragment
    if password:
        found += [password, quote(password, safe="")]
    for name, value in url.query.items():
        if re.fullmatch(_CREDENTIAL_NAMES, name, re.IGNORECASE):
            found += [value] if isinstance(value, str) else list(value)
    return [value for value in found if value]
