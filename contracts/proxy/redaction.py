"""Keeping the keys that pass through the proxy out of everything it prints or writes.

The suite knows its keys in advance and names each by its environment variable; the
proxy does not: any client may send any key. So every `Authorization` value is shown
with its scheme and a placeholder (`Bearer $CONTRACT_API_KEY`), every key seen is
remembered (the newest `MAX_REMEMBERED_KEYS`) and replaced wherever it shows up again,
in a body that echoes it for instance, and the values of the connection's headers are
replaced by their variables (`curl.header_variable`), as in the suite's own output.
"""

from __future__ import annotations

from collections import OrderedDict

from ..curl import header_variable, hide
from .capture import Headers

KEY_PLACEHOLDER = "$CONTRACT_API_KEY"
MAX_REMEMBERED_KEYS = 1024
# Shorter credentials are no keys, and replacing them everywhere would mangle the text.
MIN_SECRET_LENGTH = 6
# Scheme names a value may hold alone ("Bearer" with no key): shown as they are.
SCHEMES = frozenset({"bearer", "basic", "token", "digest", "negotiate"})


class Redactor:
    """What the proxy may show of a request: keys and secret headers as placeholders."""

    def __init__(self, secret_headers: Headers = ()) -> None:
        # The headers of the connection: a reproduction sends them by their variables.
        self.hidden = tuple(dict.fromkeys(name for name, _ in secret_headers))
        self._fixed = {
            value: f"${header_variable(name)}"
            for name, value in secret_headers
            if len(value) >= MIN_SECRET_LENGTH
        }
        self._seen: OrderedDict[str, str] = OrderedDict()

    def authorization(self, value: str | None) -> str | None:
        """The header as a reproduction shows it: the scheme, then the placeholder."""
        if value is None:
            return None
        scheme, _, credential = value.strip().partition(" ")
        if not credential.strip():
            if len(scheme) >= MIN_SECRET_LENGTH and scheme.lower() not in SCHEMES:
                self.remember(scheme)
                return KEY_PLACEHOLDER  # a key sent bare, without a scheme
            return value
        self.remember(credential.strip())
        return f"{scheme} {KEY_PLACEHOLDER}"

    def remember(self, secret: str) -> None:
        """Replace `secret` in all later output (the newest `MAX_REMEMBERED_KEYS` are kept)."""
        if len(secret) < MIN_SECRET_LENGTH:
            return
        self._seen[secret] = KEY_PLACEHOLDER
        self._seen.move_to_end(secret)
        while len(self._seen) > MAX_REMEMBERED_KEYS:
            self._seen.popitem(last=False)

    def text(self, text: str) -> str:
        """`text` with every key seen and every secret header value replaced."""
        return hide(text, {**self._seen, **self._fixed})
