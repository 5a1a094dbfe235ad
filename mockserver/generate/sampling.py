"""Random draws for a million entries at once.

A generated log needs a few random choices per entry. Drawn one by one with
`random.Random`, a million entries take seconds; drawn as random bytes mapped through
a 256-cell table with `bytes.translate`, they take milliseconds. The tables quantize
each weight to 1/256, which is precise enough for proportions in fake data.

The choices of one entry rendered lazily come from `mockserver.domain.draws.Draws`.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Mapping, Sequence
from random import Random

CELLS = 256


def weighted_table(weights: Mapping[int, float]) -> bytes:
    """256 cells, each holding an outcome (a code 0-255) in proportion to its weight.

    Cells are apportioned by largest remainder, and every outcome with a positive
    weight gets at least one, so no rare outcome disappears.

    >>> weighted_table({7: 3, 9: 1}).count(7)
    192
    """
    positive = {code: weight for code, weight in weights.items() if weight > 0}
    if not positive:
        raise ValueError("at least one weight must be positive")
    if len(positive) > CELLS or not all(0 <= code < CELLS for code in positive):
        raise ValueError("outcomes are codes from 0 to 255, at most 256 of them")
    total = sum(positive.values())
    quotas = {code: CELLS * weight / total for code, weight in positive.items()}
    cells = {code: max(1, int(quota)) for code, quota in quotas.items()}
    by_remainder = sorted(positive, key=lambda code: (cells[code] - quotas[code], code))
    for code in by_remainder[: max(0, CELLS - sum(cells.values()))]:
        cells[code] += 1
    # Rare outcomes given a whole cell take it from the outcomes most over their share.
    while sum(cells.values()) > CELLS:
        spare = [code for code in cells if cells[code] > 1]
        cells[max(spare, key=lambda code: (cells[code] - quotas[code], code))] -= 1
    return b"".join(bytes([code]) * count for code, count in sorted(cells.items()))


def uniform_table(count: int) -> bytes:
    """256 cells over the outcomes 0 to count-1, as evenly as 256 cells allow."""
    return weighted_table(dict.fromkeys(range(count), 1.0))


def draw(rng: Random, table: bytes, count: int) -> bytes:
    """`count` outcomes drawn through `table`, one byte each."""
    return rng.randbytes(count).translate(table)


def draw_words(rng: Random, count: int, typecode: str) -> array[int]:
    """`count` random unsigned integers of an `array` type ("I", "Q"), the same on any machine."""
    words = array(typecode)
    words.frombytes(rng.randbytes(count * words.itemsize))
    if sys.byteorder == "big":
        words.byteswap()
    return words


def select(codes: bytes, tables: Mapping[int, bytes], noise: bytes) -> bytes:
    """Byte i is `tables[codes[i]][noise[i]]`, or 0 where `codes[i]` has no table.

    Each table is applied to all of `noise` at once and kept where the code matches:
    the masks are bytes turned into big integers, so the loop runs once per code, not
    once per entry.
    """
    if len(codes) != len(noise):
        raise ValueError("codes and noise must have the same length")
    chosen = 0
    for code, table in tables.items():
        mask = codes.translate(bytes(0xFF if cell == code else 0 for cell in range(CELLS)))
        chosen |= int.from_bytes(noise.translate(table), "little") & int.from_bytes(mask, "little")
    return chosen.to_bytes(len(codes), "little")


def apportion(total: int, weights: Sequence[int], rng: Random) -> list[int]:
    """`total` split into whole parts in proportion to `weights`, rounded at random.

    Each part is its exact share rounded down or up, up with a probability equal to
    the fraction dropped (systematic sampling), so the parts always add up to `total`
    and every part is right on average.
    """
    whole = sum(weights)
    if whole <= 0 or min(weights) < 0:
        raise ValueError("weights must be non-negative and not all zero")
    parts = [total * weight // whole for weight in weights]
    threshold = rng.randrange(whole)
    passed = 0
    for index, weight in enumerate(weights):
        passed += total * weight % whole
        if threshold < passed:
            parts[index] += 1
            threshold += whole
    return parts
