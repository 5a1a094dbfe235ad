"""The API's operation table: for each operation of the spec, its route, the role it
requires and its query parameters' rules, all read from `openapi.yaml` (through
`spec.operations`). The handler of each operation, the one part that is code, is named
beside this table in `api/routes.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.domain.models import Role
from mockserver.spec import Spec
from mockserver.spec.operations import SpecOperation, operation_table
from mockserver.spec.validation import QueryValidator

# The role of an operation whose security requirement names none: any valid key will
# do, and every key has at least this role.
ANY_KEY = Role.MEMBER


@dataclass(frozen=True, slots=True)
class Operation:
    """What the API requires of one operation: where it is, who may call it, and which
    query parameters it takes."""

    method: str
    path: str
    role: Role
    parameters: QueryValidator


def api_operations(spec: Spec) -> dict[str, Operation]:
    """Every operation of the spec, by operationId, in the spec's order."""
    return {
        operation_id: Operation(
            operation.method,
            operation.path,
            required_role(operation),
            QueryValidator(operation.definition),
        )
        for operation_id, operation in operation_table(spec).items()
    }


def required_role(operation: SpecOperation) -> Role:
    """The one role the operation's security requirement names, or `ANY_KEY` when none."""
    if not operation.roles:
        return ANY_KEY
    if len(operation.roles) > 1:
        raise ValueError(f"{operation.operation_id} names {operation.roles}: name one role")
    return Role(operation.roles[0])
