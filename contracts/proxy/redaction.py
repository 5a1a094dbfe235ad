"""Keeping the keys that pass through the proxy out of everything it prints or writes.

The suite knows its keys in advance and names each by its environment variable; the
proxy does not: any client may send any key. So every `Authorization` value is shown
with its scheme and a placeholder (`Bearer $CONTRACT_API_KEY`), every key seen is
remembered (the newest `MAX_REMEMBERED_KEYS`) and replaced wherever it shows up again,
in a body that echoes it for instance, and the headers of the connection options are
shown as placeholders named after them.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Mapping

from ..curl import hide
from .capture import Headers

KEY_PLACEHOLDER = "$CONTRACT_API_KEY"
MAX_REMEMBERED_KEYS = 1024
# Shorter credentials are no keys, and replacing them everywhere would mangle the text.
MIN_SECRET_LENGTH = 6


def header_placeholder(name: str) -> str:
    """`X-Gateway-Key` is shown as `${CONTRACT_HEADER_X_GATEWAY_KEY}`."""
    return "${CONTRACT_HEADER_" + re.sub(r"[^A-Za-z0-9]", "_", name).upper() + "}"


class Redactor:
    """What the proxy may show of a request: keys and secret headers as placeholders."""

    def __init__(self, secret_headers: Headers = ()) -> None:
        self._names = {name.lower(): name for name, _ in secret_headers}
        self._placeholders = {name.lower(): header_placeholder(name) for name, _ in secret_headers}
        self._fixed = {
            value: header_placeholder(name)
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
            if scheme and len(scheme) >= MIN_SECRET_LENGTH:
                self.remember(scheme)
                return KEY_PLACEHOLDER  # a key sent bare, without a scheme
            return value
        self.remember(credential.strip())
        return f"{scheme} {KEY_PLACEHOLDER}"

    def remember(self, secret: str) -> None:
        if len(secret) < MIN_SECRET_LENGTH:
            return
        self._seen[secret] = KEY_PLACEHOLDER
        self._seen.move_to_end(secret)
        while len(self._seen) > MAX_REMEMBERED_KEYS:
            self._seen.popitem(last=False)

    def headers(self, headers: Headers) -> dict[str, str]:
        """Headers to show, the secret ones as their placeholders (Authorization aside)."""
        shown: dict[str, str] = {}
        for name, value in headers:
            if name.lower() == "authorization":
                continue
            shown[name] = self._placeholders.get(name.lower(), value)
        return shown

    def extra(self) -> Mapping[str, str]:
        """The connection options' headers, as a reproduction sends them."""
        return {self._names[lowered]: shown for lowered, shown in self._placeholders.items()}

    def text(self, text: str) -> str:
        """`text` with every key seen and every secret header value replaced."""
        return hide(text, {**self._seen, **self._fixed})
