"""Known failures: a stable fingerprint per finding, the baseline file, and known/new/fixed.

A team adopts the suite on a server that does not yet keep the contract: `--write-baseline`
records the failures of a run, and `--baseline` then reports those as "known" without
failing the run, fails on any new one, and lists those that no longer occur as "fixed".

A fingerprint must survive another seed and another rerun, so it is made only of what a
finding says about the rule, never of the request that happened to show it:

- the check's name;
- the rule, as the finding states it (`expected`), with what varies from input to input
  masked: numbers, quoted values, ids, `true`/`false`/`null`; a finding of schemathesis,
  whose `expected` is the check's own summary, adds the title of the failure it reports
  ("Server error", "Response violates schema");
- the kind of answer: the response's status, or "no answer".

Left out on purpose: the query, the generated values, the response body, the time. Two
different mistakes a check words the same way, with the same status, share a fingerprint;
a check stops at its first broken rule, so that is the price of a fingerprint that does
not change from run to run.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from .outcome import CheckResult, Finding, Status

VERSION = 1
ABOUT = (
    "Known failures of the contract suite: a run given this file with --baseline reports "
    "them as known and does not fail on them. Written by --write-baseline; each entry is a "
    "check and the fingerprint of one of its findings (rule and answer are for people)."
)
# Masked, in this order (after a status the text starts with): quoted values, ids (a word
# of 8 or more characters holding a digit: ULIDs, hex digests, addresses, long numbers),
# numbers, and the literals of JSON and Python.
QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
IDENTIFIER = re.compile(r"-?\b(?=\w*\d)\w{8,}\b")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
LITERAL = re.compile(r"\b(?:true|false|null|True|False|None|NaN|inf)\b")
STATUS = re.compile(r"(\d{3})\b")
NO_ANSWER = "no answer"
FINGERPRINT_LENGTH = 16


class BaselineError(Exception):
    """The baseline file is missing or not one this version writes; one line says which."""


class Kind(StrEnum):
    """Where a failure stands against the baseline."""

    KNOWN = "known"
    NEW = "new"
    FIXED = "fixed"


@dataclass(frozen=True, slots=True, order=True)
class Entry:
    """One known failure: a check and the fingerprint of one of its findings.

    `rule` and `answer` are the readable parts the fingerprint was made of; matching uses
    only `check` and `fingerprint`.
    """

    check: str
    fingerprint: str
    rule: str = ""
    answer: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.check, self.fingerprint)


def masked(text: str) -> str:
    """`text` with everything that varies between inputs masked, whitespace collapsed; a
    status it starts with ("403 (a member key)") is the rule itself and stays."""
    status = STATUS.match(text)
    if status:
        rest = masked(text[status.end() :])
        return f"{status.group(1)} {rest}" if rest else status.group(1)
    text = QUOTED.sub("…", text)
    text = IDENTIFIER.sub("#", text)
    text = NUMBER.sub("#", text)
    text = LITERAL.sub("#", text)
    return " ".join(text.split())


def answer_of(finding: Finding) -> str:
    """The status the finding's answer had ("403"), or "no answer"."""
    match = STATUS.match(finding.response or "")
    return match.group(1) if match else NO_ANSWER


def findings_of(result: CheckResult) -> tuple[Finding, ...]:
    """The findings of a failed check; one made of its reason when it has none (a check
    that got no answer at all, or crashed), as the reports show it."""
    return result.findings or (Finding(result.summary, result.reason),)


def entry_for(check: str, finding: Finding) -> Entry:
    rule = masked(finding.expected)
    if finding.curl is not None or not finding.response:
        # schemathesis's `expected` is the check's summary: the title of its failure says
        # which rule broke. A finding without an answer says it only in `got`.
        rule += f" | {masked(finding.got.split(': ', 1)[0])}"
    answer = answer_of(finding)
    digest = hashlib.sha256("\x1f".join((check, rule, answer)).encode("utf-8"))
    return Entry(check, digest.hexdigest()[:FINGERPRINT_LENGTH], rule, answer)


def entries_of(result: CheckResult) -> tuple[Entry, ...]:
    """One entry per finding of a failed check, in the order of its findings."""
    return tuple(entry_for(result.name, finding) for finding in findings_of(result))


@dataclass(frozen=True, slots=True)
class Baseline:
    entries: frozenset[Entry]

    @property
    def keys(self) -> frozenset[tuple[str, str]]:
        return frozenset(entry.key for entry in self.entries)

    def checks(self) -> frozenset[str]:
        return frozenset(entry.check for entry in self.entries)


def load(path: Path) -> Baseline:
    """Read a baseline file; `BaselineError` with one line when it cannot be used."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"--baseline {path}: no such file") from None
    except OSError as error:
        raise BaselineError(f"--baseline {path}: cannot read it: {error.strerror}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise BaselineError(f"--baseline {path}: not JSON ({error})") from None
    return Baseline(frozenset(parse(document, path)))


def parse(document: Any, path: Path) -> list[Entry]:
    def wrong(what: str) -> BaselineError:
        return BaselineError(f"--baseline {path}: {what} (write one with --write-baseline)")

    if not isinstance(document, dict):
        raise wrong("not a baseline: expected a JSON object")
    if document.get("version") != VERSION:
        raise wrong(f"version {document.get('version')!r}, expected {VERSION}")
    failures = document.get("failures")
    if not isinstance(failures, list):
        raise wrong('no "failures" list')
    entries = []
    for index, item in enumerate(failures):
        fields = item if isinstance(item, dict) else {}
        check, fingerprint = fields.get("check"), fields.get("fingerprint")
        if not isinstance(check, str) or not isinstance(fingerprint, str):
            raise wrong(f'failures[{index}] needs a "check" and a "fingerprint" string')
        rule, answer = fields.get("rule", ""), fields.get("answer", "")
        entries.append(
            Entry(
                check,
                fingerprint,
                rule if isinstance(rule, str) else "",
                answer if isinstance(answer, str) else "",
            )
        )
    return entries


def document(entries: Iterable[Entry]) -> dict[str, Any]:
    """The file's content: sorted and without repeats, so a rewrite changes no line needlessly."""
    return {
        "version": VERSION,
        "about": ABOUT,
        "failures": [
            {"check": e.check, "fingerprint": e.fingerprint, "rule": e.rule, "answer": e.answer}
            for e in sorted(set(entries))
        ],
    }


def write(path: Path, entries: Iterable[Entry]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document(entries), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


# A check that ran and judged: only there can a known failure be seen to be gone.
JUDGED = frozenset({Status.PASSED, Status.FAILED})


@dataclass(frozen=True, slots=True)
class Comparison:
    """A run's failures against a baseline (or none: then every failure is new).

    `kinds` holds, for each failed check, one kind per finding (in order); a failed check
    is known when every one of its findings is known.
    """

    given: bool
    kinds: Mapping[str, tuple[Kind, ...]]
    entries: Mapping[str, tuple[Entry, ...]]
    fixed: tuple[Entry, ...]
    # Baseline entries of checks that did not judge in this run (skipped, inconclusive,
    # not selected): neither seen nor gone, kept when the baseline is written anew.
    unjudged: tuple[Entry, ...]

    def kind(self, result: CheckResult) -> Kind | None:
        """known or new for a failed check, None for any other."""
        kinds = self.kinds.get(result.name)
        if result.status is not Status.FAILED or kinds is None:
            return None
        return Kind.KNOWN if all(kind is Kind.KNOWN for kind in kinds) else Kind.NEW

    def finding_kinds(self, result: CheckResult) -> tuple[Kind, ...]:
        return self.kinds.get(result.name, ())

    def new(self, results: Iterable[CheckResult]) -> list[CheckResult]:
        return [r for r in results if self.kind(r) is Kind.NEW]

    def known(self, results: Iterable[CheckResult]) -> list[CheckResult]:
        return [r for r in results if self.kind(r) is Kind.KNOWN]

    def to_write(self) -> list[Entry]:
        """What `--write-baseline` records: this run's failures, and the known failures of
        checks that could not judge this time (a transient outage forgets nothing)."""
        return [*(e for entries in self.entries.values() for e in entries), *self.unjudged]


def compare(results: Sequence[CheckResult], baseline: Baseline | None) -> Comparison:
    known = baseline.keys if baseline is not None else frozenset()
    failed = [result for result in results if result.status is Status.FAILED]
    entries = {result.name: entries_of(result) for result in failed}
    kinds = {
        name: tuple(Kind.KNOWN if e.key in known else Kind.NEW for e in found)
        for name, found in entries.items()
    }
    seen = {e.key for found in entries.values() for e in found}
    judged = {result.name for result in results if result.status in JUDGED}
    recorded = sorted(baseline.entries) if baseline is not None else []
    return Comparison(
        given=baseline is not None,
        kinds=kinds,
        entries=entries,
        fixed=tuple(e for e in recorded if e.check in judged and e.key not in seen),
        unjudged=tuple(e for e in recorded if e.check not in judged),
    )


def verdict(results: Sequence[CheckResult], comparison: Comparison) -> Status:
    """The run as a whole: failed on a new failure, else inconclusive if any check was,
    else passed (known failures allowed)."""
    if comparison.new(results):
        return Status.FAILED
    if any(result.status is Status.INCONCLUSIVE for result in results):
        return Status.INCONCLUSIVE
    return Status.PASSED
