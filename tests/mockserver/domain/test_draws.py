"""One entry's choices: in range, repeatable from the same bits, spread over every option."""

from __future__ import annotations

from collections import Counter
from random import Random

from hypothesis import given
from hypothesis import strategies as st

from mockserver.domain.draws import Draws
from mockserver.generate.sampling import weighted_table


@given(st.integers(0, 2**64), st.lists(st.integers(1, 50), min_size=1, max_size=8))
def test_draws_are_in_range_and_the_same_for_the_same_bits(bits: int, bounds: list[int]) -> None:
    first, again = Draws(bits), Draws(bits)
    values = [first.below(bound) for bound in bounds]
    assert values == [again.below(bound) for bound in bounds]
    assert all(0 <= value < bound for value, bound in zip(values, bounds, strict=True))


@given(st.integers(0, 2**64), st.integers(0, 8))
def test_a_sample_has_distinct_options(bits: int, count: int) -> None:
    options = list("abcdefgh")
    sample = Draws(bits).sample(options, count)
    assert len(sample) == len(set(sample)) == count and set(sample) <= set(options)


@given(st.integers(0, 2**64), st.integers(-5, 5), st.integers(0, 9))
def test_randint_includes_both_ends(bits: int, low: int, span: int) -> None:
    assert low <= Draws(bits).randint(low, low + span) <= low + span


def test_draws_spread_over_every_option() -> None:
    rng = Random(3)
    seen = Counter(Draws(rng.getrandbits(64)).randint(3, 5) for _ in range(600))
    assert set(seen) == {3, 4, 5}
    table = weighted_table({0: 3, 1: 1})
    picked = Counter(Draws(rng.getrandbits(64)).weighted("ab", table) for _ in range(4000))
    assert 2800 < picked["a"] < 3200


def test_a_weighted_draw_reads_the_cell_its_bits_name() -> None:
    table = bytes([0] * 255 + [1])
    assert Draws(255).weighted("ab", table) == "b"
    assert Draws(254).weighted("ab", table) == "a"
    assert Draws(255 + 256 * 7).weighted("ab", table) == "b", "only the lowest digit is used"
