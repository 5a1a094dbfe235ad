"""The contract served by the mock: as shipped, as JSON, and the docs page."""

from __future__ import annotations

import re

import yaml

from mockserver.api.docs import ASSETS
from mockserver.spec.loader import load_spec, spec_text
from tests.conftest import Client


async def test_the_spec_is_served_as_shipped_and_as_json(ctl: Client) -> None:
    as_yaml = await ctl.get("/openapi.yaml")
    assert as_yaml.status == 200
    assert as_yaml.content_type == "application/yaml"
    assert await as_yaml.text() == spec_text()
    as_json = await ctl.get("/openapi.json")
    assert as_json.content_type == "application/json"
    assert await as_json.json() == load_spec() == yaml.safe_load(spec_text())


async def test_the_docs_page_loads_only_its_own_assets(ctl: Client) -> None:
    page = await ctl.get("/docs")
    assert page.status == 200
    assert page.content_type == "text/html"
    assert "connect-src 'self'" in page.headers["Content-Security-Policy"]
    referenced = re.findall(r'(?:src|href)="([^"]+)"', await page.text())
    assert sorted(referenced) == sorted(f"/docs/{name}" for name in ASSETS)
    for url in referenced:
        asset = await ctl.get(url)
        assert asset.status == 200, url
        assert len(await asset.read()) > 0


async def test_the_docs_are_no_part_of_the_contract_and_errors_keep_the_envelope(
    ctl: Client,
) -> None:
    served = {"/openapi.yaml", "/openapi.json", "/docs"}
    assert not served & set(load_spec()["paths"])
    missing = await ctl.get("/docs/swagger-ui.js.map")
    assert missing.status == 404
    assert (await missing.json())["error"]["code"] == "not_found"
    posted = await ctl.post("/docs")
    assert posted.status == 405
    assert (await posted.json())["error"]["code"] == "method_not_allowed"
    assert (await ctl.head("/openapi.json")).status == 200
