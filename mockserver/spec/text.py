"""Text shown to people: a quoted value or message cut to a length one line can hold."""

from __future__ import annotations

ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """`text` whole when it has at most `limit` characters, else its first `limit` and `…`.

    >>> shorten("entity.created", 6)
    'entity…'
    """
    return text if len(text) <= limit else text[:limit] + ELLIPSIS
