"""Choices for one entry, taken from the digits of one random integer.

An entry of a generated log is rendered lazily, whenever a query first returns it, and
must read the same each time: its few random choices (the metadata's values) come from
one integer drawn for that entry. Seeding a `random.Random` per entry costs microseconds;
an integer of 64 random bits costs nothing and holds far more than those few choices.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


class Draws:
    """Choices taken in turn from the digits of one random integer.

    >>> draws = Draws(0b1011)
    >>> draws.below(2), draws.below(2), draws.below(4)
    (1, 1, 2)
    """

    __slots__ = ("_bits",)

    def __init__(self, bits: int) -> None:
        self._bits = bits

    def below(self, bound: int) -> int:
        """A value from 0 to bound-1."""
        self._bits, value = divmod(self._bits, bound)
        return value

    def choice(self, options: Sequence[T]) -> T:
        return options[self.below(len(options))]

    def randint(self, low: int, high: int) -> int:
        """A value from low to high, both included."""
        return low + self.below(high - low + 1)

    def sample(self, options: Sequence[T], count: int) -> list[T]:
        """`count` different options, in the order drawn."""
        pool = list(options)
        return [pool.pop(self.below(len(pool))) for _ in range(count)]

    def weighted(self, options: Sequence[T], table: bytes) -> T:
        """An option drawn through a table of option indexes, each cell equally likely.

        With a `weighted_table` of 256 cells, option i comes up in proportion to its weight.
        """
        return options[table[self.below(len(table))]]
