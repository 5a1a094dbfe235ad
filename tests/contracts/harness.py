"""Serving the mock, as it is or with a variant's middleware, and running the suite on it."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from aiohttp.typedefs import Middleware

from contracts import Report, Settings, check_names, run_suite
from contracts.report import render
from mockserver import Config, ThreadedServer, WorldConfig, create_app
from mockserver.domain.models import World
from tests.contracts.variants import Keys

# Small enough to generate in a fraction of a second, large enough that the first project
# has more entries than one page shows, and the third fewer (a complete listing).
VARIANT_WORLD = WorldConfig(seed=11, entries=2_000, projects=3)
SEED = 20250101
# Enough examples that every broken variant is found with this seed, few enough that all
# variants run in well under a minute.
MAX_EXAMPLES = 25
# What a pytester run needs to load the contracts pytest plugin: nothing once the package
# is installed with its pytest11 entry point; from a checkout whose install predates it,
# the plugin by name (both at once would register it twice).
INSTALLED = any(
    entry.value == "contracts.pytest_plugin"
    for entry in importlib.metadata.entry_points(group="pytest11")
)
PLUGIN: tuple[str, ...] = (
    ()
    if INSTALLED
    else ("-p", "contracts.pytest_plugin", "-W", "ignore::pytest.PytestAssertRewriteWarning")
)


@contextmanager
def serving(
    world: World, middlewares: Sequence[Middleware] = (), config: Config | None = None
) -> Iterator[str]:
    """The mock for `world`, with `middlewares` outside its own, at a local URL."""
    app = create_app(config or Config(world=VARIANT_WORLD), world=world)
    for middleware in reversed(middlewares):
        app.middlewares.insert(0, middleware)
    with ThreadedServer(app) as server:
        yield server.url


def settings_for(url: str, keys: Keys, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "base_url": url,
        "admin_key": keys.admin[0],
        "member_key": keys.member[0],
        "other_admin_key": keys.admin[1],
        "seed": SEED,
        "max_examples": MAX_EXAMPLES,
    }
    values.update(changes)
    return Settings(**values)


def run(url: str, keys: Keys, **changes: Any) -> Report:
    return run_suite(settings_for(url, keys, **changes))


def assert_passed(report: Report, may_skip: Mapping[str, str] | None = None) -> None:
    """Every check passed, except that those in `may_skip` (name: why it may skip on
    this data) may be skipped instead. Any other skip fails: a skipped check judged
    nothing, and on the mock every check has something to judge."""
    allowed = dict(may_skip or {})
    assert set(allowed) <= set(check_names()), set(allowed) - set(check_names())
    unexpected = [result.name for result in report.skipped if result.name not in allowed]
    assert report.passed, render(report)
    assert not unexpected, render(report)
