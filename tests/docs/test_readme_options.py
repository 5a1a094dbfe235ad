"""The README's option table and sample configuration file stay true to the option table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contracts import options
from contracts.config import read
from contracts.options import OPTIONS
from tests import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
ENVIRON = {
    "STAGING_ADMIN_KEY": "admin-key-from-env",
    "STAGING_MEMBER_KEY": "member-key-from-env",
    "STAGING_OTHER_ADMIN_KEY": "other-key-from-env",
    "GATEWAY_KEY": "gateway-key-from-env",
}


def subsection(title: str) -> str:
    return re.split(r"\n##+ ", README.split(f"\n### {title}\n", 1)[1], maxsplit=1)[0]


def rows() -> list[list[str]]:
    """The cells of the options table of "The command", header and rule left out."""
    lines = [line for line in subsection("The command").splitlines() if line.startswith("| `--")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


def test_the_table_lists_every_option_with_its_variable_file_key_and_default() -> None:
    documented = {row[0].strip("`").split()[0]: row for row in rows()}
    assert list(documented) == [option.flag for option in OPTIONS] + ["--list-checks"]
    for option in OPTIONS:
        _, variable, key, default, _ = documented[option.flag]
        assert variable == f"`{option.variable}`"
        assert key == (f"`{option.file_key}`" if option.file_key else "")
        if isinstance(option.default, int | float) and not isinstance(option.default, bool):
            assert default == f"{option.default:g}"
        if option.required:
            assert default == "required"


def sample() -> str:
    block = subsection("Configuration file").split("```toml\n", 1)[1].split("```", 1)[0]
    assert block.startswith("# contracts.toml\n")
    return block


def test_the_sample_file_gives_what_it_says(tmp_path: Path) -> None:
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "staging-ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    (tmp_path / "contracts.toml").write_text(sample())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    settings = options.settings({}, ENVIRON, tmp_path)
    assert settings.base_url == "https://staging.example.com/gateway"
    assert settings.admin_key == ENVIRON["STAGING_ADMIN_KEY"]
    assert settings.member_key == ENVIRON["STAGING_MEMBER_KEY"]
    assert settings.other_admin_key == ENVIRON["STAGING_OTHER_ADMIN_KEY"]
    assert settings.connection.ca_bundle == tmp_path / "certs" / "staging-ca.pem"
    assert settings.connection.rate_limit == 40
    assert settings.connection.wait_for == 60
    assert settings.connection.headers == (
        ("X-Gateway-Key", ENVIRON["GATEWAY_KEY"]),
        ("X-Tenant", "acme"),
    )
    assert settings.junit_xml == tmp_path / "reports" / "contracts.xml"
    # "a flag wins over the file"
    assert options.settings({"select": "auth"}, ENVIRON, tmp_path).select == ("auth",)


def test_the_same_keys_under_tool_contracts_of_pyproject_say_the_same(tmp_path: Path) -> None:
    (tmp_path / "contracts.toml").write_text(sample())
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        "[tool.contracts]\n" + sample().replace("[headers]", "[tool.contracts.headers]")
    )
    assert read(pyproject, ENVIRON).values == read(tmp_path / "contracts.toml", ENVIRON).values


def test_the_error_quoted_is_the_resolver_s() -> None:
    text = subsection("The command").replace("\n", " ")
    quoted = re.findall(r"`contracts: error: ([^`]+)`", text)
    assert quoted == ["CONTRACT_TIMEOUT must be seconds, more than 0 and at most 600, got '0'"]
    keys = {"base-url": "http://h", "admin-key": "a", "member-key": "m"}
    with pytest.raises(options.UsageError) as raised:
        options.resolve(keys, {"CONTRACT_TIMEOUT": "0"}, None)
    assert str(raised.value) == quoted[0]
