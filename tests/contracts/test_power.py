"""The suite's power: every deliberately broken variant of the API is caught by the check named
for the rule it breaks, and variants the contract allows pass every check."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from contracts import Status, check_names
from mockserver.domain.models import World
from tests.contracts.harness import run, serving
from tests.contracts.variants import ALLOWED, BROKEN, Keys, Variant
from tests.contracts.variants.rewrite import (
    AUDIT_LOG,
    Json,
    error,
    replace_answer,
    rewrite_entries,
    rewrite_request,
    token,
    with_query,
)

SEMANTIC_GROUPS = ("auth", "errors", "http", "params", "entries", "audit", "project", "isolation")


def test_broken_variants_cover_every_area() -> None:
    areas = {variant.area for variant in BROKEN}
    assert len(BROKEN) >= 20
    assert areas >= {
        "ordering",
        "filters",
        "pagination",
        "limits",
        "auth",
        "errors",
        "schema",
        "isolation",
    }


def test_every_variant_has_its_own_name_and_names_real_checks() -> None:
    names = [variant.name for variant in (*BROKEN, *ALLOWED)]
    assert len(names) == len(set(names))
    for variant in BROKEN:
        assert variant.caught_by <= set(check_names()), variant.name


@pytest.mark.parametrize("variant", BROKEN, ids=lambda v: v.name)
def test_broken_variant_is_caught(
    variant: Variant, contract_world: World, contract_keys: Keys
) -> None:
    with serving(contract_world, [variant.build(contract_world, contract_keys)]) as url:
        report = run(url, contract_keys, select=tuple(variant.caught_by))
    failed = {result.name for result in report.failed}
    assert failed & variant.caught_by, [(r.name, r.status, r.reason) for r in report.results]
    for result in report.failed:
        assert result.findings, result.name
        assert "the check itself failed" not in result.reason, result.reason


# The variants that break the most at once: every semantic check must still conclude
# (pass, fail or skip) instead of failing in itself.
DESTRUCTIVE = (
    "oldest-first",
    "flat-error-envelope",
    "timestamps-in-seconds",
    "duplicate-ids",
    "content-type-text",
    "total-after-limit",
)


@pytest.mark.parametrize("name", DESTRUCTIVE)
def test_every_check_concludes_on_a_broken_variant(
    name: str, contract_world: World, contract_keys: Keys
) -> None:
    variant = next(v for v in BROKEN if v.name == name)
    with serving(contract_world, [variant.build(contract_world, contract_keys)]) as url:
        report = run(url, contract_keys, select=SEMANTIC_GROUPS, max_examples=5)
    assert report.failed
    crashed = [r.reason for r in report.results if "the check itself failed" in r.reason]
    assert not crashed


@pytest.mark.parametrize("variant", ALLOWED, ids=lambda v: v.name)
def test_allowed_variant_passes(
    variant: Variant, contract_world: World, contract_keys: Keys
) -> None:
    with serving(contract_world, [variant.build(contract_world, contract_keys)]) as url:
        report = run(url, contract_keys, max_examples=10)
    problems = [f"{r.name}: {r.reason}" for r in report.failed]
    assert not problems
    assert all(r.status is Status.PASSED for r in report.results), [
        (r.name, r.reason) for r in report.results if r.status is not Status.PASSED
    ]


# Answers that leave a check nothing to judge. None breaks the rule of that check, and
# none keeps it either: the check must say so by skipping, never by passing.


def refusals_as_403(keys: Keys) -> Middleware:
    return replace_answer(
        lambda _, response: error(403, "forbidden", "No.") if response.status == 401 else None
    )


def errors_as_200(keys: Keys) -> Middleware:
    return replace_answer(
        lambda _, response: web.json_response({}) if response.status >= 400 else None
    )


def parameters_ignored(keys: Keys) -> Middleware:
    return rewrite_request(lambda request: with_query(request, []))


def second_project_empty(keys: Keys) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path == AUDIT_LOG and token(request) == keys.admin[1]:
            return web.json_response({"data": [], "total": 0, "hasMore": False})
        return await handler(request)

    return middleware


def no_ties(keys: Keys) -> Middleware:
    def untied(data: list[Json]) -> list[Json]:
        kept: list[Json] = []
        for entry in data:
            if not kept or kept[-1]["timestamp"] != entry["timestamp"]:
                kept.append(entry)
        return kept

    return rewrite_entries(untied)


NOTHING_TO_JUDGE: tuple[tuple[str, Callable[[Keys], Middleware]], ...] = (
    ("errors.www-authenticate", refusals_as_403),
    ("errors.envelope", errors_as_200),
    ("errors.names-parameter", parameters_ignored),
    ("isolation.tenants", second_project_empty),
    ("audit.tie-order", no_ties),
)


@pytest.mark.parametrize(("check", "build"), NOTHING_TO_JUDGE, ids=[c for c, _ in NOTHING_TO_JUDGE])
def test_a_check_with_nothing_to_judge_skips_with_a_reason(
    check: str, build: Callable[[Keys], Middleware], contract_world: World, contract_keys: Keys
) -> None:
    with serving(contract_world, [build(contract_keys)]) as url:
        report = run(url, contract_keys, select=(check,), max_examples=5)
    (result,) = report.results
    assert (result.status, bool(result.reason)) == (Status.SKIPPED, True), result
