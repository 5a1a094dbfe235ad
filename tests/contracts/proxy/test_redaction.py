"""No key that passes through the proxy is printed, nor a header of the connection."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from contracts.proxy.redaction import KEY_PLACEHOLDER, MAX_REMEMBERED_KEYS, Redactor

KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", min_size=6, max_size=40)


@given(KEYS, st.sampled_from(["Bearer", "Token", "Basic"]))
def test_an_authorization_is_shown_with_its_scheme_and_the_placeholder(
    key: str, scheme: str
) -> None:
    redactor = Redactor()
    assert redactor.authorization(f"{scheme} {key}") == f"{scheme} {KEY_PLACEHOLDER}"
    assert key not in redactor.text(f"the body says {key}!")


def test_a_key_sent_bare_and_headers_of_the_connection_are_hidden() -> None:
    redactor = Redactor((("X-Gateway-Key", "gw-secret-123"),))
    assert redactor.authorization("alk_a_0123456789") == KEY_PLACEHOLDER
    assert redactor.text("alk_a_0123456789 gw-secret-123") == (
        f"{KEY_PLACEHOLDER} $CONTRACT_HEADER_X_GATEWAY_KEY"
    )
    assert redactor.hidden == ("X-Gateway-Key",)


def test_short_credentials_are_shown_and_not_replaced_everywhere() -> None:
    redactor = Redactor()
    assert redactor.authorization("Bearer") == "Bearer"
    redactor.authorization("Bearer x")
    assert redactor.text("x marks the spot") == "x marks the spot"


def test_the_keys_remembered_are_bounded() -> None:
    redactor = Redactor()
    for n in range(MAX_REMEMBERED_KEYS + 10):
        redactor.authorization(f"Bearer key-{n:08d}")
    assert len(redactor._seen) == MAX_REMEMBERED_KEYS
    assert "key-00000000" in redactor.text("key-00000000")
    assert redactor.text(f"key-{MAX_REMEMBERED_KEYS + 9:08d}") == KEY_PLACEHOLDER
