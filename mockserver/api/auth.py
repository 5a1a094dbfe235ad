"""Who is calling: bearer-key authentication and role checks."""

from __future__ import annotations

import hmac

from mockserver.api.errors import forbidden, unauthorized
from mockserver.domain.models import ApiKey, Role

_MISSING = "A valid API key is required as 'Authorization: Bearer <api-key>'."
_UNKNOWN = "The API key is not valid."


class KeyRing:
    """Finds the key a request presents without comparing secrets in variable time.

    The lookup goes by Python's string hash, which is keyed with a secret drawn at
    each start (SipHash, unless PYTHONHASHSEED fixes it): where a presented key lands
    in the table says nothing about the keys, and its characters are compared only
    when its whole 64-bit hash matches one. The match is then confirmed with a
    constant-time comparison. (A SHA-256 digest of the presented key would do the same
    for a few microseconds more on every request.)
    """

    def __init__(self, keys: list[ApiKey]) -> None:
        self._by_key = {key.key: key for key in keys}

    def authenticate(self, authorization: str | None) -> ApiKey:
        if not authorization:
            raise unauthorized(_MISSING)
        scheme, _, credentials = authorization.strip().partition(" ")
        presented = credentials.strip()
        if scheme.lower() != "bearer" or not presented:
            raise unauthorized(_MISSING)
        key = self._by_key.get(presented)
        if key is None or not hmac.compare_digest(_encode(key.key), _encode(presented)):
            raise unauthorized(_UNKNOWN)
        return key


def authorize(key: ApiKey, required: Role) -> None:
    if required is Role.ADMIN and key.role is not Role.ADMIN:
        raise forbidden("This endpoint requires an admin API key.")


def _encode(key: str) -> bytes:
    # Header values may carry undecodable bytes as surrogates; they must not crash us.
    return key.encode("utf-8", "surrogatepass")
