"""A team's conftest.py: the contract suite checks the server this test run starts.

The server here is the mock, served in-process; yours is whatever your fixtures start
(an app on a free port, a container). `contract_target` hands its URL and keys to the
suite, and the items of `test_contract.py` check it in the same run.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contracts.pytest_plugin import ContractTarget
from mockserver import Config, MockApi, ThreadedServer, WorldConfig, create_app


@pytest.fixture(scope="session")
def contract_target() -> Iterator[ContractTarget]:
    with ThreadedServer(create_app(Config(world=WorldConfig(entries=2_000)))) as server:
        mock = MockApi(server.url)
        yield ContractTarget(
            base_url=server.url,
            admin_key=mock.admin_key,
            member_key=mock.member_key,
            other_admin_key=mock.other_admin_key,
        )
