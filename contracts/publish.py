"""After a run: compare it with the baseline, print the report, write every report asked
for, and say how the run ends (its exit status).

Exit status: 0 passed (known failures allowed), 1 a new failure, 2 a usage error (here:
a baseline that cannot be read, a report that cannot be written), 3 inconclusive (no new
failure, but a transient answer outlasted the retries and some checks judged nothing).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

from . import baseline, json_report, junit, markdown, report
from .baseline import BaselineError, Comparison
from .outcome import Status
from .runner import Report

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE, EXIT_INCONCLUSIVE = 0, 1, 2, 3
EXIT_STATUS = {
    Status.PASSED: EXIT_PASSED,
    Status.FAILED: EXIT_FAILED,
    Status.INCONCLUSIVE: EXIT_INCONCLUSIVE,
}
# Where GitHub Actions shows a job's summary; written to when no --markdown-report is given.
STEP_SUMMARY = "GITHUB_STEP_SUMMARY"

Writer = Callable[[Path], None]


def comparison_for(outcome: Report) -> Comparison:
    """The run against `--baseline` (if given); `BaselineError` when it cannot be read."""
    path = outcome.settings.baseline
    known = baseline.load(path) if path is not None else None
    return baseline.compare(outcome.results, known)


def writers(
    outcome: Report, comparison: Comparison, environ: Mapping[str, str]
) -> list[tuple[Path, Writer]]:
    """Each file this run writes, with what writes it."""
    settings = outcome.settings
    planned: list[tuple[Path, Writer]] = []
    if settings.junit_xml is not None:
        planned.append((settings.junit_xml, lambda p: junit.write(outcome, p, comparison)))
    if settings.json_report is not None:
        planned.append((settings.json_report, lambda p: json_report.write(outcome, p, comparison)))
    if settings.markdown_report is not None:
        planned.append((settings.markdown_report, lambda p: markdown.write(outcome, p, comparison)))
    elif environ.get(STEP_SUMMARY):
        planned.append(
            (
                Path(environ[STEP_SUMMARY]),
                lambda p: markdown.write(outcome, p, comparison, append=True),
            )
        )
    if settings.write_baseline is not None:
        planned.append(
            (settings.write_baseline, lambda p: baseline.write(p, comparison.to_write()))
        )
    return planned


def publish(
    outcome: Report,
    environ: Mapping[str, str],
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Print the report, write the files the settings name, return the exit status.

    A baseline that cannot be read stops before anything is printed or written (exit 2):
    a report without it would call every known failure new. `--write-baseline` changes no
    exit status: it records the run, whatever the run found. Output goes to `stdout` and
    `stderr`, the process's own (as they are at the call) when not given.
    """
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        comparison = comparison_for(outcome)
    except BaselineError as error:
        print(f"contracts: error: {error}", file=stderr)
        return EXIT_USAGE
    print(report.render(outcome, comparison), file=stdout)
    status = EXIT_STATUS[baseline.verdict(outcome.results, comparison)]
    for path, write in writers(outcome, comparison, environ):
        try:
            write(path)
        except OSError as error:
            print(f"contracts: error: cannot write {path}: {error.strerror}", file=stderr)
            status = EXIT_USAGE
    return status
