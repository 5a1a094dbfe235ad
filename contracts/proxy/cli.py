"""`contracts proxy`: forward a real API's traffic and check every exchange against the contract.

    contracts proxy --target https://staging.example.com [--port 8081] [--annotate]

Point an application or its end-to-end tests at the proxy instead of the API. Each
violation is printed as one line when it is found; on SIGINT, SIGTERM or after
`--duration`, a summary of the run. Exit status: 0, or 1 when `--fail-on-violation` is
given and a violation was found; 2 for a usage error or a port the proxy cannot listen on.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import ssl
import sys
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import aiohttp

from .. import json_report, junit, markdown
from ..client import AUDIT_LOG, PROJECT
from ..publish import STEP_SUMMARY
from ..runner import Report
from ..settings import Connection
from ..tls import INSECURE_WARNING, CertificateProblem, ssl_context
from .judge import PROBE_HEADER
from .monitor import Monitor
from .redaction import Redactor
from .serving import Listen, running
from .summary import as_report, render

EXIT_OK, EXIT_VIOLATIONS, EXIT_USAGE = 0, 1, 2
DEFAULT_PORT = 8081
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# What `--probe` asks, without any key (the proxy knows none): the answers a server owes
# to anyone, which live traffic seldom shows. Each goes through the proxy and is judged
# as the traffic is.
PROBES = (
    ("GET", AUDIT_LOG, None),
    ("GET", PROJECT, None),
    ("HEAD", PROJECT, None),
    ("GET", PROJECT, "Token contracts-probe"),
    ("DELETE", AUDIT_LOG, None),
)
Writer = Callable[[Path], None]


class UsageError(Exception):
    """Reported as one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see --help)")


def header(text: str) -> tuple[str, str]:
    name, colon, value = text.partition(":")
    if not colon or not name.strip() or any(c.isspace() for c in name.strip()):
        raise argparse.ArgumentTypeError(f"expected 'Name: value', got {text!r}")
    return name.strip(), value.strip()


def port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {text!r}")
    return int(text)


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected more than 0 seconds, got {text}")
    return value


def build_parser() -> Parser:
    parser = Parser(
        prog="contracts proxy",
        description="Forward every request to the target unchanged and check each exchange "
        "against the contract of the Audit Log & Project API: the request against "
        "openapi.yaml, the answer against its schema, and the semantics one answer shows.",
        epilog="Exit status: 0; 1 with --fail-on-violation when a violation was found; "
        "2 usage error or the port is taken.",
    )
    parser.add_argument("--target", required=True, help="the API to forward to (http or https)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument(
        "--port", type=port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--header",
        type=header,
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="sent to the target on every request (repeatable); redacted in every output",
    )
    parser.add_argument(
        "--ca-bundle", type=Path, metavar="PATH", help="CA certificates to trust for the target"
    )
    parser.add_argument(
        "--insecure", action="store_true", help="do not check the target's certificate"
    )
    parser.add_argument(
        "--client-cert", type=Path, metavar="PATH", help="client certificate (mutual TLS)"
    )
    parser.add_argument("--client-key", type=Path, metavar="PATH", help="its private key")
    parser.add_argument(
        "--annotate",
        action="store_true",
        help="add X-Contract-Violations to answers that break a rule (off: answers pass "
        "unchanged); each answer is then read whole before it is sent",
    )
    parser.add_argument(
        "--duration", type=seconds, help="stop after this many seconds (default: on a signal)"
    )
    parser.add_argument("--junit-xml", type=Path, metavar="PATH", help="write a JUnit report")
    parser.add_argument(
        "--json-report", type=Path, metavar="PATH", help="write the JSON report of the suite"
    )
    parser.add_argument(
        "--markdown-report",
        type=Path,
        metavar="PATH",
        help=f"write a Markdown summary (default: appended to ${STEP_SUMMARY} when it is set)",
    )
    parser.add_argument(
        "--fail-on-violation", action="store_true", help="exit 1 when a violation was found"
    )
    parser.add_argument(
        "--probe",
        action="store_true",
        help="at start, send a few requests of the proxy's own, without any key (401, 405, "
        "HEAD); without it the proxy sends nothing but the traffic it forwards",
    )
    return parser


def writers(
    report: Report, args: argparse.Namespace, environ: Mapping[str, str]
) -> list[tuple[Path, Writer]]:
    """Each report file asked for, with the suite's writer of it: the same reports as the
    suite's (no baseline: live traffic has no run to compare with)."""
    planned: list[tuple[Path, Writer]] = []
    if args.junit_xml is not None:
        planned.append((args.junit_xml, partial(junit.write, report)))
    if args.json_report is not None:
        planned.append((args.json_report, partial(json_report.write, report)))
    if args.markdown_report is not None:
        planned.append((args.markdown_report, partial(markdown.write, report)))
    elif environ.get(STEP_SUMMARY):
        summary = partial(markdown.write, report, append=True)
        planned.append((Path(environ[STEP_SUMMARY]), summary))
    return planned


def check_target(target: str) -> str:
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise UsageError(
            f"--target must be an http(s) URL like https://staging.example.com, got {target!r}"
        )
    return target.rstrip("/")


def printer(text: str) -> None:
    print(text, flush=True)


def complain(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def target_tls(target: str, connection: Connection) -> ssl.SSLContext | None:
    """The TLS of the connection toward an https target (`contracts.tls`, the one rule)."""
    parts = urlsplit(target)
    if parts.scheme != "https":
        return None
    if connection.insecure:
        complain(f"contracts proxy: {INSECURE_WARNING}")
    return ssl_context(connection, parts.hostname or target)


async def probe(url: str) -> None:
    """Send `PROBES` through the proxy at `url`; their answers are judged like any."""
    async with aiohttp.ClientSession() as session:
        for method, path, authorization in PROBES:
            headers = {PROBE_HEADER: "1"}
            if authorization:
                headers["Authorization"] = authorization
            try:
                async with session.request(method, url + path, headers=headers) as answer:
                    await answer.read()
            except aiohttp.ClientError as error:
                print(f"contracts proxy: probe {method} {path}: {error}", file=sys.stderr)


async def serve(
    listen: Listen, monitor: Monitor, *, annotate: bool, duration: float | None, send_probes: bool
) -> None:
    """Forward until SIGINT, SIGTERM or `duration`; the requests in flight finish."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    try:
        async with running(
            listen, monitor.submit, monitor.annotate if annotate else None, complain
        ) as url:
            print(
                f"contracts proxy: listening on {url}, forwarding to {listen.target} "
                "(stop with Ctrl-C)",
                file=sys.stderr,
                flush=True,
            )
            if send_probes:
                await probe(url)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), duration)
    finally:
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        target = check_target(args.target)
    except UsageError as error:
        print(f"contracts proxy: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    headers = tuple(args.header)
    connection = Connection(
        ca_bundle=args.ca_bundle,
        insecure=args.insecure,
        client_cert=args.client_cert,
        client_key=args.client_key,
        headers=headers,
    )
    try:
        context = target_tls(target, connection)
    except CertificateProblem as error:
        print(f"contracts proxy: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    redactor = Redactor(headers)
    listen = Listen(
        target=target, host=args.host, port=args.port, headers=headers, ssl_context=context
    )
    monitor = Monitor(target, printer, redactor).start()
    try:
        asyncio.run(
            serve(
                listen,
                monitor,
                annotate=args.annotate,
                duration=args.duration,
                send_probes=args.probe,
            )
        )
    except OSError as error:
        monitor.stop()
        reason = os.strerror(error.errno).lower() if error.errno else str(error)
        print(
            f"contracts proxy: error: cannot listen on {args.host}:{args.port}: {reason}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    monitor.stop()
    print(render(monitor), flush=True)
    for path, write in writers(as_report(monitor), args, os.environ):
        try:
            write(path)
        except OSError as error:
            print(f"contracts proxy: error: cannot write {path}: {error.strerror}", file=sys.stderr)
            return EXIT_USAGE
    violations = sum(tally.violations for tally in monitor.tallies.values())
    return EXIT_VIOLATIONS if args.fail_on_violation and violations else EXIT_OK
