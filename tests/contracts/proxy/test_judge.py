"""What one exchange shows, judged with the suite's rules and reported by its check names."""

from __future__ import annotations

import gzip
import json

from contracts.proxy.judge import RULES, judge
from contracts.proxy.operations import operations
from tests.contracts.proxy.exchanges import ADMIN, JSON, captured, entry, page

T = 1_735_600_000_000
ERROR_401 = {"error": {"code": "unauthorized", "message": "A key is needed."}}


def broken(*args: object, **kwargs: object) -> set[str]:
    return {b.check for b in judge(captured(*args, **kwargs), operations()).breaches}  # type: ignore[arg-type]


def test_a_good_page_breaks_nothing_and_is_judged_on_every_rule_of_one_page() -> None:
    body = page(entry("b", T + 2), entry("a2", T + 1), entry("a1", T + 1), total=10)
    verdict = judge(captured("/api/v1/audit-log?limit=3&since=1", 200, body), operations())
    assert verdict.breaches == []
    assert {"audit.newest-first", "audit.tie-order", "audit.since", "audit.page-size"} <= (
        verdict.judged
    )


def test_each_rule_of_a_page_by_name() -> None:
    one, two = entry("b", T + 2), entry("a", T + 1)
    assert broken("/api/v1/audit-log?limit=2", 200, page(two, one, total=5)) == {
        "audit.newest-first"
    }
    assert broken(
        "/api/v1/audit-log?limit=2", 200, page(entry("a", T), entry("b", T), total=5)
    ) == {"audit.tie-order"}
    assert "audit.page-size" in broken("/api/v1/audit-log?limit=3", 200, page(one, two, total=5))
    assert "audit.default-limit" in broken("/api/v1/audit-log", 200, page(one, two, total=60))
    assert "audit.has-more" in broken(
        "/api/v1/audit-log?limit=2", 200, page(one, two, total=2, has_more=True)
    )
    assert "audit.filter-user" in broken("/api/v1/audit-log?userId=system", 200, page(one))
    assert "audit.since" in broken(f"/api/v1/audit-log?since={T + 1}", 200, page(one, two))
    assert "entries.unique-ids" in broken("/api/v1/audit-log", 200, page(one, one))
    assert "entries.timestamps" in broken("/api/v1/audit-log", 200, page(entry("s", T // 1000)))


def test_refusals_the_request_calls_for() -> None:
    ok = page(entry("a", T))
    assert "params.limit-bounds" in broken("/api/v1/audit-log?limit=500", 200, ok)
    assert "params.limit-integer" in broken("/api/v1/audit-log?limit=1.5", 200, ok)
    assert "params.repeated" in broken("/api/v1/audit-log?since=1&since=1", 200, ok)
    invalid = {"error": {"code": "invalid_parameter", "message": "That is wrong."}}
    assert broken("/api/v1/audit-log?limit=0", 400, invalid) == {
        "errors.names-parameter",
        "request.valid-parameters",
    }
    assert "schema.positive_data_acceptance" in broken("/api/v1/audit-log?limit=5", 400, invalid)
    assert "params.unknown-ignored" in broken("/api/v1/audit-log?offset=5", 400, invalid)


def test_authentication_and_errors() -> None:
    assert broken("/api/v1/project", 200, {}, request_headers=()) >= {"auth.missing-key"}
    token = (("Authorization", "Token alk_a_0123456789abcdef"),)
    assert "auth.wrong-scheme" in broken("/api/v1/project", 200, {}, request_headers=token)
    assert "errors.www-authenticate" in broken("/api/v1/project", 401, ERROR_401)
    challenge = (*JSON, ("WWW-Authenticate", "Bearer"))
    assert broken("/api/v1/project", 401, ERROR_401, headers=challenge) == set()
    echoed = {"error": {"code": "unauthorized", "message": "Bad: alk_a_0123456789abcdef"}}
    assert "auth.key-not-echoed" in broken("/api/v1/audit-log", 401, echoed, headers=challenge)
    assert "errors.envelope" in broken("/api/v1/audit-log", 403, {"message": "no"})
    assert "errors.no-server-error" in broken("/api/v1/audit-log", 500, {"error": {}})
    assert "auth.member-forbidden" in broken(
        "/api/v1/project", 403, {"error": {"code": "forbidden", "message": "No."}}
    )


def test_refused_methods_and_head() -> None:
    refusal = {"error": {"code": "method_not_allowed", "message": "No."}}
    allow = (*JSON, ("Allow", "GET, HEAD"))
    assert broken("/api/v1/audit-log", 405, refusal, method="POST", headers=allow) == set()
    assert "errors.method-not-allowed" in broken("/api/v1/audit-log", 405, refusal, method="PUT")
    assert "errors.method-not-allowed" in broken("/api/v1/audit-log", 200, {}, method="DELETE")
    assert "http.head" in broken("/api/v1/project", 200, method="HEAD", raw=b"{}")


def test_what_is_not_judged() -> None:
    # Transient answers, paths outside the spec, no answer at all, a body cut short.
    assert judge(captured("/api/v1/audit-log", 503, {}), operations()).judged == set()
    assert judge(captured("/api/v2/other", 500, {}), operations()).judged == set()
    assert judge(captured("/api/v1/audit-log", None), operations()).judged == set()
    cut = judge(captured("/api/v1/audit-log", 200, raw=b'{"data": [', complete=False), operations())
    assert "entries.shape" not in cut.judged and cut.breaches == []
    # A value that is no text: 400 or a filter that matches nothing are both allowed.
    assert broken("/api/v1/audit-log?action=%FF", 200, page()) == set()


def test_a_compressed_body_is_judged_as_the_client_reads_it() -> None:
    body = gzip.compress(json.dumps(page(entry("a", T), entry("b", T + 5))).encode())
    headers = (*JSON, ("Content-Encoding", "gzip"))
    assert broken("/api/v1/audit-log", 200, raw=body, headers=headers) == {"audit.newest-first"}


def test_every_rule_has_a_unique_name() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    assert ADMIN
