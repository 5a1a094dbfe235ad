"""An OpenAPI document's operations: the one walk over its paths, as a table by operationId.

The API's routes and checks, the control API's routes and validators, the coverage
report and the tests all take their operations from this table, so a path, a method
or the role an operation requires is read from the document in one place.

The role comes from the operation's security requirement (its own, else the
document's): OpenAPI 3.1 lets a requirement of a scheme that is not OAuth list "role
names which are required for the execution". `apiKey: [admin]` names the role `admin`;
`apiKey: []` names none.
"""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.spec import Spec

# The keys of a path item that hold operations; the others (`summary`, `parameters`,
# `servers`, ...) describe the path.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True, slots=True)
class SpecOperation:
    """One operation of a document: what identifies it, and its definition as written."""

    operation_id: str
    method: str
    """Upper case, as HTTP writes it: `GET`."""
    path: str
    roles: tuple[str, ...]
    """The roles its security requirements name, in their order; empty when none does."""
    definition: Spec

    @property
    def query_parameters(self) -> list[Spec]:
        return query_parameters(self.definition)

    @property
    def statuses(self) -> tuple[str, ...]:
        """The status codes its responses document, in order: `("200", "400", "401")`."""
        return tuple(sorted(self.definition.get("responses", {})))


def operation_table(spec: Spec) -> dict[str, SpecOperation]:
    """Every operation of `spec` by operationId, in the order the document lists them."""
    default_security = spec.get("security", [])
    table: dict[str, SpecOperation] = {}
    for path, item in spec.get("paths", {}).items():
        for method in HTTP_METHODS:
            definition = item.get(method)
            if definition is None:
                continue
            operation_id = definition["operationId"]
            if operation_id in table:
                raise ValueError(f"operationId {operation_id!r} is given twice")
            security = definition.get("security", default_security)
            table[operation_id] = SpecOperation(
                operation_id, method.upper(), path, _roles(security), definition
            )
    return table


def query_parameters(definition: Spec) -> list[Spec]:
    """The parameters of an operation that go in the query string, in the spec's order."""
    return [param for param in definition.get("parameters", []) if param.get("in") == "query"]


def _roles(security: list[dict[str, list[str]]]) -> tuple[str, ...]:
    named = (role for requirement in security for roles in requirement.values() for role in roles)
    return tuple(dict.fromkeys(named))
