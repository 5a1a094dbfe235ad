"""The configuration file: which one is found, how it is read, and `${VAR}` in its values."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.config import ConfigError, ConfigFile, find, load, read, substitute

NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,11}", fullmatch=True)
# Text that holds no `$` of its own, so every `$` in a piece comes from the model below.
PLAIN = st.text(
    st.characters(blacklist_characters="$", categories=("L", "N", "P", "S", "Zs")), max_size=8
)


@st.composite
def templates(draw: st.DrawFn) -> tuple[str, dict[str, str], str]:
    """A string of plain text, `${NAME}` references and `$${` escapes; the variables it
    names; and the text it must become."""
    environ = draw(st.dictionaries(NAMES, st.text(max_size=8), min_size=1, max_size=4))
    template, expected = [], []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["plain", "reference", "escape"]))
        if kind == "plain":
            text = draw(PLAIN)
            template.append(text)
            expected.append(text)
        elif kind == "reference":
            name = draw(st.sampled_from(sorted(environ)))
            template.append(f"${{{name}}}")
            expected.append(environ[name])
        else:
            # `$${X}` is the literal text `${X}`, never a reference.
            rest = draw(PLAIN.filter(lambda text: "}" not in text))
            template.append(f"$${{{rest}}}")
            expected.append(f"${{{rest}}}")
    return "".join(template), environ, "".join(expected)


@given(templates())
def test_references_are_replaced_and_escapes_kept_literal(
    case: tuple[str, dict[str, str], str],
) -> None:
    template, environ, expected = case
    assert substitute(template, environ, "contracts.toml: key") == expected


@given(templates(), st.integers(0, 3))
def test_references_are_replaced_at_any_depth_and_other_values_kept(
    case: tuple[str, dict[str, str], str], number: int
) -> None:
    template, environ, expected = case
    value = {"list": [number, template], "table": {"inner": template}, "flag": True}
    assert substitute(value, environ, "f: k") == {
        "list": [number, expected],
        "table": {"inner": expected},
        "flag": True,
    }


@given(NAMES, st.dictionaries(NAMES, st.text(max_size=4)), PLAIN)
def test_an_unset_variable_is_an_error_naming_it_and_the_key(
    name: str, environ: dict[str, str], before: str
) -> None:
    environ.pop(name, None)
    with pytest.raises(ConfigError) as raised:
        substitute({"headers": {"X-Key": f"{before}${{{name}}}"}}, environ, "contracts.toml")
    message = str(raised.value)
    assert message.startswith("contracts.toml.headers.X-Key: ")
    assert f"${{{name}}}" in message
    assert "not set" in message
    assert "\n" not in message


def test_a_value_from_the_environment_is_not_read_again() -> None:
    assert substitute("${A}", {"A": "${B}", "B": "no"}, "k") == "${B}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${UNCLOSED", "without a closing"),
        ("${}", "is not a variable name"),
        ("${1ST}", "is not a variable name"),
        ("${A B}", "is not a variable name"),
    ],
)
def test_a_malformed_reference_is_an_error(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        substitute(text, {"A": "x"}, "k")


def test_contracts_toml_is_found_from_a_subdirectory(tmp_path: Path) -> None:
    (tmp_path / "contracts.toml").write_text('base-url = "http://a"\n')
    deep = tmp_path / "one" / "two"
    deep.mkdir(parents=True)
    assert find(deep) == tmp_path / "contracts.toml"


def test_contracts_toml_wins_over_pyproject_in_one_directory(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.contracts]\nbase-url = "http://p"\n')
    (tmp_path / "contracts.toml").write_text('base-url = "http://c"\n')
    file = load(None, tmp_path, {})
    assert file is not None
    assert file.values == {"base-url": "http://c"}


def test_the_nearest_file_wins(tmp_path: Path) -> None:
    (tmp_path / "contracts.toml").write_text('base-url = "http://far"\n')
    near = tmp_path / "near"
    near.mkdir()
    (near / "pyproject.toml").write_text('[tool.contracts]\nbase-url = "http://near"\n')
    file = load(None, near, {})
    assert file is not None
    assert file.values == {"base-url": "http://near"}
    assert file.label == f"{near / 'pyproject.toml'} [tool.contracts]"


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "contracts.toml").write_text('base-url = "http://far"\n')
    near = tmp_path / "near"
    near.mkdir()
    (near / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.ruff]\nline-length = 1\n')
    assert find(near) == tmp_path / "contracts.toml"


def test_config_names_a_file_relative_to_the_start(tmp_path: Path) -> None:
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "staging.toml").write_text('admin-key = "${KEY}"\n')
    (tmp_path / "contracts.toml").write_text('admin-key = "ignored"\n')
    file = load(Path("ci/staging.toml"), tmp_path, {"KEY": "k1"})
    assert file == ConfigFile(
        path=tmp_path / "ci" / "staging.toml",
        values={"admin-key": "k1"},
        label=str(tmp_path / "ci" / "staging.toml"),
    )
    assert file.path_of("certs/ca.pem") == tmp_path / "ci" / "certs" / "ca.pem"
    assert file.path_of("/etc/ca.pem") == Path("/etc/ca.pem")


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("contracts.toml", "base-url = \n", "not valid TOML"),
        ("contracts.toml", "a = 1\na = 2\n", "not valid TOML"),
        ("pyproject.toml", '[project]\nname = "x"\n', "no [tool.contracts] table"),
        ("pyproject.toml", "[tool]\ncontracts = 1\n", "tool.contracts must be a table"),
        ("contracts.toml", 'admin-key = "${NOT_SET_ANYWHERE}"\n', "admin-key: ${NOT_SET_ANYWHERE}"),
    ],
)
def test_a_bad_file_is_one_line_naming_it(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ConfigError) as raised:
        read(path, {})
    assert message in str(raised.value)
    assert str(path) in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_missing_or_binary_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        read(tmp_path / "absent.toml", {})
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe a = 1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        read(binary, {})
