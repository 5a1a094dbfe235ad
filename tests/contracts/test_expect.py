"""Reading answers: each helper raises a `Violation` only for the rule its caller is about."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.client import Auth, Exchange, Request, Response
from contracts.expect import (
    ERROR_CODES,
    describe_status,
    error_code,
    expect_error,
    expect_status,
    read_json,
    read_page,
    settled,
)
from contracts.outcome import Violation

ENTRY = {"id": "e1", "action": "a.x", "userId": "u1", "entityId": None, "timestamp": 5}


def answer(status: int, body: Any = None, raw: bytes | None = None) -> Exchange:
    content = raw if raw is not None else json.dumps(body).encode()
    response = Response(status, {"Content-Type": "application/json"}, content)
    return Exchange("http://127.0.0.1:1", Request("GET", "/", (), Auth.none()), response)


def envelope(code: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": "no"}}


def test_a_status_is_described_with_its_phrase_and_error_code() -> None:
    assert describe_status(answer(403, envelope("forbidden"))) == "403 Forbidden (forbidden)"
    assert describe_status(answer(200, {"data": []})) == "200 OK"
    assert describe_status(answer(599, raw=b"")) == "599"


@pytest.mark.parametrize(
    "body", [{"error": "forbidden"}, {"error": {"code": 3}}, ["error"], "text", None]
)
def test_a_body_not_shaped_like_the_envelope_has_no_error_code(body: Any) -> None:
    assert error_code(answer(400, body)) is None
    assert error_code(answer(400, raw=b"<html>")) is None


def test_expect_status_names_the_status_expected_and_why() -> None:
    expect_status(answer(200, {}), 200, "a valid request")
    with pytest.raises(Violation) as raised:
        expect_status(answer(500, raw=b"boom"), 200, "a valid request")
    assert (raised.value.expected, raised.value.got) == (
        "200 (a valid request)",
        "500 Internal Server Error",
    )
    assert raised.value.exchange is not None


@given(st.sampled_from(sorted(ERROR_CODES)), st.sampled_from(sorted(ERROR_CODES.values())))
def test_expect_error_holds_the_code_to_its_status(status: int, code: str) -> None:
    exchange = answer(status, envelope(code))
    if code == ERROR_CODES[status]:
        expect_error(exchange, status, "why")
    else:
        with pytest.raises(Violation, match="error code"):
            expect_error(exchange, status, "why")


def test_expect_error_leaves_a_body_without_an_envelope_to_the_envelope_check() -> None:
    expect_error(answer(404, raw=b"Not Found"), 404, "an unknown path")


def test_read_json_calls_a_body_that_is_not_json_a_violation() -> None:
    assert read_json(answer(200, [1])) == [1]
    with pytest.raises(Violation, match="a JSON body"):
        read_json(answer(200, raw=b"{"))


def test_read_page_reads_the_entries_and_keeps_total_and_has_more_as_sent() -> None:
    page = read_page(answer(200, {"data": [ENTRY], "total": "1", "hasMore": None}))
    assert (page.entries, page.total, page.has_more) == ((ENTRY,), "1", None)


@pytest.mark.parametrize(
    ("exchange", "expected"),
    [
        (answer(403, envelope("forbidden")), "200"),
        (answer(200, raw=b"nope"), "a JSON body"),
        (answer(200, [ENTRY]), "a JSON object"),
        (answer(200, {"data": {"id": "e1"}}), "`data` to be an array"),
        (answer(200, {"data": [{**ENTRY, "timestamp": "5"}]}), "entries with"),
    ],
)
def test_read_page_refuses_what_is_not_a_listing(exchange: Exchange, expected: str) -> None:
    with pytest.raises(Violation) as raised:
        read_page(exchange)
    assert raised.value.expected.startswith(expected)


def test_settled_raises_only_what_every_attempt_finds() -> None:
    found = [Violation("a", "b"), None]
    settled(lambda: found.pop(0))
    assert found == []
    always = Violation("same", "every time")
    calls: list[int] = []

    def compare() -> Violation:
        calls.append(1)
        return always

    with pytest.raises(Violation) as raised:
        settled(compare, attempts=4)
    assert raised.value is always
    assert len(calls) == 4
