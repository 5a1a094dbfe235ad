"""`shorten`: a text cut to a length, and the cut marked."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mockserver.spec.text import ELLIPSIS, shorten


@given(st.text(), st.integers(0, 50))
def test_a_text_within_the_limit_is_kept_whole_and_a_longer_one_cut_and_marked(
    text: str, limit: int
) -> None:
    shown = shorten(text, limit)
    if len(text) <= limit:
        assert shown == text
    else:
        assert shown == text[:limit] + ELLIPSIS
        assert len(shown) == limit + 1


def test_examples_at_the_limit() -> None:
    assert shorten("12345", 5) == "12345"
    assert shorten("123456", 5) == "12345…"
    assert shorten("", 0) == ""
    assert shorten("a", 0) == "…"
