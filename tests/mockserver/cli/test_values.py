"""The parsers of flag values: what each accepts, and the one line for what it refuses."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.cli import values


def refusal(parse: Callable[[str], Any], text: str) -> str:
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        parse(text)
    message = str(refused.value)
    assert "\n" not in message
    return message


@given(st.integers(-10, 10), st.integers(0, 10), st.integers(-30, 30))
def test_a_bounded_int_takes_exactly_the_integers_in_its_bounds(
    low: int, width: int, value: int
) -> None:
    parse = values.bounded_int(low, low + width)
    if low <= value <= low + width:
        assert parse(str(value)) == value
    else:
        assert refusal(parse, str(value)) == f"expected {low} to {low + width}, got {value}"


@given(st.text().filter(lambda t: not t.strip().lstrip("+-").isdigit()))
def test_a_bounded_int_refuses_what_is_not_an_integer(text: str) -> None:
    assert refusal(values.bounded_int(0, 9), text) == f"expected an integer, got {text!r}"


@given(
    st.datetimes(
        min_value=datetime(1971, 1, 1), max_value=datetime(9000, 1, 1), timezones=st.just(UTC)
    ),
    st.integers(-12, 12),
)
def test_an_instant_is_unix_ms_or_iso_8601_with_a_zone(moment: datetime, hours: int) -> None:
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    expected = int(moment.timestamp() * 1000)
    zoned = moment.astimezone(timezone(timedelta(hours=hours)))
    assert values.instant(zoned.isoformat()) == expected
    assert values.instant(str(expected)) == expected
    naive = zoned.replace(tzinfo=None).isoformat()
    assert refusal(values.instant, naive) == f"give a time zone, for example {naive}Z"


def test_an_instant_refuses_words() -> None:
    assert refusal(values.instant, "yesterday") == (
        "expected Unix milliseconds or an ISO 8601 date-time, got 'yesterday'"
    )
    assert values.instant("2025-01-01T00:00:00Z") == 1_735_689_600_000


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_seconds_are_0_to_a_day(number: float) -> None:
    if 0 <= number <= 86_400:
        assert values.seconds(repr(number)) == number
    else:
        assert refusal(values.seconds, repr(number)).startswith("expected 0 to 86400 seconds")


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_a_rate_is_0_to_the_most_the_activity_generates(number: float) -> None:
    if 0 <= number <= 1_000:
        assert values.rate(repr(number)) == number
    else:
        assert refusal(values.rate, repr(number)) == f"expected 0 to 1000, got {number!r}"


def test_the_clock_is_real_or_frozen_at_an_instant() -> None:
    assert values.clock("real") is None
    assert values.clock("frozen:5") == 5
    assert values.clock("frozen:2030-01-01T00:00:00Z") == 1_893_456_000_000
    for text in ("frozen", "frozen:", "later", "Real"):
        assert refusal(values.clock, text) == f"expected real or frozen:<unix-ms>, got {text!r}"
    assert "ISO 8601" in refusal(values.clock, "frozen:yesterday")


@given(st.text(max_size=40))
def test_a_token_has_at_least_16_characters(text: str) -> None:
    if len(text) >= 16:
        assert values.token(text) == text
    else:
        assert refusal(values.token, text).startswith("use at least 16 characters")


@given(st.sampled_from(values.LOG_LEVELS), st.sampled_from([str.lower, str.upper, str.title]))
def test_a_log_level_is_read_in_any_case(level: str, case: Callable[[str], str]) -> None:
    assert values.log_level(case(level)) == level


def test_a_log_level_refuses_others() -> None:
    assert refusal(values.log_level, "loud") == "expected one of debug, info, warning, error"


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080", "https://api.example.com", "https://a.example/base/"]
)
def test_an_http_url_is_kept_as_written(url: str) -> None:
    assert values.http_url(url) == url


@pytest.mark.parametrize("url", ["ftp://x", "http://", "example.com", "", "http//x", "https://["])
def test_other_urls_are_refused(url: str) -> None:
    assert refusal(values.http_url, url) == f"expected an http:// or https:// URL, got {url!r}"


@given(
    st.sampled_from([*values.ON, *values.OFF]),
    st.sampled_from([str.lower, str.upper]),
    st.sampled_from(["", " ", "\t"]),
)
def test_on_off_words_in_any_case_and_spacing(
    word: str, case: Callable[[str], str], space: str
) -> None:
    assert values.on_off(space + case(word) + space) is (word in values.ON)


def test_on_off_refuses_other_words() -> None:
    assert refusal(values.on_off, " Maybe ") == (
        "expected 1, true, yes, on or 0, false, no, off, got 'maybe'"
    )


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("http://localhost:3000", "http://localhost:3000"),
        ("HTTP://LocalHost:3000/", "http://localhost:3000"),
        ("https://app.example:443", "https://app.example"),
        ("http://app.example:80", "http://app.example"),
        ("http://[::1]:5173", "http://[::1]:5173"),
    ],
)
def test_an_origin_is_written_as_a_browser_sends_it(text: str, origin: str) -> None:
    assert values.origin(text) == origin


@given(
    st.sampled_from(["http", "https"]),
    st.from_regex(r"[a-z][a-z0-9-]{0,10}(\.[a-z][a-z0-9-]{0,10}){0,2}", fullmatch=True),
    st.integers(1, 65_535),
)
def test_any_origin_with_a_port_comes_back_as_given(scheme: str, host: str, port: int) -> None:
    default = {"http": 80, "https": 443}[scheme]
    expected = f"{scheme}://{host}" + ("" if port == default else f":{port}")
    assert values.origin(f"{scheme}://{host}:{port}") == expected
    assert values.origins(f"{scheme}://{host}:{port}, http://b.example") == (
        expected,
        "http://b.example",
    )


@pytest.mark.parametrize(
    "text", ["localhost:3000", "ftp://a.example", "http://a.example/app", "http://u@a", "*", ""]
)
def test_what_is_no_origin_is_refused(text: str) -> None:
    assert refusal(values.origin, text).startswith("expected an origin such as")
