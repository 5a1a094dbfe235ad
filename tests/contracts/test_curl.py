"""Reproductions as curl commands: they run as printed, and no key given ever shows in them."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.client import Auth, Client, Request
from contracts.curl import (
    INCIDENTAL_HEADERS,
    double_quoted,
    for_request,
    header_variable,
    redact,
    redact_result,
    render,
)
from contracts.outcome import CheckResult, Finding, Status
from contracts.settings import Connection, Role, Settings

ADMIN_KEY = "alk_a_6435a5d56d7c5f50f5ab51bfdf203602"
MEMBER_KEY = "alk_m_dd88877101aaa7ad9722b2444f031484"
SETTINGS = Settings(
    base_url="http://127.0.0.1:8080", admin_key=ADMIN_KEY, member_key=MEMBER_KEY, seed=1
)
# Keys as implementations make them: letters, digits, `_` and `-`, never a placeholder's `$`.
keys = st.text("abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=8, max_size=40)


needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


@needs_bash
@settings(max_examples=30, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_characters="$\x00")))
def test_a_double_quoted_text_reads_back_the_same_in_the_shell(text: str) -> None:
    echoed = subprocess.run(
        ["bash", "-c", f"printf %s {double_quoted(text)}"], capture_output=True, check=True
    )
    assert echoed.stdout.decode() == text


@needs_bash
def test_a_placeholder_in_double_quotes_expands_to_its_variable() -> None:
    command = f"printf %s {double_quoted('Bearer $CONTRACT_ADMIN_KEY')}"
    echoed = subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        check=True,
        text=True,
        env={**os.environ, "CONTRACT_ADMIN_KEY": "the-key"},
    )
    assert echoed.stdout == "Bearer the-key"


def test_a_request_by_key_is_reproduced_with_the_keys_variable() -> None:
    request = Request(
        "GET", "/api/v1/audit-log", (("userId", "u 1"),), Client(SETTINGS).bearer(Role.ADMIN)
    )
    command = for_request(SETTINGS.base_url, request)
    assert command == (
        'curl -sS -i -H "Authorization: Bearer $CONTRACT_ADMIN_KEY" '
        "'http://127.0.0.1:8080/api/v1/audit-log?userId=u%201'"
    )
    assert ADMIN_KEY not in command


def test_a_request_without_credentials_sends_no_authorization() -> None:
    request = Request("GET", "/api/v1/project", (), Auth.none())
    assert for_request("http://h", request) == "curl -sS -i http://h/api/v1/project"


@pytest.mark.parametrize(
    ("method", "flags"), [("GET", []), ("HEAD", ["--head"]), ("DELETE", ["-X", "DELETE"])]
)
def test_the_method_is_written_the_way_curl_takes_it(method: str, flags: list[str]) -> None:
    argv = shlex.split(render(method, "http://h/p", authorization=None))
    assert argv == ["curl", "-sS", "-i", *flags, "http://h/p"]


def test_headers_that_change_the_answer_are_kept_and_incidental_ones_left_out() -> None:
    command = render(
        "POST",
        "http://h/p?a=1&b=2",
        authorization="Bearer $CONTRACT_MEMBER_KEY",
        headers={
            "User-Agent": "schemathesis",
            "Accept": "*/*",
            "authorization": "Bearer leaked",
            "X-Request-Id": "it's 1",
        },
        body=b'{"a": 1}',
    )
    assert shlex.split(command) == [
        *("curl", "-sS", "-i", "-X", "POST"),
        *("-H", "Authorization: Bearer $CONTRACT_MEMBER_KEY"),
        *("-H", "X-Request-Id: it's 1"),
        *("--data-binary", '{"a": 1}'),
        "http://h/p?a=1&b=2",
    ]


@given(st.dictionaries(st.sampled_from(list(Role)), keys, min_size=1), st.text())
def test_redact_leaves_no_key_in_any_text(given_keys: dict[Role, str], filler: str) -> None:
    redacted = redact(filler + filler.join(given_keys.values()) + filler, given_keys)
    for key in given_keys.values():
        assert key not in redacted


def test_a_key_that_contains_another_is_replaced_whole() -> None:
    given_keys = {Role.ADMIN: "abcdefgh", Role.MEMBER: "abcdefgh-longer"}
    assert redact("x abcdefgh-longer y", given_keys) == "x $CONTRACT_MEMBER_KEY y"


def test_an_empty_key_redacts_nothing() -> None:
    assert redact("text", {Role.OTHER_ADMIN: ""}) == "text"


header_names = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,20}", fullmatch=True).filter(
    lambda name: name.lower() not in INCIDENTAL_HEADERS | {"authorization"}
)
header_values = st.text(
    st.characters(codec="ascii", min_codepoint=33, max_codepoint=126), min_size=4, max_size=40
)


@pytest.mark.parametrize(
    ("name", "variable"),
    [
        ("X-Gateway-Key", "CONTRACT_HEADER_X_GATEWAY_KEY"),
        ("x-tenant", "CONTRACT_HEADER_X_TENANT"),
        ("Ocp-Apim-Subscription-Key", "CONTRACT_HEADER_OCP_APIM_SUBSCRIPTION_KEY"),
    ],
)
def test_a_connection_header_is_named_by_its_variable(name: str, variable: str) -> None:
    assert header_variable(name) == variable


def test_a_connection_header_is_reproduced_with_its_variable_in_double_quotes() -> None:
    request = Request("GET", "/p", (), Auth.none(), headers=("X-Gateway-Key",))
    assert for_request("https://h/gateway", request) == (
        'curl -sS -i -H "X-Gateway-Key: $CONTRACT_HEADER_X_GATEWAY_KEY" https://h/gateway/p'
    )


@given(st.dictionaries(header_names, header_values, min_size=1, max_size=3))
def test_a_rendered_request_never_shows_a_hidden_headers_value(headers: dict[str, str]) -> None:
    command = render("GET", "http://h/p", authorization=None, headers=headers, hidden=list(headers))
    for name, value in headers.items():
        assert value not in command
        assert f"${header_variable(name)}" in command


@given(
    st.lists(
        st.tuples(header_names, header_values),
        min_size=1,
        max_size=3,
        unique_by=lambda h: h[0].lower(),
    ),
    st.text(),
)
def test_no_result_keeps_a_header_value_or_a_key_in_any_text(
    headers: list[tuple[str, str]], filler: str
) -> None:
    run = replace(SETTINGS, connection=Connection(headers=tuple(headers)))
    secrets = [ADMIN_KEY, MEMBER_KEY, *(value for _, value in headers)]
    leak = filler + filler.join(secrets) + filler
    finding = Finding(leak, leak, curl=leak, response=leak)
    result = redact_result(CheckResult("c", "summary", Status.FAILED, leak, (finding,)), run)
    texts = [
        result.reason,
        *(f for x in result.findings for f in (x.expected, x.got, x.curl, x.response)),
    ]
    for text in texts:
        assert text is not None
        for secret in secrets:
            assert secret not in text
