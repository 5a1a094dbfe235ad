"""A pytest plugin that puts the proxy between a test suite and its `mock_api` servers.

`python -m pytest examples -p tests.contracts.proxy.examples_plugin` runs the example
client's tests as they are, except that the URL each `mock_api` gives them is a proxy's
in front of the mock: every request they send, control calls included, passes through
it. At the end the plugin writes what the proxy found, as JSON, to the file named by
`CONTRACTS_PROXY_FINDINGS`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from contracts.proxy.monitor import Monitor
from contracts.proxy.serving import Listen, ThreadedProxy
from mockserver import MockApi
from mockserver.config import WorldConfig
from mockserver.pytest_plugin import MockApiServers, _servers_key

FINDINGS = "CONTRACTS_PROXY_FINDINGS"


class ProxiedServers(MockApiServers):
    """The plugin's servers, each lent through a proxy of its own (one per mock)."""

    def __init__(self, world: WorldConfig, *, coverage: bool) -> None:
        super().__init__(world, coverage=coverage)
        self.lines: list[str] = []
        self.monitors: list[Monitor] = []
        self._views: dict[str, MockApi] = {}
        self._proxies = ExitStack()

    @contextmanager
    def lend(self, world: WorldConfig) -> Iterator[MockApi]:
        with super().lend(world) as direct:
            view = self._views.get(direct.url)
            if view is None:
                monitor = Monitor(direct.url, self.lines.append)
                self._proxies.enter_context(monitor)
                proxy = self._proxies.enter_context(
                    ThreadedProxy(Listen(target=direct.url, trust_env=False), monitor.submit)
                )
                self.monitors.append(monitor)
                view = self._views[direct.url] = MockApi(proxy.url)
            keys = [dict(key) for key in view.keys]
            try:
                yield view
            finally:
                view.keys = keys

    def close(self) -> None:
        self._proxies.close()
        super().close()


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    servers = config.stash[_servers_key]
    config.stash[_servers_key] = ProxiedServers(servers.world, coverage=servers.collect_coverage)


def pytest_unconfigure(config: pytest.Config) -> None:
    servers = config.stash.get(_servers_key, None)
    if not isinstance(servers, ProxiedServers):
        return
    servers.close()
    found = {
        name: tally.violations
        for monitor in servers.monitors
        for name, tally in monitor.tallies.items()
        if tally.violations
    }
    report = {
        "exchanges": sum(monitor.exchanges for monitor in servers.monitors),
        "violations": found,
        "lines": servers.lines,
    }
    target = os.environ.get(FINDINGS)
    if target:
        Path(target).write_text(json.dumps(report, indent=2), encoding="utf-8")
