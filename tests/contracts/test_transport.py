"""The transport's rules: backoff, Retry-After, pacing, and what is retried, counted, given up."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st
from requests.adapters import HTTPAdapter

from contracts.settings import Connection
from contracts.transport import (
    DROPPED,
    FIRST_BACKOFF_SECONDS,
    Adapter,
    GaveUp,
    Limiter,
    Transport,
    backoff,
    retry_after,
    wait_before_retry,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    """Time that passes only when something sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@given(st.integers(0, 10_000), st.floats(0.01, 3600), st.integers(0, 2**32))
def test_backoff_doubles_within_its_cap_and_jitter_keeps_at_least_half(
    attempt: int, cap: float, seed: int
) -> None:
    exact = backoff(attempt, cap, None)
    assert exact == min(cap, FIRST_BACKOFF_SECONDS * 2.0 ** min(attempt, 60))
    jittered = backoff(attempt, cap, random.Random(seed))
    assert exact / 2 <= jittered <= exact <= cap


def test_backoff_grows_from_the_first_wait() -> None:
    assert [backoff(n, 10.0, None) for n in range(4)] == [0.1, 0.2, 0.4, 0.8]


def test_the_same_seed_jitters_the_same_way() -> None:
    first = [backoff(n, 5.0, random.Random(7)) for n in range(6)]
    assert first == [backoff(n, 5.0, random.Random(7)) for n in range(6)]


@given(st.integers(0, 10**9))
def test_retry_after_in_seconds_is_read_as_seconds(seconds: int) -> None:
    assert retry_after(str(seconds), NOW) == seconds
    assert retry_after(f" {seconds} ", NOW) == seconds


@given(st.integers(-86_400, 86_400))
def test_retry_after_as_an_http_date_is_the_time_until_then_never_negative(offset: int) -> None:
    value = format_datetime(NOW + timedelta(seconds=offset), usegmt=True)
    assert retry_after(value, NOW) == max(0, offset)


@pytest.mark.parametrize("value", [None, "", "soon", "-3", "1.5", "Mon, 99 Foo 2025"])
def test_a_retry_after_that_cannot_be_read_is_none(value: str | None) -> None:
    assert retry_after(value, NOW) is None


@given(
    st.integers(0, 20),
    st.one_of(st.none(), st.floats(0, 10**6)),
    st.floats(0.01, 120),
)
def test_no_wait_is_longer_than_the_cap_and_the_server_is_heard(
    attempt: int, asked: float | None, cap: float
) -> None:
    wait = wait_before_retry(attempt, asked, cap, None)
    assert 0 <= wait <= cap
    if asked is not None:
        assert wait == min(cap, asked)


@given(st.floats(0.5, 500), st.integers(1, 200))
def test_the_limiter_spaces_requests_evenly_at_its_rate(rate: float, count: int) -> None:
    clock = FakeClock()
    limiter = Limiter(rate, clock, clock.sleep)
    started = clock.now
    for _ in range(count):
        limiter.acquire()
    # The first goes at once; each further one a slot later.
    assert clock.now - started == pytest.approx((count - 1) / rate)


def test_the_limiter_waits_only_for_what_remains_of_a_slot() -> None:
    clock = FakeClock()
    limiter = Limiter(10.0, clock, clock.sleep)
    assert limiter.acquire() == 0
    clock.now += 0.03
    assert limiter.acquire() == pytest.approx(0.07)
    clock.now += 1.0
    assert limiter.acquire() == 0


def test_a_hold_delays_the_next_request_for_everyone() -> None:
    clock = FakeClock()
    limiter = Limiter(100.0, clock, clock.sleep)
    limiter.acquire()
    limiter.hold(2.0)
    assert limiter.acquire() == pytest.approx(2.0)


def answer(status: int, headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.raw = io.BytesIO(b"")
    response.status_code = status
    response.headers.update(headers or {})
    return response


def prepared() -> requests.PreparedRequest:
    return requests.Request("GET", "http://127.0.0.1:1/p").prepare()


def dropped() -> requests.ConnectionError:
    return requests.ConnectionError(ConnectionResetError(104, "Connection reset by peer"))


def refused() -> requests.ConnectionError:
    return requests.ConnectionError(ConnectionRefusedError(111, "Connection refused"))


def script(*outcomes: requests.Response | Exception) -> Callable[[], requests.Response]:
    pending = list(outcomes)

    def send() -> requests.Response:
        outcome = pending.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return send


def transport(clock: FakeClock, **connection: object) -> Transport:
    return Transport(
        Connection(**connection),  # type: ignore[arg-type]
        clock=clock,
        sleep=clock.sleep,
        now=lambda: NOW,
    )


def test_transient_answers_are_retried_counted_by_cause_and_the_answer_returned() -> None:
    clock = FakeClock()
    moved = transport(clock)
    response = moved.deliver(
        script(answer(503), answer(502), dropped(), answer(504), answer(200)), prepared()
    )
    assert response.status_code == 200
    assert moved.traffic.requests == 5
    assert moved.traffic.retried == {"503": 1, "502": 1, DROPPED: 1, "504": 1}
    assert not moved.traffic.gave_up
    assert clock.slept == [0.1, 0.2, 0.4, 0.8]
    assert moved.traffic.retry_wait == pytest.approx(1.5)


@pytest.mark.parametrize("status", [200, 400, 401, 404, 500])
def test_other_answers_are_not_retried(status: int) -> None:
    moved = transport(FakeClock())
    assert moved.deliver(script(answer(status)), prepared()).status_code == status
    assert moved.traffic.requests == 1
    assert not moved.traffic.retried


def test_a_refused_connection_is_no_server_and_not_retried() -> None:
    moved = transport(FakeClock())
    with pytest.raises(requests.ConnectionError):
        moved.deliver(script(refused()), prepared())
    assert moved.traffic.requests == 1
    assert not moved.traffic.retried


def test_a_transient_that_persists_through_every_retry_gives_up() -> None:
    clock = FakeClock()
    moved = transport(clock, retries=2)
    with pytest.raises(GaveUp) as raised:
        moved.deliver(script(answer(503), answer(503), answer(503)), prepared())
    assert raised.value.cause == "503"
    assert "503 on each of 3 attempts" in str(raised.value)
    assert moved.traffic.requests == 3
    assert moved.traffic.retried == {"503": 2}
    assert moved.traffic.gave_up == {"503": 1}


def test_no_retries_gives_up_at_the_first_transient() -> None:
    moved = transport(FakeClock(), retries=0)
    with pytest.raises(GaveUp):
        moved.deliver(script(dropped()), prepared())
    assert moved.traffic.gave_up == {DROPPED: 1}


def test_retry_after_is_honoured_up_to_the_cap_and_counted_as_rate_limit_wait() -> None:
    clock = FakeClock()
    moved = transport(clock, max_retry_wait=5.0)
    moved.deliver(
        script(
            answer(429, {"Retry-After": "2"}), answer(429, {"Retry-After": "3600"}), answer(200)
        ),
        prepared(),
    )
    assert clock.slept == [2.0, 5.0]
    assert moved.traffic.rate_limit_wait == pytest.approx(7.0)
    assert moved.traffic.retry_wait == 0
    assert moved.traffic.retried == {"429": 2}


def test_with_a_rate_limit_a_429_holds_the_limiter_for_the_whole_run() -> None:
    clock = FakeClock()
    moved = transport(clock, rate_limit=10.0)
    moved.deliver(script(answer(429, {"Retry-After": "1"}), answer(200)), prepared())
    assert clock.now == pytest.approx(1.0)
    assert moved.traffic.rate_limit_wait == pytest.approx(1.0)


def test_the_rate_limit_paces_every_request_through_the_transport() -> None:
    clock = FakeClock()
    moved = transport(clock, rate_limit=4.0)
    for _ in range(9):
        moved.deliver(script(answer(200)), prepared())
    assert clock.now == pytest.approx(2.0)
    assert moved.traffic.requests == 9
    assert moved.traffic.rate_limit_wait == pytest.approx(2.0)


def stray(status: int) -> requests.Response:
    """An answer to a request sent on a session without the transport's adapter."""
    response = answer(status)
    response.connection = HTTPAdapter()
    response.request = prepared()
    return response


def test_a_request_sent_around_the_transport_is_counted_when_its_answer_comes() -> None:
    moved = transport(FakeClock())
    assert moved.adopt(stray(200)) is None
    assert moved.traffic.requests == 1
    assert not moved.traffic.retried


def test_a_transient_sent_around_the_transport_gives_up_after_the_same_attempts() -> None:
    clock = FakeClock()
    moved = transport(clock, retries=2)
    with pytest.raises(GaveUp, match="on each of 3 attempts"):
        # One attempt was made elsewhere: two are left.
        moved.deliver(script(answer(503), answer(503)), prepared(), first=1)
    assert moved.traffic.requests == 2
    assert moved.traffic.gave_up == {"503": 1}


def test_without_retries_a_stray_transient_gives_up_at_once() -> None:
    moved = transport(FakeClock(), retries=0)
    with pytest.raises(GaveUp, match="on each of 1 attempts"):
        moved.adopt(stray(429))
    assert moved.traffic.requests == 1
    assert moved.traffic.gave_up == {"429": 1}


def test_an_answer_through_the_transport_is_left_to_it() -> None:
    moved = transport(FakeClock())
    through = answer(503)
    through.connection = Adapter(moved)
    assert moved.adopt(through) is None
    assert moved.traffic.requests == 0
