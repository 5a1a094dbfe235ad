"""The event loop a server runs on: uvloop where installed, asyncio's own on request."""

from __future__ import annotations

import asyncio
import inspect
import sys

import pytest

from mockserver.serving import loops


async def loop_class() -> str:
    return type(asyncio.get_running_loop()).__module__


def test_asyncio_is_the_standard_loop_and_uvloop_is_uvloops() -> None:
    assert loops.run(loop_class(), loops.ASYNCIO).startswith("asyncio")
    if loops.uvloop_installed():
        assert loops.run(loop_class(), loops.UVLOOP).startswith("uvloop")


def test_the_default_is_uvloop_where_it_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    installed = loops.uvloop_installed()
    assert loops.default_loop() == (loops.UVLOOP if installed else loops.ASYNCIO)
    monkeypatch.setattr(loops, "uvloop_installed", lambda: False)
    assert loops.default_loop() == loops.ASYNCIO


def test_uvloop_asked_for_but_missing_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # makes `import uvloop` fail
    main = loop_class()
    with pytest.raises(loops.LoopUnavailable, match="--loop asyncio"):
        loops.run(main, loops.UVLOOP)
    assert inspect.getcoroutinestate(main) == inspect.CORO_CLOSED, "closed, never run"
