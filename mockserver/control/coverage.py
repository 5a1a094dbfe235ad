"""API coverage: which operations, parameters, status codes and error codes clients exercised.

Everything that could be exercised is read from `openapi.yaml` (its operations, their
query parameters and documented responses, the error codes of its `Error` schema), so
a report also lists what was never seen: the part of the API a client's tests never
touched.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from mockserver.spec import Spec
from mockserver.spec.operations import operation_table

NO_PARAMETERS = "(none)"


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

    def record(
        self, operation_id: str | None, sent: set[str], status: int | None, error_code: str | None
    ) -> None:
        """One request: its operation (None when it matched none), the query parameter
        names it sent, the status it got (None when dropped) and its error code."""
        if error_code is not None:
            self._error_codes[error_code] += 1
        operation = self.operations.get(operation_id) if operation_id else None
        if operation_id is None or operation is None:
            self._other += 1
            return
        use = self._uses[operation_id]
        use.requests += 1
        known = sent.intersection(operation.parameters)
        use.parameters.update(known)
        if status is not None:
            use.statuses[str(status)] += 1
            if 200 <= status < 300:
                use.combinations[operation.combination(known)] += 1

    def report(self) -> dict[str, Any]:
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
