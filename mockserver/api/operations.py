"""What the API requires of each of its operations: a role, and valid query parameters."""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.domain.models import Role
from mockserver.spec.loader import Spec, operations
from mockserver.spec.validation import QueryValidator

# The role each operation needs, by operationId (the docs make the audit log admin-only).
ROLES: dict[str, Role] = {
    "listAuditLogEntries": Role.ADMIN,
    "getProject": Role.MEMBER,
}


@dataclass(frozen=True, slots=True)
class Operation:
    role: Role
    parameters: QueryValidator


def api_operations(spec: Spec) -> dict[str, Operation]:
    """Every operation of the spec, by operationId."""
    return {
        operation_id: Operation(ROLES[operation_id], QueryValidator(operation))
        for operation_id, (_, operation) in operations(spec).items()
    }
