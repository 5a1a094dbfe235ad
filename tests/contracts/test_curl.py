"""Reproductions as curl commands: they run as printed, and no key given ever shows in them."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.client import Auth, Client, Request
from contracts.curl import double_quoted, for_request, redact, render
from contracts.settings import Role, Settings

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
