"""What every check is given: the settings, the client and the discovered data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .client import Client
from .discovery import Dataset
from .outcome import Skip, Violation
from .settings import Settings


@dataclass(frozen=True, slots=True)
class Context:
    settings: Settings
    client: Client
    # The discovered data, or the violation that kept it from being read.
    discovered: Dataset | Violation

    def data(self) -> Dataset:
        """The data set; a check that needs entries cannot pass without one."""
        if isinstance(self.discovered, Violation):
            raise Violation(
                f"a readable audit log to compare with ({self.discovered.expected})",
                self.discovered.got,
                self.discovered.exchange,
            )
        if self.discovered.empty:
            raise Skip("the audit log of the admin key's project is empty")
        return self.discovered


@dataclass(frozen=True, slots=True)
class Check:
    """A named rule of the contract and the function that tests an implementation for it.

    `run` returns normally when the rule holds, raises `Violation` when it does not and
    `Skip` when it cannot be observed (for example, without a second project's key).
    """

    name: str
    summary: str
    run: Callable[[Context], None]

    @property
    def group(self) -> str:
        return self.name.split(".", 1)[0]
