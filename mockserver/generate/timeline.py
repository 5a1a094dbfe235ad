"""When each entry of a generated log happened, drawn one slot of time at a time.

Up front, a timeline only decides how many entries fall in each slot (an hour of the
log's span); the timestamps of a slot, the random part of its entry ids and the bits
its entries' metadata is drawn from come from that slot's own seed, the first time
something asks for them. So a log of millions of entries starts in milliseconds,
holds only the slots in use, and reads the same whatever order its slots are drawn in.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from random import Random

# Share of entries recorded in the same millisecond as the previous one (bulk work).
SAME_TIMESTAMP_SHARE = 0.04
# Slots kept drawn; a slot of a million-entry log (about 460 entries) weighs about 60 kB.
CACHED_SLOTS = 256
ID_BITS = 80
METADATA_BITS = 64


@dataclass(frozen=True, slots=True)
class Slot:
    """The entries of one slot, in chronological order: three values per entry."""

    timestamps: list[int]
    id_bits: list[int]
    metadata_bits: list[int]


class Timeline:
    """The chronological order of a generated log: timestamps, id and metadata bits.

    `counts[s]` entries fall in [start + s * slot_ms, start + (s + 1) * slot_ms),
    drawn from `seeds[s]`. Entries are ordered by timestamp, then by id.
    """

    def __init__(
        self, start_ms: int, slot_ms: int, counts: Sequence[int], seeds: Sequence[int]
    ) -> None:
        if len(counts) != len(seeds):
            raise ValueError("one seed per slot")
        self._start = start_ms
        self._slot_ms = slot_ms
        self._seeds = seeds
        # Position just after the last entry of each slot.
        self._ends = array("q", accumulate(counts))
        self._slot = lru_cache(maxsize=CACHED_SLOTS)(self._draw)

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    def _first(self, slot: int) -> int:
        return self._ends[slot - 1] if slot else 0

    def row(self, position: int) -> tuple[int, int, int]:
        """(timestamp, id bits, metadata bits) of the entry at `position`."""
        slot = bisect_right(self._ends, position)
        drawn = self._slot(slot)
        index = position - self._first(slot)
        return drawn.timestamps[index], drawn.id_bits[index], drawn.metadata_bits[index]

    def first_after(self, since: int) -> int:
        """The position of the first entry whose timestamp is greater than `since`."""
        if since < self._start:
            return 0
        slot = (since - self._start) // self._slot_ms
        if slot >= len(self._ends):
            return len(self)
        return self._first(slot) + bisect_right(self._slot(slot).timestamps, since)

    def _draw(self, slot: int) -> Slot:
        count = self._ends[slot] - self._first(slot)
        if count == 0:
            return Slot([], [], [])
        rng = Random(self._seeds[slot])
        start, width = self._start + slot * self._slot_ms, self._slot_ms
        stamps = sorted(start + int(rng.random() * width) for _ in range(count))
        for index in range(1, count):
            if rng.random() < SAME_TIMESTAMP_SHARE:
                stamps[index] = stamps[index - 1]
        # Equal timestamps are ordered by id, and the id's random part orders the ids.
        ids = [rng.getrandbits(ID_BITS) for _ in range(count)]
        ordered = sorted(zip(stamps, ids, strict=True))
        return Slot(
            [stamp for stamp, _ in ordered],
            [bits for _, bits in ordered],
            [rng.getrandbits(METADATA_BITS) for _ in range(count)],
        )
