"""Identifier formats of the generated world."""

from __future__ import annotations

import hashlib

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Every pair of characters, for 10 bits at a time: half the steps of one at a time.
_PAIRS = tuple(first + second for first in _CROCKFORD for second in _CROCKFORD)
_PAIR_SHIFTS = range(120, -1, -10)


def ulid(timestamp_ms: int, randomness: int) -> str:
    """A ULID: 48 bits of time and 80 of randomness, Crockford base32, 26 characters.

    Sorting ULIDs as strings sorts them by time first, which is why audit-log entry
    ids use them: equal timestamps are then ordered by the random part.
    """
    value = (timestamp_ms << 80) | randomness
    return "".join([_PAIRS[(value >> shift) & 1023] for shift in _PAIR_SHIFTS])


def ulid_timestamp(text: str) -> int | None:
    """The timestamp a ULID carries, or None when `text` is not a ULID."""
    if len(text) != 26 or not text.isascii() or text[0] > "7":
        return None
    value = 0
    for char in text:
        digit = _CROCKFORD.find(char)
        if digit < 0:
            return None
        value = value << 5 | digit
    return value >> 80


def derived_key(role: str, *scope: str | int) -> str:
    """An API key for `role`, derived from where it belongs, so that restarts keep it.

    `scope` names the key's place: a generated world's seed and project index, or a
    scenario's project id and the key's position. Different places give different keys.

    >>> derived_key("admin", 2024, 0)[:6]
    'alk_a_'
    """
    text = "/".join(["auditlog-mock", *map(str, scope), role])
    return f"alk_{role[0]}_{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def api_key(seed: int, project_index: int, role: str) -> str:
    """A generated project's API key, derived from the world's seed."""
    return derived_key(role, seed, project_index)
