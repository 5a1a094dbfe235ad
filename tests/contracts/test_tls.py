"""TLS from a Connection: what is trusted, what is shown, and one line for each problem."""

from __future__ import annotations

import ssl
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import trustme
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st

from contracts import tls
from contracts.client import Client, Unreachable
from contracts.settings import Connection, Settings
from tests.gateway import Gateway, gateway, serving

HOST = "127.0.0.1:8443"


def settings(url: str, connection: Connection) -> Settings:
    return Settings(base_url=url, admin_key="a", member_key="m", seed=1, connection=connection)


def status(url: str, connection: Connection) -> int:
    client = Client(settings(url, connection))
    try:
        return client.get("/ok").response.status
    finally:
        client.close()


async def ok(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    app = web.Application()
    app.router.add_get("/ok", ok)
    with serving(app) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def tls_gateway(upstream: str) -> Iterator[Gateway]:
    with gateway(upstream, fail_share=0.0, rate_limit=1000.0, latency=(0, 0)) as gw:
        yield gw


@pytest.fixture(scope="module")
def mutual_gateway(upstream: str) -> Iterator[Gateway]:
    with gateway(
        upstream, fail_share=0.0, rate_limit=1000.0, latency=(0, 0), require_client_cert=True
    ) as gw:
        yield gw


paths = st.one_of(st.none(), st.sampled_from(["/a.pem", "/b.pem", "/c.pem"]))


@given(paths, paths, paths)
def test_the_bundle_is_the_connections_then_requests_then_ssl_cert_file(
    given_bundle: str | None, requests_bundle: str | None, ssl_cert_file: str | None
) -> None:
    environ = {
        name: value
        for name, value in (
            ("REQUESTS_CA_BUNDLE", requests_bundle),
            ("SSL_CERT_FILE", ssl_cert_file),
        )
        if value
    }
    connection = Connection(ca_bundle=Path(given_bundle) if given_bundle else None)
    expected = given_bundle or requests_bundle or ssl_cert_file
    assert tls.ca_bundle(connection, environ) == (Path(expected) if expected else None)
    assert tls.verify(connection, environ) == (expected or True)
    assert tls.verify(Connection(ca_bundle=connection.ca_bundle, insecure=True), environ) is False


def test_the_client_certificate_goes_with_its_key_when_it_has_one() -> None:
    assert tls.client_cert(Connection()) is None
    assert tls.client_cert(Connection(client_cert=Path("c.pem"))) == "c.pem"
    both = Connection(client_cert=Path("c.pem"), client_key=Path("k.pem"))
    assert tls.client_cert(both) == ("c.pem", "k.pem")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tls")
    ca = trustme.CA()
    leaf = ca.issue_cert("client")
    other = trustme.CA().issue_cert("other")
    named = {
        "ca": folder / "ca.pem",
        "cert": folder / "cert.pem",
        "key": folder / "key.pem",
        "other_key": folder / "other.key",
        "garbage": folder / "garbage.pem",
    }
    ca.cert_pem.write_to_path(str(named["ca"]))
    leaf.cert_chain_pems[0].write_to_path(str(named["cert"]))
    leaf.private_key_pem.write_to_path(str(named["key"]))
    other.private_key_pem.write_to_path(str(named["other_key"]))
    named["garbage"].write_text("not a certificate\n")
    return named


def test_a_context_from_usable_files_trusts_the_bundle_and_shows_the_certificate(
    files: dict[str, Path],
) -> None:
    connection = Connection(
        ca_bundle=files["ca"], client_cert=files["cert"], client_key=files["key"]
    )
    context = tls.ssl_context(connection, HOST, {})
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert len(context.get_ca_certs()) == 1


def test_an_insecure_context_checks_nothing() -> None:
    context = tls.ssl_context(Connection(insecure=True), HOST, {})
    assert context.verify_mode is ssl.CERT_NONE
    assert not context.check_hostname


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"ca_bundle": "missing"}, "cannot use the CA bundle .*missing.*: no such file"),
        ({"ca_bundle": "garbage"}, "cannot use the CA bundle .*garbage"),
        (
            {"client_cert": "cert", "client_key": "other_key"},
            "cannot use the client certificate .*: key values mismatch",
        ),
        ({"client_cert": "missing"}, "cannot use the client certificate .*missing.*: no such file"),
        ({"client_key": "key"}, "a client key was given without its certificate"),
    ],
)
def test_an_unusable_file_is_one_line_naming_the_host_and_the_problem(
    files: dict[str, Path], tmp_path: Path, fields: dict[str, str], says: str
) -> None:
    named = {**files, "missing": tmp_path / "missing.pem"}
    connection = Connection(**{field: named[name] for field, name in fields.items()})  # type: ignore[arg-type]
    with pytest.raises(tls.CertificateProblem, match=f"^{HOST}: {says}") as raised:
        tls.ssl_context(connection, HOST, {})
    assert isinstance(raised.value, Unreachable)
    assert "\n" not in str(raised.value)


def test_a_bundle_given_reaches_the_server(tls_gateway: Gateway) -> None:
    assert status(tls_gateway.url, Connection(ca_bundle=tls_gateway.ca_bundle)) == 200


@pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"])
def test_the_environments_bundle_is_trusted_when_none_is_given(
    tls_gateway: Gateway, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    """requests alone reads REQUESTS_CA_BUNDLE but not SSL_CERT_FILE; the suite reads both."""
    for name in tls.CA_BUNDLE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, str(tls_gateway.ca_bundle))
    assert status(tls_gateway.url, Connection()) == 200


def test_an_untrusted_certificate_says_so_and_how_to_trust_it(
    tls_gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in tls.CA_BUNDLE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    host = tls_gateway.url.split("/")[2]
    with pytest.raises(tls.CertificateProblem) as raised:
        status(tls_gateway.url, Connection())
    assert str(raised.value).startswith(f"{host}: the server's certificate was refused: ")
    assert "not signed by a trusted CA" in str(raised.value)
    assert "--ca-bundle" in str(raised.value)


def test_a_certificate_for_another_host_says_so(tls_gateway: Gateway) -> None:
    url = tls_gateway.url.replace("127.0.0.1", "localhost")
    with pytest.raises(tls.CertificateProblem, match=r"^localhost:\d+: .*not valid for this host"):
        status(url, Connection(ca_bundle=tls_gateway.ca_bundle))


def test_an_expired_certificate_says_so(upstream: str, tmp_path: Path) -> None:
    ca = trustme.CA()
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    past = datetime.now(UTC) - timedelta(days=2)
    ca.issue_cert("127.0.0.1", not_before=past - timedelta(days=30), not_after=past).configure_cert(
        context
    )
    app = web.Application()
    app.router.add_get("/ok", ok)
    with serving(app, context) as port, pytest.raises(tls.CertificateProblem, match="expired"):
        status(f"https://127.0.0.1:{port}", Connection(ca_bundle=bundle))


def test_insecure_reaches_an_untrusted_server_without_a_warning_per_request(
    tls_gateway: Gateway,
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            assert status(tls_gateway.url, Connection(insecure=True)) == 200
    assert not [w for w in caught if "Unverified HTTPS" in str(w.message)]


def test_mutual_tls_shows_the_client_certificate(mutual_gateway: Gateway) -> None:
    connection = Connection(
        ca_bundle=mutual_gateway.ca_bundle,
        client_cert=mutual_gateway.client_cert,
        client_key=mutual_gateway.client_key,
    )
    assert status(mutual_gateway.url, connection) == 200


def test_without_the_client_certificate_a_mutual_tls_server_gives_no_answer(
    mutual_gateway: Gateway,
) -> None:
    with pytest.raises(Unreachable):
        status(mutual_gateway.url, Connection(ca_bundle=mutual_gateway.ca_bundle, retries=0))
