"""Variants that let one project's data show through another project's key."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Middleware

from mockserver.domain.models import World
from tests.contracts.variants.rewrite import rewrite_request, token, with_header
from tests.contracts.variants.variant import Keys, breaks


@breaks("isolation.tenants")
def other_project_sees_first(world: World, keys: Keys) -> Middleware:
    """The second project's admin key reads the first project's audit log."""

    def change(request: web.Request) -> web.Request:
        if token(request) == keys.admin[1]:
            return with_header(request, "Authorization", f"Bearer {keys.admin[0]}")
        return request

    return rewrite_request(change)
