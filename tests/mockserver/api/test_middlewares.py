"""The API's checks: a rejected parameter is the `invalid_parameter` envelope, after the role."""

from __future__ import annotations

import pytest

from tests.conftest import Client

AUDIT_LOG = "/api/v1/audit-log"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=500", "limit: must be an integer from 1 to 200, got '500'"),
        ("limit=1&limit=2", "limit: given 2 times; give it at most once"),
        ("action=", "action: must be a string of 1 to 100 characters, got ''"),
        (
            f"since={'9' * 50}",
            f"since: must be an integer from 0 to {2**63 - 1}, got '{'9' * 40}…'",
        ),
    ],
)
async def test_a_rejected_parameter_is_the_invalid_parameter_envelope(
    client: Client, admin: dict[str, str], query: str, message: str
) -> None:
    response = await client.get(f"{AUDIT_LOG}?{query}", headers=admin)
    assert response.status == 400
    assert await response.json() == {"error": {"code": "invalid_parameter", "message": message}}


async def test_the_role_is_checked_before_the_parameters(
    client: Client, member: dict[str, str]
) -> None:
    response = await client.get(f"{AUDIT_LOG}?limit=500", headers=member)
    assert response.status == 403
    assert (await response.json())["error"]["code"] == "forbidden"
