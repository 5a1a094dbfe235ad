"""`--latency` and `--chaos`: their parsing, their seeded draws, and the middleware."""

from __future__ import annotations

import bisect
from itertools import accumulate
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.api.chaos import (
    CHAOS_KINDS,
    MAX_LATENCY_MS,
    Chaos,
    InvalidChaos,
    Shares,
    parse_chaos,
    parse_latency,
)
from mockserver.api.injection import FaultKind
from mockserver.domain.models import World
from tests.conftest import AppFactory, admin_of, call

AUDIT_LOG = "/api/v1/audit-log"
KINDS = list(CHAOS_KINDS)
SHARE = st.floats(0, 1).map(lambda share: round(share, 3))


@st.composite
def valid_shares(draw: st.DrawFn) -> Shares:
    """Distinct kinds with shares from 0 to 1 that add up to at most 1."""
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=len(KINDS), unique=True))
    cuts = sorted(draw(st.lists(SHARE, min_size=len(kinds), max_size=len(kinds))))
    shares = [round(high - low, 3) for low, high in zip([0.0, *cuts], cuts, strict=False)]
    return tuple(zip(kinds, shares, strict=True))


def written(shares: Shares) -> str:
    return ",".join(f"{kind}:{share}" for kind, share in shares)


@given(valid_shares())
def test_valid_chaos_reads_back_as_written(shares: Shares) -> None:
    assert parse_chaos(written(shares)) == shares


@given(valid_shares(), st.floats(1.001, 10) | st.floats(-10, -0.001))
def test_a_share_outside_0_to_1_is_refused(shares: Shares, bad: float) -> None:
    (kind, _), *rest = shares
    with pytest.raises(InvalidChaos, match=f"{kind}: expected a share from 0 to 1"):
        parse_chaos(written(((kind, bad), *rest)))


@given(st.lists(st.sampled_from(KINDS), min_size=2, max_size=len(KINDS), unique=True))
def test_shares_adding_up_to_more_than_1_are_refused(kinds: list[str]) -> None:
    share = round(1 / len(kinds) + 0.01, 3)
    with pytest.raises(InvalidChaos, match="add up to"):
        parse_chaos(written(tuple((kind, share) for kind in kinds)))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("418:0.1", "unknown kind '418'"),
        ("slow:0.1", "unknown kind 'slow'"),
        ("503", "expected KIND:SHARE"),
        ("503:lots", "expected a share from 0 to 1"),
        ("503:nan", "expected a share from 0 to 1"),
        ("503:0.1,503:0.1", "503 is given twice"),
    ],
)
def test_bad_chaos_says_why(text: str, message: str) -> None:
    with pytest.raises(InvalidChaos, match=message):
        parse_chaos(text)


@given(st.integers(0, MAX_LATENCY_MS), st.integers(0, MAX_LATENCY_MS))
def test_latency_is_one_value_or_an_ordered_range(low: int, high: int) -> None:
    assert parse_latency(str(low)) == (low, low)
    if low <= high:
        assert parse_latency(f"{low}-{high}") == (low, high)
    else:
        with pytest.raises(InvalidChaos, match=f"{low} is above {high}"):
            parse_latency(f"{low}-{high}")


@pytest.mark.parametrize("text", ["", "fast", "-5", "5-", "1-2-3", str(MAX_LATENCY_MS + 1)])
def test_bad_latency_is_refused(text: str) -> None:
    with pytest.raises(InvalidChaos):
        parse_latency(text)


@given(st.integers(0, 2**63 - 1), st.integers(0, 1000), st.integers(0, 1000))
def test_each_delay_is_in_the_range_and_repeats_with_the_seed(
    seed: int, low: int, span: int
) -> None:
    chaos = Chaos(seed, (low, low + span), ())
    delays = [chaos.delay_ms() for _ in range(50)]
    assert all(low <= delay <= low + span for delay in delays)
    chaos.restart()
    assert [chaos.delay_ms() for _ in range(50)] == delays
    again = Chaos(seed, (low, low + span), ())
    assert [again.delay_ms() for _ in range(50)] == delays


@given(st.integers(0, 2**63 - 1), valid_shares())
def test_each_request_gets_the_kind_its_uniform_draw_falls_in(seed: int, shares: Shares) -> None:
    chaos = Chaos(seed, None, shares)
    model = Random(f"chaos/{seed}")
    bounds = list(accumulate(share for _, share in shares))
    for _ in range(100):
        index = bisect.bisect_right(bounds, model.random())
        expected = CHAOS_KINDS[shares[index][0]] if index < len(shares) else None
        assert chaos.fault() == expected


@given(st.integers(0, 2**63 - 1), valid_shares(), st.integers(0, 1000))
def test_the_same_seed_and_requests_get_the_same_faults(
    seed: int, shares: Shares, delay_ms: int
) -> None:
    first = Chaos(seed, None, shares)
    drawn = [first.fault() for _ in range(100)]
    # The latency has its own draws: turning it on changes no fault.
    second = Chaos(seed, (0, delay_ms), shares)
    assert [(second.delay_ms(), second.fault())[1] for _ in range(100)] == drawn
    first.restart()
    assert [first.fault() for _ in range(100)] == drawn


@given(st.integers(0, 2**16), valid_shares())
def test_each_kind_gets_about_its_share(seed: int, shares: Shares) -> None:
    chaos = Chaos(seed, None, shares)
    draws = 4_000
    drawn = [chaos.fault() for _ in range(draws)]
    for kind, share in shares:
        seen = sum(1 for injection in drawn if injection == CHAOS_KINDS[kind]) / draws
        # Six standard deviations of a binomial: a fair draw falls outside once in 10^8.
        assert abs(seen - share) <= 6 * (share * (1 - share) / draws) ** 0.5 + 1e-9, kind


def test_a_429_of_chaos_carries_retry_after_like_the_control_apis() -> None:
    error = CHAOS_KINDS["429"].error()
    assert (error.status, error.code, dict(error.headers)) == (
        429,
        "rate_limited",
        {"Retry-After": "1"},
    )


async def test_chaos_fails_the_api_without_the_control_api(make_client: AppFactory) -> None:
    client = await make_client(control=False, chaos=(("503", 1.0),))
    response = await client.get(AUDIT_LOG)
    assert response.status == 503
    assert (await response.json())["error"]["code"] == "unavailable"


async def test_chaos_and_latency_spare_the_control_api(make_client: AppFactory) -> None:
    client = await make_client(chaos=(("reset", 1.0),), latency_ms=(5_000, 5_000))
    status, body = await call(client, "GET", "health", "getHealth")
    assert (status, body) == (200, {"status": "ok"})


async def test_the_journal_marks_what_chaos_failed(
    make_client: AppFactory, small_world: World
) -> None:
    client = await make_client(chaos=(("429", 0.5),))
    headers = admin_of(small_world)
    statuses = [(await client.get(AUDIT_LOG, headers=headers)).status for _ in range(20)]
    _, journal = await call(client, "GET", "requests", "listRequests")
    marks = [(r["status"], r["faulted"], r["fault"]) for r in journal["data"]]
    expected = {200: (200, False, None), 429: (429, True, FaultKind.STATUS.value)}
    assert marks == [expected[status] for status in statuses]
    assert set(statuses) == {200, 429}
