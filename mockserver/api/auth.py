"""Who is calling: the `Authorization` header, bearer-key authentication and role checks."""

from __future__ import annotations

import hashlib
import secrets

from mockserver.api.errors import forbidden, unauthorized
from mockserver.domain.models import ApiKey, Role

_MISSING = "A valid API key is required as 'Authorization: Bearer <api-key>'."
_UNKNOWN = "The API key is not valid."
# BLAKE2b's own bounds: a secret of up to 64 bytes, digests of up to 64.
_SECRET_BYTES = 32
_DIGEST_BYTES = 32


def credentials(value: str) -> tuple[str, str]:
    """The scheme and the credentials of a header value such as `Authorization`.

    Surrounding spaces go; a value without a space is all scheme, with no credentials:
    `credentials(" Bearer  alk_a_1 ") == ("Bearer", "alk_a_1")`,
    `credentials("alk_a_1") == ("alk_a_1", "")`.
    """
    scheme, _, rest = value.strip().partition(" ")
    return scheme, rest.strip()


def bearer_key(authorization: str | None) -> str | None:
    """The key of `Authorization: Bearer <key>` (the scheme in any case), else None."""
    if not authorization:
        return None
    scheme, key = credentials(authorization)
    return key if scheme.lower() == "bearer" and key else None


class KeyRing:
    """Finds the key a request presents in a time that depends only on its length.

    The ring holds keyed digests of the keys (BLAKE2b under a secret drawn when the ring
    is made), never the keys themselves as lookup keys. A presented key is digested
    whole, which costs the same for any key of its length, and only digests are then
    hashed and compared: how far they agree depends on the secret, so the time of a
    lookup says nothing about how many characters of the presented key are right.
    """

    def __init__(self, keys: list[ApiKey], *, secret: bytes | None = None) -> None:
        self._secret = secrets.token_bytes(_SECRET_BYTES) if secret is None else secret
        self._by_digest = {self._digest(key.key): key for key in keys}

    def _digest(self, key: str) -> bytes:
        # Header values may carry undecodable bytes as surrogates; they must not crash us.
        data = key.encode("utf-8", "surrogatepass")
        return hashlib.blake2b(data, key=self._secret, digest_size=_DIGEST_BYTES).digest()

    def find(self, presented: str) -> ApiKey | None:
        """The key that is exactly `presented`, or None."""
        return self._by_digest.get(self._digest(presented))

    def authenticate(self, authorization: str | None) -> ApiKey:
        """The key of an `Authorization` header value; an `unauthorized` error otherwise."""
        presented = bearer_key(authorization)
        if presented is None:
            raise unauthorized(_MISSING)
        key = self.find(presented)
        if key is None:
            raise unauthorized(_UNKNOWN)
        return key


def authorize(key: ApiKey, required: Role) -> None:
    if required is Role.ADMIN and key.role is not Role.ADMIN:
        raise forbidden("This endpoint requires an admin API key.")
