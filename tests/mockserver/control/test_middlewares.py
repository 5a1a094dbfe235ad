"""The journal middleware: each journaled request carries how long it took, in wall-clock
time, and control requests are neither journaled nor timed."""

from __future__ import annotations

from tests.conftest import Client, call

PROJECT = "/api/v1/project"


async def test_the_duration_is_wall_clock_time_even_on_a_frozen_clock(ctl: Client) -> None:
    status, _ = await call(ctl, "POST", "faults", "addFault", {"path": PROJECT, "delayMs": 60})
    assert status == 201
    await ctl.get(PROJECT)
    await ctl.get(PROJECT)
    _, journal = await call(ctl, "GET", "requests", "listRequests")
    slow, quick = (entry["durationMs"] for entry in journal["data"])
    assert slow >= 60 > quick >= 0


async def test_control_requests_are_neither_journaled_nor_timed(ctl: Client) -> None:
    await call(ctl, "GET", "health", "getHealth")
    _, journal = await call(ctl, "GET", "requests", "listRequests")
    assert journal["data"] == []
