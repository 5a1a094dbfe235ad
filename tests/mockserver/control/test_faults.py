"""The fault table: first added, first matched; each fault used exactly `count` times."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.api.injection import FaultKind
from mockserver.control.faults import FaultTable, InvalidFault

PATHS = ["/a", "/b"]


@given(
    faults=st.lists(
        st.tuples(st.sampled_from(PATHS), st.sampled_from(["GET", "*"]), st.integers(1, 4)),
        max_size=6,
    ),
    requests=st.lists(st.sampled_from(PATHS), max_size=30),
)
def test_each_fault_fails_exactly_its_count_in_the_order_added(
    faults: list[tuple[str, str, int]], requests: list[str]
) -> None:
    table = FaultTable()
    model: list[list[Any]] = []  # [id, path, uses left], in the order added
    for path, method, count in faults:
        fault = table.add({"path": path, "method": method, "count": count, "status": 503})
        model.append([fault.id, path, count])
    for path in requests:
        taken = table.take("GET", path)
        expected = next((entry for entry in model if entry[1] == path and entry[2] > 0), None)
        assert (taken and taken.id) == (expected and expected[0])
        if expected is not None:
            expected[2] -= 1
    assert [fault.id for fault in table.active()] == [e[0] for e in model if e[2] > 0]


def test_the_method_must_match_unless_it_is_a_star() -> None:
    table = FaultTable()
    table.add({"path": "/a", "method": "POST", "status": 500})
    assert table.take("GET", "/a") is None
    assert table.take("POST", "/a") is not None


def test_a_429_gets_a_retry_after_and_the_envelope() -> None:
    error = FaultTable().add({"path": "/a", "status": 429}).error()
    assert (error.status, error.code, dict(error.headers)) == (
        429,
        "rate_limited",
        {"Retry-After": "1"},
    )
    assert "Retry after 1 seconds" in error.message


@pytest.mark.parametrize(
    "body",
    [
        {"path": "/a"},
        {"path": "/a", "status": 500, "drop": True},
        {"path": "/a", "retryAfter": 1, "drop": True},
        {"path": "/__mock/clock", "status": 500},
        {"path": "/a", "kind": "truncated", "status": 500},
        {"path": "/a", "kind": "reset", "drop": True},
        {"path": "/a", "kind": "slow"},
        {"path": "/a", "kind": "truncated", "slowMs": 5},
        {"path": "/a", "slowMs": 5},
        {"path": "/a", "kind": "malformed", "retryAfter": 1},
    ],
)
def test_faults_that_mean_nothing_or_two_things_are_refused(body: dict[str, object]) -> None:
    with pytest.raises(InvalidFault):
        FaultTable().add(body)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ({"status": 503}, FaultKind.STATUS),
        ({"delayMs": 5}, FaultKind.DELAY),
        ({"drop": True}, FaultKind.DROP),
        ({"kind": "reset"}, FaultKind.RESET),
        ({"kind": "truncated", "delayMs": 5}, FaultKind.TRUNCATED),
        ({"kind": "malformed"}, FaultKind.MALFORMED),
        ({"kind": "slow", "slowMs": 300}, FaultKind.SLOW),
    ],
)
def test_each_fault_has_one_kind_shown_with_its_settings(
    body: dict[str, object], kind: FaultKind
) -> None:
    fault = FaultTable().add({"path": "/a", **body})
    assert fault.kind is kind
    shown = fault.to_dict()
    assert shown["kind"] == kind.value
    assert shown["drop"] is (kind is FaultKind.DROP)
    assert shown.get("slowMs") == body.get("slowMs")
    assert shown.get("delayMs") == body.get("delayMs")
