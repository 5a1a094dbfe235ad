"""The `contracts` command: check a running implementation of the API against its contract.

Exit status: 0 when every check passes (skips allowed), 1 when any check fails, 2 for a
usage error or a server that does not answer, reported as one line on stderr.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

from .client import Unreachable

# The exit statuses live with the code that decides them; named here for the command's users.
from .publish import EXIT_FAILED as EXIT_FAILED
from .publish import EXIT_INCONCLUSIVE as EXIT_INCONCLUSIVE
from .publish import EXIT_PASSED, EXIT_USAGE, publish
from .runner import UnknownCheck, check_names, run_suite, selected
from .settings import DEFAULT_MAX_EXAMPLES, DEFAULT_TIMEOUT_SECONDS, Settings

ENVIRONMENT = {
    "base_url": "CONTRACT_BASE_URL",
    "admin_key": "CONTRACT_ADMIN_KEY",
    "member_key": "CONTRACT_MEMBER_KEY",
    "other_admin_key": "CONTRACT_OTHER_ADMIN_KEY",
}


class UsageError(Exception):
    """Reported as one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse prints the whole usage block; one line says the same and stays readable in CI.
        raise UsageError(f"{message} (see --help)")


def build_parser() -> Parser:
    parser = Parser(
        prog="contracts",
        description="Check a running implementation of the Audit Log & Project API against "
        "its contract: the OpenAPI schema and the semantics of filtering, ordering, "
        "pagination, validation, auth and errors.",
        epilog="Exit status: 0 passed, 1 a check failed, 2 usage error or server unreachable.",
    )
    parser.add_argument(
        "--base-url",
        help="where the API is served, e.g. http://127.0.0.1:8080 (env CONTRACT_BASE_URL)",
    )
    parser.add_argument(
        "--admin-key", help="an admin API key of a project (env CONTRACT_ADMIN_KEY)"
    )
    parser.add_argument("--member-key", help="a member API key (env CONTRACT_MEMBER_KEY)")
    parser.add_argument(
        "--other-admin-key",
        help="an admin key of a second project; enables "
        "the tenant isolation check (env CONTRACT_OTHER_ADMIN_KEY)",
    )
    parser.add_argument(
        "--max-examples",
        type=positive,
        default=DEFAULT_MAX_EXAMPLES,
        help="generated examples per property and per schemathesis phase "
        f"(default {DEFAULT_MAX_EXAMPLES}); more finds more, slower",
    )
    parser.add_argument(
        "--seed",
        type=seed,
        help="seed for generated inputs; the same seed "
        "repeats a run (default: a random one, printed)",
    )
    parser.add_argument(
        "--junit-xml", type=Path, metavar="PATH", help="also write a JUnit XML report to PATH"
    )
    parser.add_argument(
        "--select",
        metavar="CHECK,...",
        default="",
        help="run only these checks or groups (e.g. auth,audit.since); see --list-checks",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=DEFAULT_TIMEOUT_SECONDS,
        help=f"seconds to wait for each answer (default {DEFAULT_TIMEOUT_SECONDS:g})",
    )
    parser.add_argument("--list-checks", action="store_true", help="list the checks and exit")
    return parser


def whole_number(low: int, high: int | None, expected: str) -> Callable[[str], int]:
    """An argparse type: an integer from `low` to `high` (no upper bound when None)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {value}")
        return value

    return parse


positive = whole_number(1, None, "1 or more")
seed = whole_number(0, 2**64 - 1, "0 to 2^64-1")


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError(f"expected more than 0 and at most 600, got {text}")
    return value


def settings_from(args: argparse.Namespace, environ: Mapping[str, str]) -> Settings:
    def given(name: str) -> str | None:
        value = getattr(args, name) or environ.get(ENVIRONMENT[name], "")
        return value or None

    missing = [
        f"--{name.replace('_', '-')} (or {ENVIRONMENT[name]})"
        for name in ("base_url", "admin_key", "member_key")
        if not given(name)
    ]
    if missing:
        raise UsageError(f"missing {', '.join(missing)}")
    base_url = given("base_url") or ""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise UsageError(
            f"--base-url must be an http(s) URL like http://127.0.0.1:8080, got {base_url!r}"
        )
    select = tuple(name.strip() for name in args.select.split(",") if name.strip())
    try:
        selected(select)
    except UnknownCheck as error:
        raise UsageError(f"--select: no check or group named {error} (see --list-checks)") from None
    return Settings(
        base_url=base_url,
        admin_key=given("admin_key") or "",
        member_key=given("member_key") or "",
        other_admin_key=given("other_admin_key"),
        max_examples=args.max_examples,
        seed=args.seed if args.seed is not None else random.SystemRandom().randrange(2**32),
        junit_xml=args.junit_xml,
        select=select,
        timeout=args.timeout,
    )


def list_checks() -> str:
    from .checks import CHECKS
    from .schema import CHECK_SUMMARIES, PREFIX

    summaries = {PREFIX + name: text for name, text in CHECK_SUMMARIES.items()}
    summaries.update({check.name: check.summary for check in CHECKS})
    width = max(len(name) for name in check_names())
    return "\n".join(f"{name.ljust(width)}  {summaries[name]}" for name in check_names())


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.list_checks:
            print(list_checks())
            return EXIT_PASSED
        settings = settings_from(args, os.environ)
    except UsageError as error:
        print(f"contracts: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        outcome = run_suite(settings)
    except Unreachable as error:
        print(f"contracts: error: the server does not answer: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("contracts: interrupted", file=sys.stderr)
        return EXIT_USAGE
    return publish(outcome, os.environ)
