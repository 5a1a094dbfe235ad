"""Who is calling: bearer-key authentication and role checks."""

from __future__ import annotations

import hashlib
import hmac

from .errors import forbidden, unauthorized
from .models import ApiKey, Role

_MISSING = "A valid API key is required as 'Authorization: Bearer <api-key>'."
_UNKNOWN = "The API key is not valid."


class KeyRing:
    """Finds the key a request presents without comparing secrets in variable time.

    Keys are looked up by their SHA-256 digest (so a lookup's timing says nothing
    about the key) and the match is then confirmed with a constant-time comparison.
    """

    def __init__(self, keys: list[ApiKey]) -> None:
        self._by_digest = {_digest(key.key): key for key in keys}

    def authenticate(self, authorization: str | None) -> ApiKey:
        if not authorization:
            raise unauthorized(_MISSING)
        scheme, _, credentials = authorization.strip().partition(" ")
        presented = credentials.strip()
        if scheme.lower() != "bearer" or not presented:
            raise unauthorized(_MISSING)
        key = self._by_digest.get(_digest(presented))
        if key is None or not hmac.compare_digest(_encode(key.key), _encode(presented)):
            raise unauthorized(_UNKNOWN)
        return key


def authorize(key: ApiKey, required: Role) -> None:
    if required is Role.ADMIN and key.role is not Role.ADMIN:
        raise forbidden("This endpoint requires an admin API key.")


def _encode(key: str) -> bytes:
    # Header values may carry undecodable bytes as surrogates; they must not crash us.
    return key.encode("utf-8", "surrogatepass")


def _digest(key: str) -> bytes:
    return hashlib.sha256(_encode(key)).digest()
