"""`--latency` and `--chaos`: every API request delayed, a seeded share of them failed.

The draws come from `random.Random` instances seeded from the world's seed, one for
the latency and one for the faults, made per app: the same seed and the same sequence
of requests give the same delays and the same faults, whatever else runs, and a reset
of the server starts both sequences again. Without either flag no middleware is added,
so the default configuration pays nothing for them.
"""

from __future__ import annotations

import asyncio
import bisect
import math
from collections.abc import Sequence
from itertools import accumulate
from random import Random

from aiohttp import web
from aiohttp.typedefs import Handler

from mockserver.api.injection import (
    STATUSES,
    FaultKind,
    FaultListener,
    Injection,
    inject,
    status_injection,
)

# What `--chaos` can inject, by the word that names it: a status, or a broken answer.
# `slow` and `delay` need a duration, which `--latency` gives to every request instead.
CHAOS_KINDS: dict[str, Injection] = {
    **{str(status): status_injection(status) for status in STATUSES},
    **{
        kind.value: Injection(kind=kind)
        for kind in (FaultKind.DROP, FaultKind.RESET, FaultKind.TRUNCATED, FaultKind.MALFORMED)
    },
}
MAX_LATENCY_MS = 60_000

# A share of requests per chaos kind, as `Config.chaos` holds it: (("503", 0.05), ...).
Shares = tuple[tuple[str, float], ...]


class InvalidChaos(ValueError):
    """A `--chaos` or `--latency` value that cannot be used; the message says why."""


def parse_chaos(text: str) -> Shares:
    """`503:0.05,429:0.02,drop:0.01` as shares, checked: known kinds, each share 0 to 1,
    each kind once, and a sum of at most 1 (a request fails at most once)."""
    shares: dict[str, float] = {}
    for item in text.split(","):
        kind, colon, share_text = item.strip().partition(":")
        if not colon:
            raise InvalidChaos(f"expected KIND:SHARE, got {item.strip()!r}")
        if kind not in CHAOS_KINDS:
            raise InvalidChaos(f"unknown kind {kind!r}; expected one of {', '.join(CHAOS_KINDS)}")
        if kind in shares:
            raise InvalidChaos(f"{kind} is given twice")
        try:
            share = float(share_text)
        except ValueError:
            share = math.nan
        # `not 0 <= share <= 1` also refuses nan, which compares false with everything.
        if not 0 <= share <= 1:
            raise InvalidChaos(f"{kind}: expected a share from 0 to 1, got {share_text!r}")
        shares[kind] = share
    total = sum(shares.values())
    if total > 1 + 1e-9:
        raise InvalidChaos(f"the shares add up to {total:g}; at most 1 of the requests can fail")
    return tuple(shares.items())


def parse_latency(text: str) -> tuple[int, int]:
    """`MS` or `LO-HI` in milliseconds, as the range (LO, HI) each delay is drawn from."""
    low_text, dash, high_text = text.strip().partition("-")
    try:
        low = int(low_text)
        high = int(high_text) if dash else low
    except ValueError:
        raise InvalidChaos(f"expected MS or LO-HI in milliseconds, got {text!r}") from None
    for value in (low, high):
        if not 0 <= value <= MAX_LATENCY_MS:
            raise InvalidChaos(f"expected 0 to {MAX_LATENCY_MS} milliseconds, got {value}")
    if low > high:
        raise InvalidChaos(f"LO-HI: {low} is above {high}")
    return low, high


class Chaos:
    """The seeded draws: a delay for each request, and the fault (if any) for each."""

    def __init__(self, seed: int, latency_ms: tuple[int, int] | None, shares: Shares) -> None:
        self._seed = seed
        self.latency_ms = latency_ms
        self._injections = [CHAOS_KINDS[kind] for kind, _ in shares]
        self._bounds = list(accumulate(share for _, share in shares))
        self.restart()

    @property
    def enabled(self) -> bool:
        return self.latency_ms is not None or bool(self._injections)

    def restart(self) -> None:
        """Start both sequences of draws again, as on a fresh start."""
        self._latency_rng = Random(f"latency/{self._seed}")
        self._fault_rng = Random(f"chaos/{self._seed}")

    def delay_ms(self) -> int:
        """The next delay, from the latency range (0 without `--latency`)."""
        if self.latency_ms is None:
            return 0
        return self._latency_rng.randint(*self.latency_ms)

    def fault(self) -> Injection | None:
        """The next request's fault: each kind with its share, none with what is left.

        One uniform draw in [0, 1) per request, placed among the cumulative shares.
        """
        if not self._injections:
            return None
        index = bisect.bisect_right(self._bounds, self._fault_rng.random())
        return self._injections[index] if index < len(self._injections) else None


def setup_chaos(
    app: web.Application,
    chaos: Chaos,
    *,
    exempt: Sequence[str] = (),
    on_fault: FaultListener | None = None,
) -> None:
    """Delay and fail the API's requests as `chaos` draws; paths under `exempt` are spared,
    and `on_fault` hears of each fault before it acts.

    Nothing is added when `chaos` has neither latency nor shares.
    """
    if not chaos.enabled:
        return
    prefixes = tuple(exempt)

    @web.middleware
    async def chaos_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(prefixes):
            return await handler(request)
        delay = chaos.delay_ms()
        if delay:
            await asyncio.sleep(delay / 1000)
        injection = chaos.fault()
        if injection is None:
            return await handler(request)
        if on_fault is not None:
            on_fault(request, injection.kind)
        return await inject(request, handler, injection)

    app.middlewares.append(chaos_middleware)
