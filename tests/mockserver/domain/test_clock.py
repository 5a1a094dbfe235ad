"""The clock: real time by default; frozen, set and advanced on demand, running or not."""

from __future__ import annotations

from mockserver.domain.clock import Clock, system_time_ms


class FakeTime:
    """A source of real time that moves only when told to."""

    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


def test_a_running_clock_follows_its_source() -> None:
    source = FakeTime(1_000)
    clock = Clock(source=source)
    assert not clock.frozen and clock.now_ms() == 1_000
    source.now += 250
    assert clock.now_ms() == 1_250


def test_a_frozen_clock_stands_still_until_set_or_advanced() -> None:
    source = FakeTime(1_000)
    clock = Clock(frozen_at=50, source=source)
    source.now += 999
    assert clock.frozen and clock.now_ms() == 50
    clock.advance(10)
    assert clock.now_ms() == 60
    clock.set(5)
    assert clock.now_ms() == 5


def test_a_running_clock_set_or_advanced_goes_on_from_there() -> None:
    source = FakeTime(1_000)
    clock = Clock(source=source)
    clock.set(10_000)
    source.now += 5
    assert clock.now_ms() == 10_005
    clock.advance(-5)
    assert clock.now_ms() == 10_000 and not clock.frozen


def test_freezing_keeps_the_instant_and_running_real_forgets_every_offset() -> None:
    source = FakeTime(1_000)
    clock = Clock(source=source)
    clock.advance(500)
    clock.freeze()
    source.now += 100
    assert clock.frozen and clock.now_ms() == 1_500
    clock.run_real()
    assert not clock.frozen and clock.now_ms() == 1_100


def test_the_default_source_is_the_system_time() -> None:
    before = system_time_ms()
    now = Clock().now_ms()
    assert before <= now <= system_time_ms()
    assert now > 1_700_000_000_000, "milliseconds since 1970"
