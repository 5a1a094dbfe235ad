"""The dashboard page and its assets: served from package data, under a strict CSP."""

from __future__ import annotations

import re

from mockserver.control.dashboard import MEDIA_TYPES
from tests.conftest import AppFactory, Client, conforms


async def test_the_page_is_html_that_loads_only_assets_of_this_server(ctl: Client) -> None:
    response = await ctl.get("/__mock/")
    assert response.status == 200
    assert response.content_type == "text/html"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    page = await response.text()
    referenced = re.findall(r'(?:src|href)="(/[^"]+)"', page)
    assert sorted(referenced) == sorted(f"/__mock/dashboard/{name}" for name in MEDIA_TYPES)
    for url in referenced:
        asset = await ctl.get(url)
        assert asset.status == 200
        assert asset.content_type == MEDIA_TYPES[url.rsplit("/", 1)[1]]
        assert asset.headers["X-Content-Type-Options"] == "nosniff"


async def test_an_unknown_asset_is_the_control_apis_404(ctl: Client) -> None:
    for name in ("missing.js", "index.html", "..%2fopenapi.yaml"):
        response = await ctl.get(f"/__mock/dashboard/{name}")
        assert response.status == 404
        conforms("getDashboardAsset", 404, await response.json())


async def test_with_a_token_the_page_opens_holding_no_data_and_its_data_is_guarded(
    make_client: AppFactory,
) -> None:
    guarded = await make_client(control_token="t" * 16)
    # A browser cannot add the token to a page it opens; the page holds no data.
    page = await guarded.get("/__mock/")
    assert page.status == 200
    assert "alk_" not in await page.text()
    assert (await guarded.get("/__mock/requests/stream")).status == 403
    assert (await guarded.get("/__mock/keys")).status == 403
    allowed = await guarded.get("/__mock/keys", headers={"X-Mock-Control-Token": "t" * 16})
    assert allowed.status == 200
    cross_site = await guarded.get("/__mock/", headers={"Sec-Fetch-Site": "cross-site"})
    assert cross_site.status == 403
    off = await make_client(control=False)
    assert (await off.get("/__mock/")).status == 404
