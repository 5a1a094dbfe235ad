"""The local gateway (tests/gateway.py), and a default run of the suite through a flaky one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import requests
from aiohttp import web

from contracts import Status
from contracts.report import render
from contracts.runner import run_suite
from contracts.settings import DEFAULT_MAX_EXAMPLES, Connection
from mockserver import Config
from mockserver.generate.world import generate_world
from tests.contracts.harness import serving as serving_mock
from tests.contracts.harness import settings_for
from tests.contracts.variants import Keys
from tests.gateway import Bucket, Gateway, gateway, serving

# A default run makes about 1,400 requests (see benchmarks/staging.py); the ceiling
# is what 40 requests a second allow in 2 minutes, 4,800. Half of it leaves room to grow.
REQUEST_BUDGET = 2_400


async def echo(request: web.Request) -> web.Response:
    return web.json_response(
        {"target": request.raw_path, "method": request.method, "key": request.headers.get("X-K")}
    )


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", echo)
    with serving(app) as port:
        yield f"http://127.0.0.1:{port}"


def quiet(
    upstream: str, *, rate_limit: float = 10_000.0, fail_share: float = 0.0, **options: Any
) -> AbstractContextManager[Gateway]:
    """A gateway that neither waits, fails nor limits unless a test says so."""
    return gateway(
        upstream, rate_limit=rate_limit, latency=(0.0, 0.0), fail_share=fail_share, **options
    )


def test_it_strips_the_prefix_and_forwards_the_target_as_written(upstream: str) -> None:
    with quiet(upstream) as gw:
        assert gw.url.startswith("https://127.0.0.1:") and gw.url.endswith("/gateway")
        answer = requests.get(
            gw.url + "/api/v1/audit-log?since=%zz", headers={"X-K": "v"}, verify=str(gw.ca_bundle)
        )
    assert answer.status_code == 200
    assert json.loads(answer.content) == {
        # requests re-quotes %zz; the gateway forwards what it was sent, as it was sent.
        "target": "/api/v1/audit-log?since=%25zz",
        "method": "GET",
        "key": "v",
    }
    assert gw.answered == {200: 1}


def test_outside_its_prefix_it_answers_404_and_remembers_the_target(upstream: str) -> None:
    with quiet(upstream) as gw:
        answer = requests.get(
            gw.url.removesuffix("/gateway") + "/api/v1/project", verify=str(gw.ca_bundle)
        )
    assert answer.status_code == 404
    assert gw.outside_prefix == ["/api/v1/project"]
    assert gw.answered == {404: 1}


def test_its_certificate_is_trusted_only_through_its_ca(upstream: str) -> None:
    with quiet(upstream) as gw:
        assert gw.ca_bundle is not None and gw.ca_bundle.exists()
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(gw.url + "/x", verify=True)


def test_without_tls_it_serves_plain_http(upstream: str) -> None:
    with quiet(upstream, tls=False) as gw:
        assert gw.url.startswith("http://127.0.0.1:")
        assert gw.ca_bundle is None
        assert requests.get(gw.url + "/x").status_code == 200


def test_mutual_tls_needs_the_client_certificate_it_hands_out(upstream: str) -> None:
    with quiet(upstream, require_client_cert=True) as gw:
        assert isinstance(gw.client_cert, Path) and isinstance(gw.client_key, Path)
        both = (str(gw.client_cert), str(gw.client_key))
        assert requests.get(gw.url + "/x", verify=str(gw.ca_bundle), cert=both).status_code == 200
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(gw.url + "/x", verify=str(gw.ca_bundle))


def test_beyond_its_rate_limit_it_answers_429_with_retry_after(upstream: str) -> None:
    with quiet(upstream, rate_limit=4.0) as gw:
        statuses = [requests.get(gw.url + "/x", verify=str(gw.ca_bundle)) for _ in range(6)]
    assert [a.status_code for a in statuses].count(429) >= 1
    limited = next(a for a in statuses if a.status_code == 429)
    assert int(limited.headers["Retry-After"]) >= 1
    assert gw.answered[429] == [a.status_code for a in statuses].count(429)


def test_the_bucket_lets_a_burst_through_then_one_request_per_slot() -> None:
    bucket = Bucket(rate=10.0, burst=2.0)
    now = bucket._at
    assert [bucket.take(now) for _ in range(3)] == [0.0, 0.0, pytest.approx(0.1)]
    assert bucket.take(now + 0.1) == 0.0


def test_it_answers_its_share_of_503_from_its_seed(upstream: str) -> None:
    def statuses(seed: int) -> list[int]:
        with quiet(upstream, fail_share=0.3, seed=seed, tls=False) as gw:
            return [requests.get(gw.url + "/x").status_code for _ in range(60)]

    first = statuses(3)
    assert first == statuses(3)
    assert 5 <= first.count(503) <= 35
    assert set(first) == {200, 503}


def test_it_drops_the_connections_it_is_told_to(upstream: str) -> None:
    with quiet(upstream, tls=False) as gw:
        gw.drop_next(1)
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(gw.url + "/x", headers={"Connection": "close"})
        assert requests.get(gw.url + "/x").status_code == 200
    assert gw.dropped == 1
    assert gw.answered == {200: 1}


def test_an_upstream_that_does_not_answer_is_a_502(upstream: str) -> None:
    with serving(web.Application()) as port:
        closed = f"http://127.0.0.1:{port}"
    with quiet(closed, tls=False) as gw:
        assert requests.get(gw.url + "/x").status_code == 502


def test_a_default_run_through_a_flaky_gateway_has_no_false_failure() -> None:
    """Every check, default examples, 5% of requests answered 503 and a rate limit of 40/s:
    the transients are retried and counted, none is a failure, the run stays in budget."""
    config = Config()
    world = generate_world(config.world)
    keys = Keys.of(world)
    with serving_mock(world, config=config) as url, gateway(url, fail_share=0.05, seed=3) as gw:
        settings = settings_for(
            gw.url,
            keys,
            seed=1,
            max_examples=DEFAULT_MAX_EXAMPLES,
            connection=Connection(ca_bundle=gw.ca_bundle, rate_limit=40.0),
        )
        report = run_suite(settings, say=lambda line: None)
    assert [r.status for r in report.results] == [Status.PASSED] * len(report.results), render(
        report
    )
    traffic = report.traffic
    assert traffic.retried["503"] > 0
    assert not traffic.gave_up
    assert traffic.requests <= REQUEST_BUDGET
    # schemathesis's probes (at most two) go on a session of their own, uncounted.
    assert 0 <= sum(gw.answered.values()) - traffic.requests <= 2
    assert gw.answered[503] >= traffic.retried["503"]
    assert any(note.startswith("time: ") for note in report.notes)
