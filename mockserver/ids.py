"""Identifier formats of the generated world."""

from __future__ import annotations

import hashlib

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid(timestamp_ms: int, randomness: int) -> str:
    """A ULID: 48 bits of time and 80 of randomness, Crockford base32, 26 characters.

    Sorting ULIDs as strings sorts them by time first, which is why audit-log entry
    ids use them: equal timestamps are then ordered by the random part.
    """
    value = (timestamp_ms << 80) | randomness
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def api_key(seed: int, project_index: int, role: str) -> str:
    """A project's API key, derived from the world's seed so that restarts keep it."""
    digest = hashlib.sha256(f"auditlog-mock/{seed}/{project_index}/{role}".encode()).hexdigest()
    return f"alk_{role[0]}_{digest[:32]}"
