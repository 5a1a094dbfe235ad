"""The mistakes this server can be told to make: each one a switch, each one realistic.

Every mistake is one a server written with `http.server` and `sqlite3` is known to make:
a `LIKE` where equality was meant, an `ORDER BY` without its tie-break, Python's lenient
`int()`, `parse_qs` keeping one of two values, the framework's HTML error pages. The
server consults a switch at the one place where the mistake would be written, so a
server with one switch on differs from the correct one in exactly that way.
"""

from __future__ import annotations

from enum import StrEnum


class Mistake(StrEnum):
    """One way of getting the contract wrong; the value is its name in test ids."""

    # SQL
    LIKE_FILTERS = "like-filters"
    """`action LIKE ?` and `user_id LIKE ?`: case-insensitive, and `_`/`%` are wildcards."""
    NO_TIE_BREAK = "no-tie-break"
    """`ORDER BY timestamp DESC` alone: ties come in the order the index happens to hold."""
    SINCE_INCLUSIVE = "since-inclusive"
    """`timestamp >= ?` for `since`: the entry at the instant a poller saw comes again."""
    TOTAL_UNFILTERED = "total-unfiltered"
    """`COUNT(*)` over the project's whole log, before the filters were added to it."""
    TOTAL_FROM_PAGE = "total-from-page"
    """`total = len(rows)`: the count of the page fetched, after `LIMIT`."""
    HAS_MORE_FROM_PAGE_SIZE = "has-more-from-page-size"
    """`hasMore = len(rows) == limit`: a full page is taken to mean that more follow."""
    FILTERS_DROP_PROJECT = "filters-drop-project"
    """The query builder starts a fresh `WHERE` for the filters and loses `project_id = ?`."""
    # Parameters
    LIMIT_CLAMPED = "limit-clamped"
    """`limit = max(1, min(limit, 200))`: out-of-range limits served instead of rejected."""
    SINCE_UNBOUNDED = "since-unbounded"
    """No upper bound on `since`: sqlite3 cannot bind an integer beyond 64 bits (a 500)."""
    LENIENT_INTEGERS = "lenient-integers"
    """Python's `int()` parses the numbers: `' 5'`, `'+5'`, `'1_0'` and fullwidth digits
    (`'\\uff15'`) pass as integers."""
    REPEATED_LAST_WINS = "repeated-last-wins"
    """`dict(parse_qsl(...))`: of a parameter given twice, the last value silently wins."""
    UNKNOWN_REJECTED = "unknown-rejected"
    """Strict validation: a parameter the server does not know is a 400."""
    MESSAGE_WITHOUT_NAME = "message-without-name"
    """One generic message for every invalid parameter, naming none."""
    # Authentication and authorization
    VALIDATION_BEFORE_AUTH = "validation-before-auth"
    """The query string is validated first, so a bad parameter gets 400 before any 401/403."""
    MEMBER_READS_AUDIT_LOG = "member-reads-audit-log"
    """Any valid key reads the audit log: the role is never looked at."""
    BEARER_OPTIONAL = "bearer-optional"
    """`header.removeprefix("Bearer ")`: a key sent bare is accepted too."""
    KEYS_CASE_INSENSITIVE = "keys-case-insensitive"
    """Keys are lower-cased before they are hashed and looked up."""
    KEY_ECHOED = "key-echoed"
    """The 401 message quotes the key that was refused."""
    NO_WWW_AUTHENTICATE = "no-www-authenticate"
    """401 without a `WWW-Authenticate` header."""
    # HTTP
    DEFAULT_ERROR_PAGES = "default-error-pages"
    """`send_error` is not overridden: unknown paths get http.server's HTML page, and
    methods without a `do_*` handler its HTML 501."""
    NO_ALLOW_HEADER = "no-allow-header"
    """405 without the `Allow` header."""
    NO_HEAD = "no-head"
    """Only `do_GET` is written: `HEAD` is refused like `POST`."""
    NO_CONTENT_TYPE = "no-content-type"
    """`send_header("Content-Type", ...)` forgotten: answers carry no media type."""
    # Entries and the project
    ENTITY_ID_DROPPED = "entity-id-dropped"
    """Columns that are `NULL` are left out of the entry, so `entityId` goes missing."""
    TIMESTAMPS_IN_SECONDS = "timestamps-in-seconds"
    """`timestamp / 1000` on the way out: seconds where milliseconds are promised."""
    COUNTS_UNCACHED = "counts-uncached"
    """The counts are counted afresh on every request: they move while entities change."""
    COUNTS_CACHED_FOREVER = "counts-cached-forever"
    """`functools.lru_cache` on the counts: computed once, never refreshed."""
