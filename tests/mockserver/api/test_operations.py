"""The API's operation table: paths, methods, roles and parameters come from the spec."""

from __future__ import annotations

import pytest

from mockserver.api.operations import ANY_KEY, api_operations, required_role
from mockserver.domain.models import Role
from mockserver.spec.loader import load_spec
from mockserver.spec.operations import SpecOperation

AUDIT_LOG = "/api/v1/audit-log"


def test_each_operation_has_the_role_and_parameters_the_spec_gives() -> None:
    table = api_operations(load_spec())
    assert {operation_id: (o.method, o.path, o.role) for operation_id, o in table.items()} == {
        "listAuditLogEntries": ("GET", AUDIT_LOG, Role.ADMIN),
        "getProject": ("GET", "/api/v1/project", Role.MEMBER),
    }
    assert table["listAuditLogEntries"].parameters.names == ["action", "userId", "since", "limit"]
    assert table["getProject"].parameters.names == []


def _operation(*roles: str) -> SpecOperation:
    return SpecOperation("op", "GET", "/op", roles, {})


def test_no_role_named_means_any_key_one_named_means_that_one() -> None:
    assert required_role(_operation()) is ANY_KEY is Role.MEMBER
    assert required_role(_operation("admin")) is Role.ADMIN
    assert required_role(_operation("member")) is Role.MEMBER


@pytest.mark.parametrize("roles", [("admin", "member"), ("owner",)])
def test_two_roles_or_an_unknown_one_stop_the_table(roles: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        required_role(_operation(*roles))
