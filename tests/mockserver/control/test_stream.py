"""The live journal: server-sent events of the answered requests, after the journal."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import ClientResponse
from hypothesis import given
from hypothesis import strategies as st

from mockserver.control.journal import CLEARED, RecordedRequest
from mockserver.control.keys import journal_key
from mockserver.control.stream import event_text
from tests.conftest import Client, call, conforms

PROJECT = "/api/v1/project"
STREAM = "/__mock/requests/stream"


async def events_until(response: ClientResponse, wanted: int) -> list[tuple[str, Any]]:
    """Read events off the stream until `wanted` of them came (comments skipped)."""
    events: list[tuple[str, Any]] = []
    buffer = ""
    while len(events) < wanted:
        buffer += (await response.content.readany()).decode("utf-8")
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            fields = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line)
            if "event" in fields:
                data = fields.get("data", "")
                events.append((fields["event"], json.loads(data) if data else None))
    return events


async def test_the_stream_sends_the_journal_then_each_request_as_it_is_answered(
    ctl: Client,
) -> None:
    await ctl.get(PROJECT)
    async with ctl.get(STREAM) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        (cleared, first) = await events_until(response, 2)
        assert cleared == ("clear", None)
        assert first[0] == "request" and first[1]["status"] == 401
        await ctl.get(PROJECT + "?<script>=1")
        await ctl.delete("/__mock/requests")
        (answered, emptied) = await events_until(response, 2)
        assert answered[1]["query"] == {"<script>": ["1"]}
        assert emptied == ("clear", None)
        for _, shown in (first, answered):
            conforms("listRequests", 200, {"data": [shown]})


async def test_a_stream_whose_client_left_stops_listening(ctl: Client) -> None:
    journal = ctl.app[journal_key]
    async with ctl.get(STREAM) as response:
        await events_until(response, 1)
        assert journal.listening == 1
    for _ in range(50):
        await ctl.get(PROJECT)  # wakes the stream, whose write then fails
        if journal.listening == 0:
            break
        await asyncio.sleep(0.01)
    assert journal.listening == 0


async def test_every_journaled_request_has_its_duration(ctl: Client) -> None:
    for _ in range(3):
        await ctl.get(PROJECT)
    status, shown = await call(ctl, "GET", "requests", "listRequests")
    assert status == 200
    assert all(entry["durationMs"] >= 0 for entry in shown["data"])
    assert len(shown["data"]) == 3


TEXT = st.text(st.characters(codec="utf-8"), max_size=40)


@given(path=TEXT, name=TEXT, value=TEXT, header=TEXT)
def test_an_event_is_one_block_whose_data_is_json_on_one_line(
    path: str, name: str, value: str, header: str
) -> None:
    record = RecordedRequest.from_dict(
        {
            "method": "GET",
            "path": path,
            "query": {name: [value, "\n\n"]},
            "headers": {"X-Note": header},
            "status": 200,
            "time": 1,
            "faulted": False,
            "durationMs": 0.5,
        }
    )
    text = event_text(record)
    assert text.count("\n\n") == 1 and text.endswith("\n\n")
    event, data = text.removesuffix("\n\n").split("\n")
    assert event == "event: request"
    assert json.loads(data.removeprefix("data: ")) == record.to_dict()
    assert event_text(CLEARED) == "event: clear\ndata: \n\n"


async def test_shutting_down_ends_every_open_stream(ctl: Client) -> None:
    async with ctl.get(STREAM) as response:
        await events_until(response, 1)
        await ctl.app.shutdown()
        rest = await asyncio.wait_for(response.content.read(), timeout=5)
        assert b"event:" not in rest
    assert ctl.app[journal_key].listening == 0
