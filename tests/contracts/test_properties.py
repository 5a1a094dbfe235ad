"""Running a rule over generated inputs: seeded, shrunk to the smallest violation, never flaky."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st

from contracts.client import Client, Unreachable
from contracts.context import Context
from contracts.outcome import Violation
from contracts.properties import for_all
from contracts.settings import Settings

REPEATED = "(the same request gave different answers when repeated)"


def context(seed: int = 1, max_examples: int = 30) -> Context:
    settings = Settings(
        base_url="http://127.0.0.1:1",
        admin_key="a",
        member_key="m",
        seed=seed,
        max_examples=max_examples,
    )
    return Context(settings, Client(settings), Violation("nothing", "discovered"))


def drawn(ctx: Context, name: str) -> list[int]:
    values: list[int] = []
    for_all(ctx, name, st.integers(0, 10**6), values.append)
    return values


def test_a_rule_that_holds_is_tried_on_up_to_max_examples_values() -> None:
    values = drawn(context(max_examples=30), "rule")
    assert 0 < len(values) <= 30


def test_the_same_seed_and_name_draw_the_same_values_and_others_differ() -> None:
    assert drawn(context(seed=5), "rule") == drawn(context(seed=5), "rule")
    assert drawn(context(seed=5), "rule") != drawn(context(seed=6), "rule")
    assert drawn(context(seed=5), "rule") != drawn(context(seed=5), "other rule")


def test_a_broken_rule_raises_the_violation_of_the_smallest_input() -> None:
    def rule(value: int) -> None:
        if value >= 1_000:
            raise Violation("values under 1000", str(value))

    with pytest.raises(Violation) as raised:
        for_all(context(max_examples=200), "rule", st.integers(0, 10**6), rule)
    assert raised.value.got == "1000"


def test_a_violation_that_does_not_happen_again_is_reported_as_inconsistent() -> None:
    seen: list[int] = []

    def rule(value: int) -> None:
        seen.append(value)
        if len(seen) == 1:
            raise Violation("the same page", "another page")

    with pytest.raises(Violation) as raised:
        for_all(context(), "rule", st.integers(), rule)
    assert raised.value.expected == "the same page " + REPEATED
    assert raised.value.got == "another page"


def test_a_server_that_stops_answering_once_is_reported_as_unreachable() -> None:
    seen: list[int] = []

    def rule(value: int) -> None:
        seen.append(value)
        if len(seen) == 1:
            raise Unreachable("GET http://127.0.0.1:1/: refused")

    with pytest.raises(Unreachable, match="refused"):
        for_all(context(), "rule", st.integers(), rule)
