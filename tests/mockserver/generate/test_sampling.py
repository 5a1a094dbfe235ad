"""Bulk draws: the tables, the per-code selection and the apportioning keep their promises."""

from __future__ import annotations

from collections import Counter
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.generate.sampling import (
    CELLS,
    apportion,
    select,
    uniform_table,
    weighted_table,
)

weights = st.dictionaries(
    st.integers(0, 255), st.floats(0.01, 1000, allow_nan=False), min_size=1, max_size=40
)


@given(weights)
def test_a_table_gives_each_outcome_its_share_of_the_cells(table_weights: dict[int, float]) -> None:
    table = weighted_table(table_weights)
    assert len(table) == CELLS
    cells = Counter(table)
    assert set(cells) == set(table_weights), "every outcome has a cell, and nothing else does"
    total = sum(table_weights.values())
    forced = sum(1 for w in table_weights.values() if CELLS * w / total < 1)
    for code, weight in table_weights.items():
        # Largest remainder is within one cell of the exact share, plus the cells that
        # outcomes too rare for a whole cell were given.
        assert abs(cells[code] - CELLS * weight / total) < 1 + forced


def test_zero_weights_get_no_cell_and_bad_weights_are_refused() -> None:
    assert set(weighted_table({1: 1.0, 2: 0.0})) == {1}
    with pytest.raises(ValueError):
        weighted_table({1: 0.0})
    with pytest.raises(ValueError):
        weighted_table({256: 1.0})


def test_a_uniform_table_is_as_even_as_256_cells_allow() -> None:
    for count in (1, 3, 7, 9, 256):
        cells = Counter(uniform_table(count)).values()
        assert len(cells) == count and max(cells) - min(cells) <= 1


@given(st.binary(max_size=300), st.data())
def test_select_takes_each_byte_from_the_table_of_its_code(
    codes: bytes, data: st.DataObject
) -> None:
    noise = data.draw(st.binary(min_size=len(codes), max_size=len(codes)))
    tables = data.draw(
        st.dictionaries(st.integers(0, 255), st.binary(min_size=256, max_size=256), max_size=5)
    )
    expected = bytes(tables[c][n] if c in tables else 0 for c, n in zip(codes, noise, strict=True))
    assert select(codes, tables, noise) == expected


@given(
    st.integers(0, 10**7),
    st.lists(st.integers(0, 10**6), min_size=1, max_size=300).filter(any),
    st.integers(0, 2**32),
)
def test_apportion_rounds_each_share_down_or_up_and_keeps_the_total(
    total: int, shares: list[int], seed: int
) -> None:
    parts = apportion(total, shares, Random(seed))
    assert sum(parts) == total
    whole = sum(shares)
    for part, share in zip(parts, shares, strict=True):
        assert total * share // whole <= part <= -(-total * share // whole)


def test_apportion_is_right_on_average() -> None:
    """Rounding up happens as often as the dropped fraction says: 1/3 each, here."""
    rng = Random(5)
    firsts = Counter(tuple(apportion(1, [1, 1, 1], rng)) for _ in range(3000))
    assert set(firsts) == {(1, 0, 0), (0, 1, 0), (0, 0, 1)}
    assert all(900 < count < 1100 for count in firsts.values())
