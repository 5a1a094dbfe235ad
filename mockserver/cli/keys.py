"""`mockserver keys`: the API keys of the world the world options describe, as JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from mockserver.cli import options
from mockserver.cli.options import Command
from mockserver.control.routes import keys_listing
from mockserver.scenario.build import build_world

COMMAND = Command("mockserver keys", "Print the API keys of a world as JSON.", options.WORLD)


def run(argv: Sequence[str], environ: Mapping[str, str]) -> int:
    """Print every key, first project first, as the control API's `/keys` lists them."""
    world = build_world(options.world_config(COMMAND.resolve(argv, environ)))
    print(json.dumps(keys_listing(world), indent=2))
    return 0
