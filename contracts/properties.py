"""Running a rule over generated inputs with Hypothesis, outside of any test framework.

The run is seeded from the suite's seed and the check's name, so `--seed` repeats it
exactly while different checks still explore different inputs. When the rule breaks,
Hypothesis shrinks the input and re-raises the `Violation` of the smallest one, whose
request is then the reproduction shown to the user.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import TypeVar

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky

from .client import Unreachable
from .context import Context
from .outcome import Violation

T = TypeVar("T")


def for_all(
    ctx: Context, name: str, strategy: st.SearchStrategy[T], rule: Callable[[T], None]
) -> None:
    """Check `rule` on up to `max_examples` values of `strategy`; raise the smallest violation."""

    @seed(ctx.settings.seed ^ zlib.crc32(name.encode()))
    @settings(
        max_examples=ctx.settings.max_examples,
        deadline=None,
        database=None,
        derandomize=False,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        print_blob=False,
    )
    @given(strategy)
    def holds(value: T) -> None:
        rule(value)

    try:
        holds()
    except Flaky as error:
        # The implementation answered the same request differently when asked again.
        raise _first_violation(error) from None


def _first_violation(error: BaseException) -> Exception:
    """What to report for a failure that did not happen again when Hypothesis replayed it."""
    pending: list[BaseException] = [error]
    found: list[BaseException] = []
    while pending:
        current = pending.pop(0)
        if isinstance(current, Violation):
            return Violation(
                current.expected + " (the same request gave different answers when repeated)",
                current.got,
                current.exchange,
            )
        if isinstance(current, Unreachable):
            return current
        inner = list(getattr(current, "exceptions", ()))
        pending.extend(inner)
        found.extend(inner)
    causes = "; ".join(f"{type(e).__name__}: {e}" for e in found) or str(error)
    return Violation("the same answer to the same request", f"inconsistent answers ({causes})")
