"""The API's contract, served by the mock itself: `/openapi.yaml`, `/openapi.json` and a
docs page at `/docs`.

The page is Swagger UI, whose files ship with the `swagger-ui-bundle-v2` package, so it
works offline and behind a firewall. These routes are not operations of
`openapi.yaml` (the contract stays what a real implementation serves): the API's
checks pass them by, as they pass every route without an operationId.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from aiohttp import web
from swagger_ui_bundle import swagger_ui_path

from mockserver.api.errors import not_found
from mockserver.spec import Spec
from mockserver.spec.loader import spec_text

DOCS_PATH = "/docs"
# Where the contract and its docs are served: pages for people, not API requests.
DOCS_PREFIXES = (DOCS_PATH, "/openapi.")
OWN_ASSETS = Path(str(files("mockserver.api") / "static"))
SWAGGER_UI = Path(str(swagger_ui_path))
# Every file the page loads, and where it lies: nothing else is served under /docs/.
ASSETS: dict[str, Path] = {
    "docs.js": OWN_ASSETS / "docs.js",
    "swagger-ui.css": SWAGGER_UI / "swagger-ui.css",
    "swagger-ui-bundle.js": SWAGGER_UI / "swagger-ui-bundle.js",
    "favicon-32x32.png": SWAGGER_UI / "favicon-32x32.png",
}
# The page runs only its own scripts and talks only to this server; Swagger UI sets
# inline styles, and shows images given as data: URLs.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


def setup_docs(app: web.Application, spec: Spec) -> None:
    """Serve the spec as shipped (YAML), as JSON, and the docs page with its assets."""
    as_json = json.dumps(spec, ensure_ascii=False, indent=2).encode("utf-8")

    async def openapi_yaml(request: web.Request) -> web.Response:
        return web.Response(
            text=spec_text(), content_type="application/yaml", headers={"Cache-Control": "no-cache"}
        )

    async def openapi_json(request: web.Request) -> web.Response:
        return web.Response(
            body=as_json,
            content_type="application/json",
            charset="utf-8",
            headers={"Cache-Control": "no-cache"},
        )

    app.router.add_get("/openapi.yaml", openapi_yaml)
    app.router.add_get("/openapi.json", openapi_json)
    app.router.add_get(DOCS_PATH, docs_page)
    app.router.add_get(DOCS_PATH + "/{asset}", docs_asset)


async def docs_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(OWN_ASSETS / "docs.html", headers=PAGE_HEADERS)


async def docs_asset(request: web.Request) -> web.FileResponse:
    path = ASSETS.get(request.match_info["asset"])
    if path is None:
        raise not_found(request.path)
    return web.FileResponse(path, headers={"X-Content-Type-Options": "nosniff"})
