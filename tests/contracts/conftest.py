from __future__ import annotations

import pytest

from mockserver.domain.models import World
from mockserver.generate.world import generate_world
from tests.contracts.harness import VARIANT_WORLD
from tests.contracts.variants import Keys


@pytest.fixture(scope="session")
def contract_world() -> World:
    """One world for every test of the suite: the tests only read it."""
    return generate_world(VARIANT_WORLD)


@pytest.fixture(scope="session")
def contract_keys(contract_world: World) -> Keys:
    return Keys.of(contract_world)
