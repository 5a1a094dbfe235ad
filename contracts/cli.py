"""The `contracts` command: check a running implementation of the API against its contract.

Its options are the table of `contracts.options` (a flag, a CONTRACT_* variable, a key in
the configuration file each); this module only parses the command line, runs the suite
and turns the outcome into an exit status. `contracts proxy ...` is a command of its own,
dispatched before the suite's options are parsed.

Exit status: 0 when every check passes (skips allowed), 1 when any check fails, 2 for a
usage error or a server that cannot be reached (its certificate included), reported as
one line on stderr, 3 when nothing failed but some checks were inconclusive.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import options, tls
from .client import Unreachable
from .options import OPTIONS, UsageError

# The exit statuses live with the code that decides them; named here for the command's users.
from .publish import EXIT_FAILED as EXIT_FAILED
from .publish import EXIT_INCONCLUSIVE, EXIT_PASSED, EXIT_USAGE, publish
from .runner import check_names, run_suite
from .tls import CertificateProblem

# Each option's environment variable, by its name in Settings' style.
ENVIRONMENT = {option.dest: option.variable for option in OPTIONS}
# Commands of their own, run by their module's `main(argv)` with the arguments after
# their name; imported only when asked for.
SUBCOMMANDS = {"proxy": "contracts.proxy.cli"}

DESCRIPTION = """\
Check a running implementation of the Audit Log & Project API against its contract: the
OpenAPI schema and the semantics of filtering, ordering, pagination, validation, auth
and errors."""
EPILOG = f"""\
Every option but --config can also be set in the configuration file, under its flag's
name without the dashes (headers for --header). Precedence: flags, then the
environment, then the file, then the defaults. ${{VAR}} in the file's strings is read
from the environment ($${{ is a literal ${{).

exit status:
  {EXIT_PASSED}  every check passed (skipped checks judged nothing and do not fail a run)
  {EXIT_FAILED}  at least one check failed
  {EXIT_USAGE}  usage or configuration error, the server unreachable, or a certificate problem
  {EXIT_INCONCLUSIVE}  no check failed, but a transient answer persisted through every retry
"""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse prints the whole usage block; one line says the same and stays readable in CI.
        raise UsageError(f"{message} (see --help)")


def build_parser() -> Parser:
    """The command line: every option of the table, and --list-checks."""
    parser = Parser(
        prog="contracts",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for option in OPTIONS:
        flag, keywords = option.argument()
        parser.add_argument(flag, **keywords)
    parser.add_argument("--list-checks", action="store_true", help="list the checks and exit")
    return parser


def list_checks() -> str:
    from .checks import CHECKS
    from .schema import CHECK_SUMMARIES, PREFIX

    summaries = {PREFIX + name: text for name, text in CHECK_SUMMARIES.items()}
    summaries.update({check.name: check.summary for check in CHECKS})
    width = max(len(name) for name in check_names())
    return "\n".join(f"{name.ljust(width)}  {summaries[name]}" for name in check_names())


def subcommand(name: str, argv: Sequence[str]) -> int:
    """Run the command `name` (a key of SUBCOMMANDS) with the arguments after it."""
    try:
        module = importlib.import_module(SUBCOMMANDS[name])
    except ModuleNotFoundError as error:
        # Only a missing command itself is a usage error; a module it imports that is
        # missing is a broken installation, and its traceback says which.
        module_name = SUBCOMMANDS[name]
        if error.name is None or not f"{module_name}.".startswith(f"{error.name}."):
            raise
        print(f"contracts: error: {name} is not available in this installation", file=sys.stderr)
        return EXIT_USAGE
    status: int = module.main(list(argv))
    return status


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] and arguments[0] in SUBCOMMANDS:
        return subcommand(arguments[0], arguments[1:])
    try:
        args = build_parser().parse_args(arguments)
        if args.list_checks:
            print(list_checks())
            return EXIT_PASSED
        settings = options.settings(options.given_by(vars(args).get), os.environ, Path.cwd())
    except UsageError as error:
        print(f"contracts: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if settings.connection.insecure:
        # On stderr before the run, beside the same note in the report: a security
        # warning is seen when it matters, and kept with the results.
        print(f"contracts: {tls.INSECURE_WARNING}", file=sys.stderr)
    try:
        outcome = run_suite(settings)
    except CertificateProblem as error:
        print(f"contracts: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Unreachable as error:
        print(f"contracts: error: the server does not answer: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("contracts: interrupted", file=sys.stderr)
        return EXIT_USAGE
    return publish(outcome, os.environ)
