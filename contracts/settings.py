"""What one run of the suite checks, and against which server: parsed once, then read-only."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

# Examples per generated property (and per operation and phase for schemathesis): enough to
# find the usual bugs, small enough that a default run against a local server stays well
# under a minute on two cores, and that through a gateway allowing 40 requests a second
# it sends about 1,400 requests in about 40 s, well inside two minutes' 4,800
# (benchmarks/staging.py).
DEFAULT_MAX_EXAMPLES = 50
DEFAULT_TIMEOUT_SECONDS = 10.0
# Transient answers (429, 502, 503, 504, a dropped connection) are sent again this many
# times after the first attempt, with backoff, before the affected check is inconclusive.
DEFAULT_RETRIES = 4
# No single wait, whether a server's Retry-After or our own backoff, is longer than this:
# a gateway that asks for an hour must not stall a CI job for an hour.
MAX_RETRY_WAIT_SECONDS = 30.0


class Role(StrEnum):
    """Which of the given keys a request carries; the value names its environment variable."""

    ADMIN = "CONTRACT_ADMIN_KEY"
    MEMBER = "CONTRACT_MEMBER_KEY"
    OTHER_ADMIN = "CONTRACT_OTHER_ADMIN_KEY"


@dataclass(frozen=True, slots=True, kw_only=True)
class Connection:
    """How requests reach a server, beyond its URL: TLS, extra headers, pacing and retries.

    One value shared by everything that talks to the server: the suite's own client,
    schemathesis's phases, the pytest form and the proxy (toward its target).
    `ca_bundle=None` trusts what the environment trusts (`SSL_CERT_FILE`,
    `REQUESTS_CA_BUNDLE`, the system store); the command resolves `CONTRACT_CA_BUNDLE`.
    """

    ca_bundle: Path | None = None
    insecure: bool = False
    client_cert: Path | None = None
    client_key: Path | None = None
    # Sent on every request (gateway keys, tenant headers); redacted in every output.
    headers: tuple[tuple[str, str], ...] = ()
    # Requests a second over the whole run, schemathesis's phases included; None: unpaced.
    rate_limit: float | None = None
    retries: int = DEFAULT_RETRIES
    max_retry_wait: float = MAX_RETRY_WAIT_SECONDS
    # Seconds to wait for the server to answer at all before starting; None: do not wait.
    wait_for: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """One run: the server, its keys and how hard to look.

    `seed` is always set (the CLI draws one when none is given and prints it), so any run
    can be repeated exactly.
    """

    base_url: str
    admin_key: str
    member_key: str
    seed: int
    other_admin_key: str | None = None
    max_examples: int = DEFAULT_MAX_EXAMPLES
    junit_xml: Path | None = None
    select: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    connection: Connection = Connection()
    json_report: Path | None = None
    markdown_report: Path | None = None
    # Known failures: reported as "known" without failing the run (`baseline`), or
    # written from this run's failures (`write_baseline`).
    baseline: Path | None = None
    write_baseline: Path | None = None

    def __post_init__(self) -> None:
        # Joining paths onto a base URL with a trailing slash would double it.
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))

    def key(self, role: Role) -> str | None:
        return {
            Role.ADMIN: self.admin_key,
            Role.MEMBER: self.member_key,
            Role.OTHER_ADMIN: self.other_admin_key,
        }[role]

    def keys(self) -> dict[Role, str]:
        """The keys given, by role: what output must never show in full."""
        return {role: key for role in Role if (key := self.key(role))}
