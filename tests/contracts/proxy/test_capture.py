"""Bodies captured as they stream past: bounded, and whole only once they ended."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from contracts.proxy.capture import Body


@given(st.lists(st.binary(max_size=50), max_size=20), st.integers(min_value=1, max_value=300))
def test_a_body_keeps_at_most_its_limit_and_knows_when_it_was_cut(
    chunks: list[bytes], limit: int
) -> None:
    body = Body(limit=limit)
    for chunk in chunks:
        body.add(chunk)
    body.whole()
    sent = b"".join(chunks)
    assert body.bytes() == sent[:limit]
    assert body.complete == (len(sent) <= limit)
    assert body.size == len(sent)


def test_a_body_whose_stream_broke_is_not_whole() -> None:
    body = Body()
    body.add(b"{")
    body.broken()
    assert not body.complete
