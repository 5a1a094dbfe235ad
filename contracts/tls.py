"""TLS from a `Connection`: what to trust, which certificate to show, and what a failure says.

The one rule for every client of the suite: the `requests` client and schemathesis's phases
take `verify` and `cert`, an aiohttp client (the proxy, toward its target) takes
`ssl_context`; all three read the same resolution, so they trust the same certificates.

`ca_bundle=None` falls back to the environment the way most HTTP tools do:
`REQUESTS_CA_BUNDLE`, then `SSL_CERT_FILE` (which `requests` alone would ignore: it reads
certifi's bundle unless told otherwise), then the default store.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping
from pathlib import Path

from .settings import Connection
from .transport import Unreachable, causes

# Said once per run (in the report's notes), instead of urllib3's warning on every request.
INSECURE_WARNING = (
    "warning: --insecure: the server's certificate is not checked, so anyone between "
    "here and the server can read and change the traffic"
)
# Environment variables naming a CA bundle, in the order they are honoured.
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")


class CertificateProblem(Unreachable):
    """TLS could not be set up: a file that cannot be used, or a certificate refused.

    The message is one line naming the host and what failed, for the command's exit 2.
    """


def ca_bundle(connection: Connection, environ: Mapping[str, str] = os.environ) -> Path | None:
    """The CA bundle to trust: the connection's, else the environment's, else None (default)."""
    if connection.ca_bundle is not None:
        return connection.ca_bundle
    for name in CA_BUNDLE_VARIABLES:
        if value := environ.get(name):
            return Path(value)
    return None


def verify(connection: Connection, environ: Mapping[str, str] = os.environ) -> bool | str:
    """`requests`' `verify` (and schemathesis's `tls-verify`): False, a bundle's path, or True."""
    if connection.insecure:
        return False
    bundle = ca_bundle(connection, environ)
    return str(bundle) if bundle is not None else True


def client_cert(connection: Connection) -> str | tuple[str, str] | None:
    """`requests`' `cert`: the client certificate for mutual TLS, with its key when separate."""
    if connection.client_cert is None:
        return None
    if connection.client_key is None:
        return str(connection.client_cert)
    return str(connection.client_cert), str(connection.client_key)


def ssl_context(
    connection: Connection, host: str, environ: Mapping[str, str] = os.environ
) -> ssl.SSLContext:
    """An `ssl.SSLContext` for `host` from `connection`; `CertificateProblem` if a file is unusable.

    Building it reads every file the connection names, so calling it before the first
    request turns a missing bundle or a key that does not match its certificate into one
    clear line instead of an error on each request.
    """
    bundle = ca_bundle(connection, environ)
    try:
        context = ssl.create_default_context(cafile=None if bundle is None else str(bundle))
    except (OSError, ssl.SSLError) as error:
        raise CertificateProblem(
            f"{host}: cannot use the CA bundle {bundle}: {_why(error)}"
        ) from None
    if connection.insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if connection.client_cert is not None:
        key = connection.client_key
        try:
            context.load_cert_chain(str(connection.client_cert), None if key is None else str(key))
        except (OSError, ssl.SSLError) as error:
            named = connection.client_cert if key is None else f"{connection.client_cert} and {key}"
            raise CertificateProblem(
                f"{host}: cannot use the client certificate {named}: {_why(error)}"
            ) from None
    elif connection.client_key is not None:
        raise CertificateProblem(f"{host}: a client key was given without its certificate")
    return context


def certificate_failure(error: BaseException, host: str) -> CertificateProblem | None:
    """The certificate problem behind a failed request, as one line; None if there is none."""
    found = causes(error)
    for cause in found:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return CertificateProblem(
                f"{host}: the server's certificate was refused: {_verify_why(cause)}"
            )
    for cause in found:
        if isinstance(cause, ssl.SSLError):
            return CertificateProblem(f"{host}: the TLS handshake failed: {_why(cause)}")
    return None


def _verify_why(error: ssl.SSLCertVerificationError) -> str:
    """What a verification failure means, in the words a person searches for."""
    message = error.verify_message or _why(error)
    if error.verify_code == 10:
        return "it has expired"
    if "Hostname mismatch" in message or "IP address mismatch" in message:
        return f"it is not valid for this host ({message})"
    if error.verify_code in (18, 19, 20, 21):
        return f"it is not signed by a trusted CA ({message}); give the CA with --ca-bundle"
    return message


def _why(error: BaseException) -> str:
    if isinstance(error, ssl.SSLError) and error.reason:
        return str(error.reason).lower().replace("_", " ")
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return _shorten(str(error) or type(error).__name__)


def _shorten(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 200 else line[:199] + "…"
