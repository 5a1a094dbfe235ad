"""One readable line for a JSON Schema violation, naming where in the document it is."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from mockserver.spec.text import shorten

# jsonschema quotes the offending value in its messages; a huge value must not make
# a huge message.
MAX_MESSAGE_CHARS = 200


def location(root: str, path: Iterable[Any]) -> str:
    """`root` followed by `path` in the notation of JavaScript: `events[2].timestamp`."""
    text = root
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def first_problem(validator: Draft202012Validator, instance: Any, root: str) -> str | None:
    """The most relevant violation of the schema by `instance`, or None when it is valid."""
    error = best_match(validator.iter_errors(instance))
    if error is None:
        return None
    return f"{location(root, error.absolute_path)}: {shorten(error.message, MAX_MESSAGE_CHARS)}"
