"""Reproductions as `curl` commands, and the redaction that keeps secrets out of any output.

A key is written as its environment variable (`$CONTRACT_ADMIN_KEY`), inside double
quotes so the shell expands it: with the variables the suite itself reads exported, a
reproduction runs as printed. A header of the connection (`--header "X-Gateway-Key: …"`)
is written the same way, as `$CONTRACT_HEADER_<NAME>` (`$CONTRACT_HEADER_X_GATEWAY_KEY`):
every header value is treated as a secret, since gateway keys travel that way.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Collection, Mapping
from dataclasses import replace

from .client import Request
from .outcome import CheckResult, Finding
from .settings import Role, Settings

HEADER_VARIABLE_PREFIX = "CONTRACT_HEADER_"

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


def header_variable(name: str) -> str:
    """The environment variable a reproduction names a connection header's value by."""
    return HEADER_VARIABLE_PREFIX + re.sub(r"[^A-Z0-9]", "_", name.upper())


def render(
    method: str,
    url: str,
    *,
    authorization: str | None,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    hidden: Collection[str] = (),
) -> str:
    """A curl command for one request; `authorization` is already in placeholder form.

    The values of the headers named in `hidden` (the connection's) are written as their
    variables, whatever `headers` holds for them.
    """
    parts = ["curl", "-sS", "-i"]
    if method == "HEAD":
        parts.append("--head")
    elif method != "GET":
        parts += ["-X", method]
    if authorization is not None:
        parts += ["-H", double_quoted(f"Authorization: {authorization}")]
    secret = {name.lower(): name for name in hidden}
    for name in secret.values():
        parts += ["-H", double_quoted(f"{name}: ${header_variable(name)}")]
    for name, value in (headers or {}).items():
        if name.lower() not in INCIDENTAL_HEADERS | {"authorization"} | secret.keys():
            parts += ["-H", shlex.quote(f"{name}: {value}")]
    if body:
        parts += ["--data-binary", shlex.quote(body.decode("utf-8", "replace"))]
    parts.append(shlex.quote(url))
    return " ".join(parts)


def for_request(base_url: str, request: Request) -> str:
    return render(
        request.method,
        base_url + request.target,
        authorization=request.auth.shown,
        hidden=request.headers,
    )


def redact(text: str, keys: Mapping[Role, str]) -> str:
    """`text` with every given key replaced by its environment variable."""
    return hide(text, {key: f"${role.value}" for role, key in keys.items() if key})


def secrets(settings: Settings) -> dict[str, str]:
    """Every secret the run was given, mapped to the placeholder output shows instead."""
    shown = {key: f"${role.value}" for role, key in settings.keys().items()}
    for name, value in settings.connection.headers:
        if value:
            shown[value] = f"${header_variable(name)}"
    return shown


def hide(text: str, shown: Mapping[str, str]) -> str:
    """`text` with every secret of `shown` replaced by its placeholder.

    Longest first, so a secret that contains another is replaced whole.
    """
    for secret in sorted(shown, key=len, reverse=True):
        text = text.replace(secret, shown[secret])
    return text


def redact_result(result: CheckResult, settings: Settings) -> CheckResult:
    """`result` with no key and no connection header value left in any of its texts.

    Applied to every result of a run, so no report built from them (text, JUnit, JSON,
    Markdown) can show one, even when the implementation echoes a header back.
    """
    shown = secrets(settings)
    if not shown:
        return result

    def clean(finding: Finding) -> Finding:
        return replace(
            finding,
            expected=hide(finding.expected, shown),
            got=hide(finding.got, shown),
            curl=None if finding.curl is None else hide(finding.curl, shown),
            response=None if finding.response is None else hide(finding.response, shown),
        )

    return replace(
        result,
        reason=hide(result.reason, shown),
        findings=tuple(clean(finding) for finding in result.findings),
    )
