"""API coverage: which operations, parameters, status codes and error codes clients exercised.

Everything that could be exercised is read from `openapi.yaml` (its operations, their
query parameters and documented responses, the error codes of its `Error` schema), so
a report also lists what was never seen: the part of the API a client's tests never
touched.

The request path only `count`s what it has at hand (the route's name, the raw query
string, the status, an error's body) by those raw values; parsing them (the query's
names, the error's code) waits until a report is asked for, or until so many distinct
requests wait that they are folded in to keep memory bounded. Clients repeat the same
few requests, so parsing happens once per distinct request rather than once per request.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from yarl import URL

from mockserver.spec import Spec
from mockserver.spec.operations import operation_table

NO_PARAMETERS = "(none)"
# Distinct requests counted by their raw values before they are folded into the counts.
MAX_PENDING = 4_096

# A request as the request path counts it: operationId (None when none matched), raw
# query string, status (None when dropped), and the body of an error response.
RawUse = tuple[str | None, str, int | None, bytes | None]


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    parameters: tuple[str, ...]
    statuses: tuple[str, ...]

    def combination(self, sent: set[str]) -> str:
        """`action+since`: the parameters sent, in the spec's order."""
        return "+".join(name for name in self.parameters if name in sent) or NO_PARAMETERS

    def all_combinations(self) -> list[str]:
        return [
            self.combination(set(chosen))
            for size in range(len(self.parameters) + 1)
            for chosen in combinations(self.parameters, size)
        ]


@dataclass(slots=True)
class _Use:
    requests: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    parameters: Counter[str] = field(default_factory=Counter)
    combinations: Counter[str] = field(default_factory=Counter)


def _seen(counts: Counter[str], possible: list[str] | tuple[str, ...]) -> dict[str, Any]:
    ordered = sorted(counts, key=lambda value: (value not in possible, str(value)))
    return {
        "seen": {value: counts[value] for value in ordered},
        "never": [value for value in possible if value not in counts],
    }


class Coverage:
    """Counts of what the API's clients exercised; a report says what they never did."""

    def __init__(self, spec: Spec) -> None:
        self.operations = {
            operation_id: Operation(
                method=operation.method,
                path=operation.path,
                parameters=tuple(p["name"] for p in operation.query_parameters),
                statuses=operation.statuses,
            )
            for operation_id, operation in operation_table(spec).items()
        }
        error = spec["components"]["schemas"]["Error"]["properties"]["error"]
        self.error_codes: tuple[str, ...] = tuple(error["properties"]["code"]["enum"])
        self.clear()

    def clear(self) -> None:
        self._uses = {operation_id: _Use() for operation_id in self.operations}
        self._error_codes: Counter[str] = Counter()
        self._other = 0
        self._pending: dict[RawUse, int] = {}

    def count(
        self, operation_id: str | None, raw_query: str, status: int | None, error_body: bytes | None
    ) -> None:
        """One request, by the raw values the request path has (see `RawUse`): a dict
        update, parsed when a report is asked for (see `record` for what counts)."""
        use = (operation_id, raw_query, status, error_body)
        pending = self._pending
        pending[use] = pending.get(use, 0) + 1
        if len(pending) > MAX_PENDING:
            self._fold()

    def _fold(self) -> None:
        """Parse and count every request `count` has kept aside."""
        pending, self._pending = self._pending, {}
        for (operation_id, raw_query, status, error_body), times in pending.items():
            query = URL.build(query_string=raw_query, encoded=True).query
            sent = set(query) if raw_query else set()
            code = error_code(error_body) if error_body is not None else None
            self.record(operation_id, sent, status, code, times)

    def record(
        self,
        operation_id: str | None,
        sent: set[str],
        status: int | None,
        error_code: str | None,
        times: int = 1,
    ) -> None:
        """`times` alike requests: their operation (None when it matched none), the query
        parameter names they sent, the status they got (None when dropped) and its error
        code."""
        if error_code is not None:
            self._error_codes[error_code] += times
        operation = self.operations.get(operation_id) if operation_id else None
        if operation_id is None or operation is None:
            self._other += times
            return
        use = self._uses[operation_id]
        use.requests += times
        known = sent.intersection(operation.parameters)
        for name in known:
            use.parameters[name] += times
        if status is not None:
            use.statuses[str(status)] += times
            if 200 <= status < 300:
                use.combinations[operation.combination(known)] += times

    def report(self) -> dict[str, Any]:
        self._fold()
        return {
            "operations": [
                {
                    "operationId": operation_id,
                    "method": operation.method,
                    "path": operation.path,
                    "requests": self._uses[operation_id].requests,
                    "statusCodes": _seen(self._uses[operation_id].statuses, operation.statuses),
                    "parameters": _seen(self._uses[operation_id].parameters, operation.parameters),
                    "combinations": _seen(
                        self._uses[operation_id].combinations, operation.all_combinations()
                    ),
                }
                for operation_id, operation in self.operations.items()
            ],
            "errorCodes": _seen(self._error_codes, self.error_codes),
            "otherRequests": self._other,
        }

    def absorb(self, report: dict[str, Any]) -> None:
        """Add the counts of another server's report (the pytest plugin sums its servers)."""
        self._fold()
        for shown in report["operations"]:
            use = self._uses.get(shown["operationId"])
            if use is None:
                continue
            use.requests += shown["requests"]
            use.statuses.update(shown["statusCodes"]["seen"])
            use.parameters.update(shown["parameters"]["seen"])
            use.combinations.update(shown["combinations"]["seen"])
        self._error_codes.update(report["errorCodes"]["seen"])
        self._other += report["otherRequests"]


def error_code(body: bytes) -> str | None:
    """The `error.code` of an error response's body (every error goes through one envelope)."""
    try:
        code = json.loads(body)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None
    return code if isinstance(code, str) else None


def _line(label: str, seen: dict[str, Any]) -> str:
    counted = ", ".join(f"{value} x{count}" for value, count in seen["seen"].items()) or "-"
    never = f"   never: {', '.join(seen['never'])}" if seen["never"] else ""
    return f"  {label:<14}{counted}{never}"


def render(report: dict[str, Any]) -> str:
    """The report as text, for a terminal."""
    lines = []
    for operation in report["operations"]:
        lines.append(
            f"{operation['method']} {operation['path']} ({operation['operationId']}): "
            f"{operation['requests']} requests"
        )
        lines.append(_line("status codes", operation["statusCodes"]))
        if operation["parameters"]["seen"] or operation["parameters"]["never"]:
            lines.append(_line("parameters", operation["parameters"]))
            lines.append(_line("combinations", operation["combinations"]))
    lines.append(_line("error codes", report["errorCodes"]).strip())
    lines.append(f"other requests: {report['otherRequests']}")
    return "\n".join(lines)
