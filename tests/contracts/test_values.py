"""The parsers of option values: what each takes, and what each refuses and how it says so."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts import values
from contracts.values import Invalid, Refused

TOKENS = st.from_regex(r"[A-Za-z0-9!#$&'*+.^_`|~-]{1,20}", fullmatch=True).filter(
    lambda name: name.lower() not in ("authorization", "content-length", "transfer-encoding")
)
HEADER_VALUES = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E) | st.just("\t"), max_size=30
).map(lambda value: value.strip(" \t"))


@given(st.integers(-(2**70), 2**70), st.integers(-100, 100), st.integers(0, 100))
def test_whole_numbers_are_taken_within_their_bounds(value: int, low: int, span: int) -> None:
    parse = values.whole_number(low, low + span, "in range")
    if low <= value <= low + span:
        assert parse(str(value)) == value
    else:
        with pytest.raises(Invalid) as raised:
            parse(str(value))
        assert raised.value.line("--n", str(value), secret=False) == (
            f"--n must be a whole number, in range, got {value}"
        )


@pytest.mark.parametrize("text", ["", "1.5", "ten", "1e3", "0x10"])
def test_a_whole_number_is_digits(text: str) -> None:
    with pytest.raises(Invalid):
        values.whole_number(0, None, "0 or more")(text)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_numbers_above_the_low_bound_and_finite(value: float) -> None:
    above = values.number(0, 600, "seconds", low_included=False)
    from_zero = values.number(0, 600, "seconds", low_included=True)
    if math.isfinite(value) and 0 < value <= 600:
        assert above(repr(value)) == value
    else:
        with pytest.raises(Invalid):
            above(repr(value))
    if value == 0:
        assert from_zero(repr(value)) == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080",
        "https://staging.example.com/gateway",
        "https://staging.example.com/gateway/v2/",
        "http://[::1]:9000/api",
    ],
)
def test_a_base_url_may_carry_a_path_prefix(url: str) -> None:
    assert values.http_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "127.0.0.1:8080",
        "ftp://example.com",
        "http://",
        "https://example.com/gateway?tenant=1",
        "https://example.com/gateway#top",
        "https://example.com/?",
        "https://user:secret@example.com",
        "https://example.com:99999",
        "https://example.com:0",
        "https://example.com/a b",
    ],
)
def test_a_base_url_without_a_host_or_with_a_query_fragment_or_password_is_refused(
    url: str,
) -> None:
    with pytest.raises(Invalid) as raised:
        values.http_url(url)
    assert "http(s) URL" in raised.value.line("--base-url", url, secret=False)


@given(TOKENS, HEADER_VALUES, st.sampled_from(["", " ", "  ", "\t"]))
def test_a_header_is_a_token_name_and_a_value(name: str, value: str, space: str) -> None:
    assert values.header(f"{name}:{space}{value}") == (name, value)


@pytest.mark.parametrize(
    ("text", "got"),
    [
        ("X-Key secret", "no ':'"),
        ("X Key: secret", "the name 'X Key'"),
        (": secret", "the name ''"),
        ("X-Key: line\rnext", "a control character"),
        ("X-Key: nul\x00", "a control character"),
    ],
)
def test_a_malformed_header_is_refused_without_showing_its_value(text: str, got: str) -> None:
    with pytest.raises(Invalid) as raised:
        values.header(text)
    line = raised.value.line("--header", text, secret=True)
    assert line.endswith(f"got {got}")
    assert "secret" not in line


@pytest.mark.parametrize("name", ["Authorization", "authorization", "Content-Length"])
def test_headers_the_suite_sets_itself_are_refused(name: str) -> None:
    with pytest.raises(Refused) as raised:
        values.header(f"{name}: x")
    assert raised.value.line("--header", "", secret=True) == (
        f"--header: {name} is set by the suite itself; it cannot be sent on every request"
    )


@pytest.mark.parametrize("text", ["a key", "key\n", "tab\tkey", "nul\x00"])
def test_a_key_with_spaces_or_control_characters_is_refused_unseen(text: str) -> None:
    with pytest.raises(Invalid) as raised:
        values.api_key(text)
    assert raised.value.line("CONTRACT_ADMIN_KEY", text, secret=True) == (
        "CONTRACT_ADMIN_KEY must be a key without spaces or control characters, "
        "got a value not shown here"
    )


@pytest.mark.parametrize(
    ("text", "on"), [*((word, True) for word in values.ON), *((w, False) for w in values.OFF)]
)
def test_a_switch_reads_on_and_off_words_in_any_case(text: str, on: bool) -> None:
    assert values.switch(text) is on
    assert values.switch(text.upper()) is on


def test_a_switch_refuses_other_words() -> None:
    with pytest.raises(Invalid):
        values.switch("maybe")


def test_an_existing_path_must_exist(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("x")
    assert values.existing_path(str(tmp_path / "ca.pem")) == tmp_path / "ca.pem"
    with pytest.raises(Invalid) as raised:
        values.existing_path(str(tmp_path / "absent.pem"))
    assert "which does not exist" in raised.value.line("--ca-bundle", "", secret=False)
