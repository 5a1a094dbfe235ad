"""The `mockserver` command: serve the mock, list a world's keys, or snapshot an implementation.

One module per subcommand (`serve`, `keys`, `snapshot`), their options and the rule
that resolves them in `options`. Errors of usage print one line and exit with 2.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence

from mockserver.cli import keys, serve, snapshot
from mockserver.cli.options import UsageError
from mockserver.scenario.document import ScenarioError

Run = Callable[[Sequence[str], Mapping[str, str]], int]
SUBCOMMANDS: Mapping[str, Run] = {"keys": keys.run, "snapshot": snapshot.run}


def main(argv: Sequence[str] | None = None) -> int:
    """Run `mockserver` with `argv` (the process's arguments by default); the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    subcommand = SUBCOMMANDS.get(argv[0]) if argv else None
    try:
        if subcommand is not None:
            return subcommand(argv[1:], os.environ)
        return serve.run(argv, os.environ)
    except UsageError as error:
        print(f"mockserver: {error}", file=sys.stderr)
        return 2
    except ScenarioError as error:
        print(f"mockserver: invalid scenario {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


__all__ = ["main"]
