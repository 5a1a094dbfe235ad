"""What the traffic exercised of the API: operations, parameters and statuses.

The suite asks its own questions; live traffic asks the application's. Which of the
spec's operations, parameters and documented statuses it met, and which it never
did, says what the proxy's verdicts cover and what the suite's own run adds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .capture import Captured
from .operations import Operations
from .request import Kind, Reading


@dataclass(slots=True)
class OperationUse:
    exchanges: int = 0
    parameters: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    unknown_parameters: Counter[str] = field(default_factory=Counter)


@dataclass(slots=True)
class Coverage:
    """Counts by operation (`operationId` and method), and what fell outside the spec."""

    operations: Operations
    by_operation: dict[str, OperationUse] = field(default_factory=dict)
    refused_methods: Counter[str] = field(default_factory=Counter)
    outside: int = 0
    unanswered: int = 0
    transient: Counter[int] = field(default_factory=Counter)

    def add(self, captured: Captured, reading: Reading | None, transient: bool) -> None:
        if captured.status is None:
            self.unanswered += 1
        elif transient:
            self.transient[captured.status] += 1
        if self.operations.at(captured.path) is None:
            self.outside += 1
            return
        if reading is None:
            self.refused_methods[captured.method.upper()] += 1
            return
        use = self.by_operation.setdefault(reading.operation.operation_id, OperationUse())
        use.exchanges += 1
        use.parameters.update(reading.given)
        use.unknown_parameters.update(
            p.parameter for p in reading.problems if p.kind is Kind.UNKNOWN
        )
        if captured.status is not None:
            use.statuses[captured.status] += 1

    def lines(self) -> list[str]:
        """Per operation: exchanges, the parameters and statuses met, and those never met."""
        lines = []
        for operation in self.operations.all():
            use = self.by_operation.get(operation.operation_id, OperationUse())
            head = f"{operation.operation_id} ({operation.method} {operation.path})"
            if not use.exchanges:
                lines.append(f"  {head}: never exercised")
                continue
            lines.append(f"  {head}: {use.exchanges} exchanges")
            names = [p.name for p in operation.parameters]
            if names:
                lines.append(f"    parameters: {_met(names, use.parameters)}")
            documented = sorted(operation.answers)
            seen = sorted(set(use.statuses) | set(documented))
            shown = ", ".join(
                f"{status} x{use.statuses[status]}" if use.statuses[status] else f"{status} never"
                for status in seen
            )
            lines.append(f"    statuses: {shown}")
            if use.unknown_parameters:
                unknown = ", ".join(f"{n} x{c}" for n, c in use.unknown_parameters.most_common())
                lines.append(f"    unknown parameters sent: {unknown}")
        if self.refused_methods:
            refused = ", ".join(f"{m} x{c}" for m, c in sorted(self.refused_methods.items()))
            lines.append(f"  other methods on the API's paths: {refused}")
        return lines


def _met(names: list[str], counts: Counter[str]) -> str:
    return ", ".join(f"{n} x{counts[n]}" if counts[n] else f"{n} never" for n in names)
