"""Variants whose answers have the wrong shape, type or content."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from mockserver.domain.models import World
from tests.contracts.variants.rewrite import PROJECT, Json, rewrite_body, rewrite_entries
from tests.contracts.variants.variant import Keys, breaks


@breaks("entries.entity-id")
def entity_id_omitted_when_null(world: World, keys: Keys) -> Middleware:
    return rewrite_entries(
        lambda data: [
            {k: v for k, v in e.items() if not (k == "entityId" and v is None)} for e in data
        ]
    )


@breaks("entries.timestamps")
def timestamps_in_seconds(world: World, keys: Keys) -> Middleware:
    return rewrite_entries(lambda data: [{**e, "timestamp": e["timestamp"] // 1000} for e in data])


@breaks("entries.unique-ids")
def duplicate_ids(world: World, keys: Keys) -> Middleware:
    def change(data: list[Json]) -> list[Json]:
        return [{**e, "id": data[i - 1]["id"]} if i % 2 else e for i, e in enumerate(data)]

    return rewrite_entries(change)


@breaks("http.content-type")
def content_type_text(world: World, keys: Keys) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        if response.status == 200 and isinstance(response, web.Response):
            response.content_type = "text/plain"
        return response

    return middleware


@breaks("project.fields")
def plan_capitalized(world: World, keys: Keys) -> Middleware:
    return rewrite_body(
        lambda _, b: {"data": {**b["data"], "plan": b["data"]["plan"].title()}}, path=PROJECT
    )


def counts_changing_every(calls: int) -> Middleware:
    """Project answers whose `entityCount` grows by one every `calls` answers."""
    answered = [0]

    def change(_: web.Request, body: Json) -> Json:
        answered[0] += 1
        grown = body["data"]["entityCount"] + answered[0] // calls
        return {"data": {**body["data"], "entityCount": grown}}

    return rewrite_body(change, path=PROJECT)


@breaks("project.stable-counts")
def counts_uncached(world: World, keys: Keys) -> Middleware:
    return counts_changing_every(1)


@breaks("project.stable-counts")
def counts_change_every_fourth_call(world: World, keys: Keys) -> Middleware:
    """A cache that lasts four calls: three in a row agree, never more."""
    return counts_changing_every(4)
