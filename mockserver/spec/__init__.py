"""The OpenAPI document: loading it, its operations, parameter validation, problems, text."""

from typing import Any

# A parsed OpenAPI document, or an object inside one: JSON-like data, read, never changed.
Spec = dict[str, Any]
