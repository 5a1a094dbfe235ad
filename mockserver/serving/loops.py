"""The event loop a server runs on: uvloop where it is installed, else asyncio's own.

uvloop (libuv under asyncio's interface) spends less CPU time on each request than the
standard loop: the `--loop` figures of `benchmarks/scale.py` measure both. It is a
dependency wherever it builds (not on Windows); without it the standard loop serves,
and `--loop asyncio` chooses that one anyway. The CLI and every worker run their server
through `run`, so they run on the same loop.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Callable, Coroutine
from typing import Any, Final, TypeVar

T = TypeVar("T")

ASYNCIO: Final = "asyncio"
UVLOOP: Final = "uvloop"
LOOPS: Final = (ASYNCIO, UVLOOP)


class LoopUnavailable(Exception):
    """The loop asked for is not installed: the message says how to get it."""


def uvloop_installed() -> bool:
    return importlib.util.find_spec(UVLOOP) is not None


def default_loop() -> str:
    """uvloop when it is installed, else the standard loop."""
    return UVLOOP if uvloop_installed() else ASYNCIO


def loop_factory(name: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """What makes a new loop of `name` (None: asyncio's default); `LoopUnavailable` when
    uvloop is asked for but missing."""
    if name == ASYNCIO:
        return None
    if name != UVLOOP:
        raise ValueError(f"unknown event loop {name!r}: one of {', '.join(LOOPS)}")
    try:
        import uvloop
    except ImportError:
        raise LoopUnavailable(
            "--loop uvloop: uvloop is not installed (pip install uvloop), or use --loop asyncio"
        ) from None
    new_loop: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return new_loop


def run(main: Coroutine[Any, Any, T], loop: str) -> T:
    """`asyncio.run(main)` on a new loop of `loop` (see `LOOPS`)."""
    try:
        factory = loop_factory(loop)
    except BaseException:
        main.close()  # it will never run: closed, it raises no "never awaited" warning
        raise
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)
