"""Parameter validation follows the spec's schemas, for every value."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from urllib.parse import parse_qsl, quote, unquote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import MultiDict

from mockserver.spec.loader import load_spec
from mockserver.spec.operations import operation_table
from mockserver.spec.validation import InvalidParameter, QueryValidator, encoding_problem

INT64_MAX = 2**63 - 1
AUDIT_LOG = QueryValidator(operation_table(load_spec())["listAuditLogEntries"].definition)


def validate(*pairs: tuple[str, str]) -> dict[str, object]:
    return AUDIT_LOG.validate(MultiDict(pairs))


def rejected(name: str, *pairs: tuple[str, str]) -> InvalidParameter:
    with pytest.raises(InvalidParameter) as caught:
        validate(*pairs)
    error = caught.value
    assert error.parameter == name
    assert error.message.startswith(f"{name}:"), "the message names the parameter"
    return error


def test_the_validated_parameters_are_the_specs() -> None:
    assert AUDIT_LOG.names == ["action", "userId", "since", "limit"]


def test_limit_defaults_to_50_and_nothing_else_is_set() -> None:
    assert validate() == {"limit": 50}


@given(st.integers(1, 200))
def test_limit_in_range_is_accepted(limit: int) -> None:
    assert validate(("limit", str(limit)))["limit"] == limit


@given(st.integers(max_value=0) | st.integers(min_value=201))
def test_limit_out_of_range_is_rejected_not_clamped(limit: int) -> None:
    rejected("limit", ("limit", str(limit)))


@given(st.integers(0, INT64_MAX))
def test_since_in_int64_range_is_accepted(since: int) -> None:
    assert validate(("since", str(since)))["since"] == since


@given(st.integers(max_value=-1) | st.integers(min_value=INT64_MAX + 1))
def test_since_negative_or_above_int64_is_rejected(since: int) -> None:
    rejected("since", ("since", str(since)))


NOT_INTEGERS = st.text().filter(lambda s: not s.isascii() or not s.lstrip("-").isdigit())


@given(st.sampled_from(["since", "limit"]), NOT_INTEGERS)
def test_integer_parameters_reject_anything_but_digits(name: str, text: str) -> None:
    rejected(name, (name, text))


@pytest.mark.parametrize(
    "text",
    ["1e3", "0x10", " 5", "5 ", "+5", "5.0", "", "\u0661\u0662", "\uff15", "1_000", "9" * 10_000],
)
@pytest.mark.parametrize("name", ["since", "limit"])
def test_integer_lookalikes_are_rejected(name: str, text: str) -> None:
    error = rejected(name, (name, text))
    assert len(error.message) < 200, "a huge value is not echoed in full"


@given(st.sampled_from(["action", "userId"]), st.text(min_size=1, max_size=100))
def test_strings_of_1_to_100_characters_are_accepted(name: str, text: str) -> None:
    assert validate((name, text))[name] == text


@given(st.sampled_from(["action", "userId"]), st.just("") | st.text(min_size=101, max_size=300))
def test_empty_or_overlong_strings_are_rejected(name: str, text: str) -> None:
    rejected(name, (name, text))


@given(st.sampled_from(["action", "userId", "since", "limit"]), st.integers(2, 5))
def test_a_parameter_given_more_than_once_is_rejected(name: str, times: int) -> None:
    error = rejected(name, *[(name, "10")] * times)
    assert f"{times} times" in error.message


@given(
    st.dictionaries(
        st.text(min_size=1).filter(lambda n: n not in AUDIT_LOG.names), st.text(), max_size=5
    )
)
def test_unknown_parameters_are_ignored(extra: dict[str, str]) -> None:
    assert validate(*extra.items()) == {"limit": 50}


# Query strings as clients send them: known and unknown names, percent-encoded or
# not, repeated, empty, with stray separators.
_NAMES = st.sampled_from([*AUDIT_LOG.names, "other", "li%6Dit", "act+ion"])
_VALUES = st.one_of(
    st.integers(-(2**64), 2**64).map(str),
    st.text(max_size=120),
    st.text(alphabet="%2AFz09+&=;", max_size=12),
)
_PAIRS = st.lists(st.tuples(_NAMES, _VALUES), max_size=6)


def _encoded(value: str, encode: bool) -> str:
    return quote(value, safe="") if encode else value.replace("&", "").replace("#", "")


@given(_PAIRS, st.booleans())
def test_a_raw_query_string_gets_the_answer_of_its_decoded_parameters(
    pairs: list[tuple[str, str]], encode: bool
) -> None:
    """The server validates the query string as sent; the answer is that of what it means."""
    raw = "&".join(f"{name}={_encoded(value, encode)}" for name, value in pairs)
    decoded = MultiDict(parse_qsl(raw, keep_blank_values=True))

    def outcome(check: Callable[[], Mapping[str, object]]) -> object:
        try:
            return dict(check())
        except InvalidParameter as error:
            return (error.parameter, error.message)

    no_text = [
        unquote_plus(name)
        for name, _, value in (pair.partition("=") for pair in raw.split("&"))
        if unquote_plus(name) in AUDIT_LOG.names and not _is_text(value)
    ]
    if no_text:
        # A value that is no text is refused before anything is read from the rest.
        for _ in range(2):
            with pytest.raises(InvalidParameter) as refused:
                AUDIT_LOG.validate_query_string(raw)
            assert refused.value.parameter == no_text[0]
        return
    expected = outcome(lambda: AUDIT_LOG.validate(decoded))
    assert outcome(lambda: AUDIT_LOG.validate_query_string(raw)) == expected
    assert outcome(lambda: AUDIT_LOG.validate_query_string(raw)) == expected, "asked again"


def _is_text(raw: str) -> bool:
    """Whether a raw query value is percent-encoded UTF-8 text without NUL, by the
    standard library's reading of it (the oracle of the validator's own)."""
    if re.search("%(?![0-9A-Fa-f]{2})", raw):
        return False
    try:
        text = unquote_plus(raw, errors="strict")
    except UnicodeDecodeError:
        return False
    return "\x00" not in text


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("%zz", "'%' starts no escape"),
        ("%", "'%' starts no escape"),
        ("a%2", "'%' starts no escape"),
        ("%C0%AF", "UTF-8"),
        ("%FF", "UTF-8"),
        ("%E2%82", "UTF-8"),
        ("%ED%A0%80", "UTF-8"),
        ("%00", "NUL"),
        ("a%00b", "NUL"),
        ("a\x00", "NUL"),
    ],
)
def test_a_value_that_is_no_text_is_refused_naming_the_parameter(value: str, why: str) -> None:
    for name in AUDIT_LOG.names:
        with pytest.raises(InvalidParameter) as refused:
            AUDIT_LOG.validate_query_string(f"limit=5&{name}={value}")
        assert refused.value.parameter == name
        assert refused.value.message.startswith(f"{name}: ")
        assert why in refused.value.reason


@pytest.mark.parametrize(
    "value",
    ["%E2%82%AC", "a+b", "%2B", "%25zz", "caf%C3%A9", "%F0%9F%98%80", "a%0Ab", "%7F", "%C2%85"],
)
def test_percent_encoded_utf8_is_text(value: str) -> None:
    assert encoding_problem(value) is None
    assert AUDIT_LOG.validate_query_string(f"action={value}")["action"] == unquote_plus(value)


@given(
    st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=30)
)
def test_any_text_encoded_is_accepted_and_a_nul_refused(text: str) -> None:
    assert encoding_problem(quote(text, safe="")) is None
    assert encoding_problem(quote(text + "\x00", safe="")) is not None


@given(st.binary(min_size=1, max_size=12))
def test_bytes_are_accepted_exactly_when_they_are_utf8_text(data: bytes) -> None:
    try:
        text: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    is_text = text is not None and "\x00" not in text
    assert (encoding_problem(quote(data, safe="")) is None) == is_text


def test_control_characters_but_nul_are_text_as_the_schema_allows() -> None:
    """The spec allows any string: schemathesis's positive-data check sends such values."""
    for char in ("\t", "\n", "\x1f", "\x7f", "\x85"):
        assert (
            AUDIT_LOG.validate_query_string("userId=" + quote("a" + char))["userId"] == "a" + char
        )


def test_unknown_parameters_are_not_looked_at() -> None:
    assert AUDIT_LOG.validate_query_string("other=%zz&x=%00&y=%FF") == {"limit": 50}


def test_a_kept_answer_is_shared_and_read_only() -> None:
    first = AUDIT_LOG.validate_query_string("limit=7&action=x")
    assert AUDIT_LOG.validate_query_string("limit=7&action=x") is first
    with pytest.raises(TypeError):
        first["limit"] = 8  # type: ignore[index]
