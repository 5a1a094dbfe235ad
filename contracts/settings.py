"""What one run of the suite checks, and against which server: parsed once, then read-only."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

# Examples per generated property (and per operation and phase for schemathesis): enough to
# find the usual bugs, small enough that a default run against a local server stays well
# under a minute on two cores.
DEFAULT_MAX_EXAMPLES = 50
DEFAULT_TIMEOUT_SECONDS = 10.0


class Role(StrEnum):
    """Which of the given keys a request carries; the value names its environment variable."""

    ADMIN = "CONTRACT_ADMIN_KEY"
    MEMBER = "CONTRACT_MEMBER_KEY"
    OTHER_ADMIN = "CONTRACT_OTHER_ADMIN_KEY"


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
