"""Reproductions as `curl` commands, and the redaction that keeps keys out of any output.

A key is written as its environment variable (`$CONTRACT_ADMIN_KEY`), inside double
quotes so the shell expands it: with the variables the suite itself reads exported, a
reproduction runs as printed.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping

from .client import Request
from .settings import Role

# Headers every HTTP client adds on its own; they do not change the answer.
INCIDENTAL_HEADERS = frozenset(
    {
        "user-agent",
        "accept-encoding",
        "accept",
        "connection",
        "content-length",
        "x-schemathesis-testcaseid",
        "host",
    }
)


def double_quoted(text: str) -> str:
    """`text` in double quotes, with `$` left active so placeholders expand."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
    return f'"{escaped}"'


def render(
    method: str,
    url: str,
    *,
    authorization: str | None,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
) -> str:
    """A curl command for one request; `authorization` is already in placeholder form."""
    parts = ["curl", "-sS", "-i"]
    if method == "HEAD":
        parts.append("--head")
    elif method != "GET":
        parts += ["-X", method]
    if authorization is not None:
        parts += ["-H", double_quoted(f"Authorization: {authorization}")]
    for name, value in (headers or {}).items():
        if name.lower() not in INCIDENTAL_HEADERS | {"authorization"}:
            parts += ["-H", shlex.quote(f"{name}: {value}")]
    if body:
        parts += ["--data-binary", shlex.quote(body.decode("utf-8", "replace"))]
    parts.append(shlex.quote(url))
    return " ".join(parts)


def for_request(base_url: str, request: Request) -> str:
    return render(request.method, base_url + request.target, authorization=request.auth.shown)


def redact(text: str, keys: Mapping[Role, str]) -> str:
    """`text` with every given key replaced by its environment variable."""
    return replace_secrets(text, {key: f"${role.value}" for role, key in keys.items()})


def replace_secrets(text: str, placeholders: Mapping[str, str]) -> str:
    """`text` with each secret replaced by its placeholder (secrets known only at run time,
    such as the keys the proxy sees pass, as well as the keys given to the suite)."""
    # Longest first, so a secret that contains another is replaced whole.
    for secret, placeholder in sorted(placeholders.items(), key=lambda item: -len(item[0])):
        if secret:
            text = text.replace(secret, placeholder)
    return text
