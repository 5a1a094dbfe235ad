"""`mockserver snapshot`: read a running implementation into a scenario file."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from mockserver.cli import options
from mockserver.cli.options import Command, Resolved, UsageError
from mockserver.scenario.api_client import ApiClientError
from mockserver.scenario.document import write_scenario
from mockserver.scenario.snapshot import Progress, SnapshotError, SnapshotOptions, take_snapshot
from mockserver.serving.logs import setup_logging

COMMAND = Command(
    "mockserver snapshot",
    "Read a running implementation's project and audit log into a scenario.",
    options.SNAPSHOT,
)


def snapshot_options(resolved: Resolved) -> tuple[SnapshotOptions, Path]:
    """What to read, and the file to write; `UsageError` when it has no directory."""
    out = resolved[options.OUT]
    if not out.parent.is_dir():
        raise UsageError(f"--out: no directory {str(out.parent)!r} to write into")
    snapshot = SnapshotOptions(
        base_url=resolved[options.BASE_URL],
        admin_key=resolved[options.ADMIN_KEY],
        member_key=resolved[options.MEMBER_KEY],
        since=resolved[options.SINCE],
        max_entries=resolved[options.MAX_SNAPSHOT_ENTRIES],
        max_requests=resolved[options.MAX_REQUESTS],
        include_keys=resolved[options.INCLUDE_KEYS],
        concurrency=resolved[options.CONCURRENCY],
    )
    return snapshot, out


def run(argv: Sequence[str], environ: Mapping[str, str]) -> int:
    """Take the snapshot and write it: 0 when written, 1 when it cannot be taken."""
    snapshot_of, out = snapshot_options(COMMAND.resolve(argv, environ))
    setup_logging("info")
    progress = Progress(sys.stderr)
    try:
        snapshot = asyncio.run(take_snapshot(snapshot_of, on_progress=progress))
        write_scenario(snapshot.document, out)
    except (ApiClientError, SnapshotError, OSError) as error:
        print(f"mockserver snapshot: {error}", file=sys.stderr)
        return 1
    finally:
        progress.finish()
    print(f"{snapshot.report()}\nWrote {out}")
    return 0
