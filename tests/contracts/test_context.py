"""What a check is given: the data it needs, or why there is none."""

from __future__ import annotations

import pytest

from contracts.client import Auth, Client, Exchange, Request, Response
from contracts.context import Check, Context
from contracts.discovery import Dataset
from contracts.model import Page, Query
from contracts.outcome import Skip, Violation
from contracts.settings import Settings
from contracts.window import Window

SETTINGS = Settings(base_url="http://127.0.0.1:1", admin_key="a", member_key="m", seed=1)
EXCHANGE = Exchange(SETTINGS.base_url, Request("GET", "/", (), Auth.none()), Response(500, {}, b""))


def context(discovered: Dataset | Violation) -> Context:
    return Context(SETTINGS, Client(SETTINGS), discovered)


def dataset(*entries: dict[str, object]) -> Dataset:
    page = Page(tuple(entries), len(entries), False, EXCHANGE)
    return Dataset((Window(Query(), page),), page)


def test_the_data_read_is_given_as_it_is() -> None:
    data = dataset({"id": "e1", "action": "a", "userId": "u", "timestamp": 1})
    assert context(data).data() is data


def test_an_unreadable_log_fails_a_check_that_needs_it_with_the_reason() -> None:
    unread = Violation("200", "500 Internal Server Error", EXCHANGE)
    with pytest.raises(Violation) as raised:
        context(unread).data()
    assert raised.value.expected == "a readable audit log to compare with (200)"
    assert raised.value.got == "500 Internal Server Error"
    assert raised.value.exchange is EXCHANGE


def test_an_empty_log_skips_a_check_that_needs_entries() -> None:
    with pytest.raises(Skip, match="empty"):
        context(dataset()).data()


def test_a_check_belongs_to_the_group_its_name_starts_with() -> None:
    def run(ctx: Context) -> None:
        return None

    assert Check("audit.tie-order", "Ties by id.", run).group == "audit"
    assert Check("plain", "No group.", run).group == "plain"
