"""The proxy in front of the mock and of its broken variants: each variant one exchange can
reveal is reported by the check of its rule; the mock and the allowed variants by none."""

from __future__ import annotations

import pytest

from mockserver.domain.models import World
from tests.contracts.proxy.running import exercise, mock_behind_proxy
from tests.contracts.variants import ALLOWED, BROKEN, Keys, Variant

# Each variant a single exchange reveals, and the check the proxy reports it under
# (the suite's name for the rule where it is the same rule).
REVEALED = {
    "member-reads-audit-log": None,
    "parameters-before-role": None,
    "no-www-authenticate": "errors.www-authenticate",
    "key-prefix-accepted": None,
    "key-case-insensitive": None,
    "unknown-key-forbidden": "auth.member-forbidden",
    "key-echoed": "auth.key-not-echoed",
    "other-scheme-accepted": "auth.wrong-scheme",
    "flat-error-envelope": "errors.envelope",
    "not-found-as-text": None,
    "no-allow-header": "errors.method-not-allowed",
    "refused-method-not-found": "errors.method-not-allowed",
    "head-not-served": "schema.status_code_conformance",
    "crash-on-long-numbers": "errors.no-server-error",
    "message-without-parameter": "errors.names-parameter",
    "action-case-insensitive": "audit.filter-action",
    "action-prefix-match": "audit.filter-action",
    "user-filter-ignored": "audit.filter-user",
    "filters-or": "audit.filter-action",
    "since-inclusive": "audit.since",
    "since-ignored": "audit.since",
    "since-one-second-late": None,
    "limit-clamped": "params.limit-bounds",
    "limit-zero-means-default": "params.limit-bounds",
    "limit-float-truncated": "params.limit-integer",
    "repeated-last-wins": "params.repeated",
    "unknown-param-rejected": "params.unknown-ignored",
    "brackets-read-as-the-parameter": "audit.page-size",
    "empty-filter-ignored": "params.filter-length",
    "negative-since-accepted": "params.since",
    "oldest-first": "audit.newest-first",
    "ties-by-id-ascending": "audit.tie-order",
    "digit-ids-tied-as-numbers": "audit.tie-order",
    "total-after-limit": "audit.has-more",
    "has-more-off-by-one": "audit.has-more",
    "has-more-from-page-size": "audit.has-more",
    "integers-parsed-by-int": "params.limit-integer",
    "default-limit-20": "audit.default-limit",
    "short-page": "audit.page-size",
    "entity-id-omitted-when-null": "entries.entity-id",
    "timestamps-in-seconds": "entries.timestamps",
    "duplicate-ids": "entries.unique-ids",
    "content-type-text": "http.content-type",
    "plan-capitalized": "project.fields",
    "counts-uncached": "project.stable-counts",
    "counts-change-every-fourth-call": "project.stable-counts",
    "other-project-sees-first": None,
}
# Why the others need more than one exchange, or knowledge the proxy does not have.
HIDDEN = {
    "member-reads-audit-log": "the proxy does not know which key is a member's",
    "parameters-before-role": "the same: a 400 to an unknown key's role is no violation",
    "key-prefix-accepted": "the proxy does not know which keys exist",
    "key-case-insensitive": "the same",
    "not-found-as-text": "paths outside the spec may be other endpoints of a real API",
    "since-one-second-late": "entries left out show only beside a broader listing",
    "other-project-sees-first": "the proxy does not know which project a key belongs to",
}


def test_every_variant_is_classified() -> None:
    assert {v.name for v in BROKEN} == set(REVEALED)
    assert {name for name, check in REVEALED.items() if check is None} == set(HIDDEN)


def test_the_mock_breaks_nothing(contract_world: World, contract_keys: Keys) -> None:
    with mock_behind_proxy(contract_world) as proxied:
        exercise(proxied.url, contract_keys)
    assert proxied.found() == set(), "\n".join(proxied.lines)
    # The traffic's own mistakes are the client's, and each is told.
    assert proxied.found_of_client() == {
        "request.valid-parameters",
        "request.repeated-parameter",
        "request.unknown-parameter",
        "request.authorization",
    }
    assert proxied.monitor.exchanges > 40


@pytest.mark.parametrize("variant", [v for v in BROKEN if REVEALED[v.name]], ids=lambda v: v.name)
def test_a_broken_variant_is_reported_by_name(
    variant: Variant, contract_world: World, contract_keys: Keys
) -> None:
    middleware = variant.build(contract_world, contract_keys)
    with mock_behind_proxy(contract_world, [middleware]) as proxied:
        exercise(proxied.url, contract_keys)
    assert REVEALED[variant.name] in proxied.found(), "\n".join(proxied.lines)


@pytest.mark.parametrize("variant", ALLOWED, ids=lambda v: v.name)
def test_an_allowed_variant_breaks_nothing(
    variant: Variant, contract_world: World, contract_keys: Keys
) -> None:
    middleware = variant.build(contract_world, contract_keys)
    with mock_behind_proxy(contract_world, [middleware]) as proxied:
        exercise(proxied.url, contract_keys)
    assert proxied.found() == set(), "\n".join(proxied.lines)
