"""The option table and its one resolver: every option from every source, and precedence.

The property tests write each option's values the way a user does, as a flag's text, a
variable's text and a real TOML file, and read the result back from `Settings`, so they
also hold the mapping of every option onto its field.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts import options, values
from contracts.config import ConfigFile, read
from contracts.options import FILE_KEYS, OPTIONS, UsageError, resolve
from contracts.runner import check_names
from contracts.settings import (
    DEFAULT_MAX_EXAMPLES,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT_SECONDS,
    Settings,
)

REQUIRED = {"base-url": "http://127.0.0.1:1", "admin-key": "a", "member-key": "m"}
SOURCES = ("flag", "environment", "file")
# An option's field in Settings: the one place the tests say where each option lands.
FIELDS: dict[str, Callable[[Settings], object]] = {
    "base-url": lambda s: s.base_url,
    "admin-key": lambda s: s.admin_key,
    "member-key": lambda s: s.member_key,
    "other-admin-key": lambda s: s.other_admin_key,
    "max-examples": lambda s: s.max_examples,
    "seed": lambda s: s.seed,
    "select": lambda s: s.select,
    "timeout": lambda s: s.timeout,
    "junit-xml": lambda s: s.junit_xml,
    "json-report": lambda s: s.json_report,
    "markdown-report": lambda s: s.markdown_report,
    "baseline": lambda s: s.baseline,
    "write-baseline": lambda s: s.write_baseline,
    "ca-bundle": lambda s: s.connection.ca_bundle,
    "insecure": lambda s: s.connection.insecure,
    "client-cert": lambda s: s.connection.client_cert,
    "client-key": lambda s: s.connection.client_key,
    "header": lambda s: s.connection.headers,
    "rate-limit": lambda s: s.connection.rate_limit,
    "retries": lambda s: s.connection.retries,
    "wait-for": lambda s: s.connection.wait_for,
}
DEFAULTS: dict[str, object] = {
    "other-admin-key": None,
    "max-examples": DEFAULT_MAX_EXAMPLES,
    "select": (),
    "timeout": DEFAULT_TIMEOUT_SECONDS,
    "junit-xml": None,
    "json-report": None,
    "markdown-report": None,
    "baseline": None,
    "write-baseline": None,
    "ca-bundle": None,
    "insecure": False,
    "client-cert": None,
    "client-key": None,
    "header": (),
    "rate-limit": None,
    "retries": DEFAULT_RETRIES,
    "wait-for": None,
}
BY_NAME = {option.name: option for option in OPTIONS}


@dataclass(frozen=True)
class Value:
    """One value of an option as each source writes it, and what Settings must hold."""

    flag: object  # a text, a list of texts (repeatable) or True (a switch)
    variable: str
    toml: object
    expected: Callable[[Path], object]  # of the file's directory (paths in files are relative)


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with files the path options that must exist can name."""
    directory = tmp_path_factory.mktemp("options")
    for name in EXISTING:
        (directory / name).write_text("-----BEGIN-----\n")
    return directory


def same(value: object) -> Callable[[Path], object]:
    return lambda _: value


def in_directory(path: str) -> Callable[[Path], object]:
    return lambda directory: directory / path


def written_as(toml: object, expected: object) -> Value:
    """A value whose flag and variable carry the text TOML writes it as."""
    text = toml if isinstance(toml, str) else repr(toml)
    return Value(text, text, toml, same(expected))


BOUNDS = {"max-examples": (1, 10_000), "seed": (0, 2**64 - 1), "retries": (0, 100)}
SECONDS = {"timeout": (0.001, 600.0), "rate-limit": (0.001, 10_000.0), "wait-for": (0.0, 3600.0)}
REPORTS = ("junit-xml", "json-report", "markdown-report", "baseline", "write-baseline")
EXISTING = ("ca.pem", "client.pem", "client.key", "other.pem")


def texts(option: str, place: Path) -> st.SearchStrategy[Value]:
    """Values of `option` as a flag, a variable and a TOML file would write them."""
    if option == "base-url":
        urls = st.builds(
            "{}://{}{}".format,
            st.sampled_from(["http", "https"]),
            st.sampled_from(["127.0.0.1:8080", "staging.example.com", "[::1]:9"]),
            st.sampled_from(["", "/", "/gateway", "/a/b/"]),
        )
        return urls.map(lambda url: written_as(url, url.rstrip("/")))
    if option in ("admin-key", "member-key", "other-admin-key"):
        keys = st.from_regex(r"[A-Za-z0-9_.-]{1,24}", fullmatch=True)
        return keys.map(lambda key: written_as(key, key))
    if option in BOUNDS:
        return st.integers(*BOUNDS[option]).map(lambda n: written_as(n, n))
    if option in SECONDS:
        # --wait-for 0 is the default: do not wait.
        floats = st.floats(*SECONDS[option], allow_nan=False)
        return floats.map(lambda x: written_as(x, x or None if option == "wait-for" else x))
    if option == "select":
        names = st.lists(st.sampled_from(check_names()), min_size=1, max_size=3, unique=True)
        return names.map(lambda n: Value(",".join(n), ",".join(n), n, same(tuple(n))))
    if option in REPORTS:
        paths = st.from_regex(r"[a-z]{1,8}(/[a-z]{1,8})?\.(xml|json|md)", fullmatch=True)
        return paths.map(lambda path: Value(path, path, path, in_directory(path)))
    if option in ("ca-bundle", "client-cert", "client-key"):
        return st.sampled_from(EXISTING).map(
            lambda name: written_as(str(place / name), place / name)
        )
    if option == "insecure":
        words = st.sampled_from([*values.ON, *values.OFF])
        return st.tuples(words, st.booleans()).map(lambda w: Value(True, w[0], w[1], same(w[1])))
    assert option == "header"
    return headers()


@st.composite
def headers(draw: st.DrawFn) -> Value:
    names = draw(
        st.lists(
            st.from_regex(r"X-[A-Za-z0-9]{1,10}", fullmatch=True),
            min_size=1,
            max_size=3,
            unique_by=str.lower,
        )
    )
    pairs = tuple(
        (name, draw(st.from_regex(r"[ -~]{0,12}", fullmatch=True)).strip()) for name in names
    )
    lines = [f"{name}: {value}" for name, value in pairs]
    toml = draw(st.sampled_from(["table", "array"]))
    return Value(lines, "\n".join(lines), dict(pairs) if toml == "table" else lines, same(pairs))


def toml(value: object) -> str:
    """A TOML value: JSON's strings, numbers and arrays are TOML's; tables are inline."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(toml(item) for item in value) + "]"
    return json.dumps(value)


def written(directory: Path, entries: dict[str, object]) -> ConfigFile:
    path = directory / "contracts.toml"
    path.write_text("".join(f"{json.dumps(k)} = {toml(v)}\n" for k, v in entries.items()))
    return read(path, {})


@st.composite
def cases(draw: st.DrawFn, place: Path) -> tuple[str, dict[str, Value]]:
    """An option, and a value for each of the sources (any of them) that give it."""
    option = draw(st.sampled_from(sorted(FIELDS)))
    chosen = draw(st.lists(st.sampled_from(SOURCES), unique=True))
    return option, {source: draw(texts(option, place)) for source in chosen}


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_each_option_comes_from_the_highest_source_that_gives_it(
    data: st.DataObject, place: Path, tmp_path: Path
) -> None:
    option, by_source = data.draw(cases(place))
    given: dict[str, object] = {}
    environ: dict[str, str] = {}
    entries: dict[str, object] = {}
    # What the option is not about comes by flag, so only the option varies.
    for name, text in REQUIRED.items():
        if name != option:
            given[name] = text
    partner = {"client-cert": "client-key", "client-key": "client-cert"}.get(option)
    if partner is not None:
        given[partner] = str(place / "other.pem")
    if "flag" in by_source:
        given[option] = by_source["flag"].flag
    if "environment" in by_source:
        environ[BY_NAME[option].variable] = by_source["environment"].variable
    if "file" in by_source:
        entries[BY_NAME[option].file_key or ""] = by_source["file"].toml
    file = written(tmp_path, entries)
    winner = next((source for source in SOURCES if source in by_source), None)
    if winner is None and option in REQUIRED:
        with pytest.raises(UsageError, match=f"missing {BY_NAME[option].flag}"):
            resolve(given, environ, file)
        return
    if winner is None and partner is not None:
        with pytest.raises(UsageError, match="go together"):
            resolve(given, environ, file)
        return
    got = FIELDS[option](resolve(given, environ, file))
    if winner is None:
        if option == "seed":
            assert isinstance(got, int) and 0 <= got < 2**32
        else:
            assert got == DEFAULTS[option]
        return
    value = by_source[winner]
    if winner == "flag" and option == "insecure":
        assert got is True
    elif winner == "environment" and option == "insecure":
        assert got is (str(value.variable) in values.ON)
    elif winner == "file" or BY_NAME[option].kind is not options.Kind.PATH:
        assert got == value.expected(tmp_path)
    else:
        # A path given by flag or variable is taken as given: relative to where the command runs.
        assert got == Path(str(value.variable))


def test_every_option_has_a_field_flag_and_variable() -> None:
    assert set(FIELDS) | {"config"} == {option.name for option in OPTIONS}
    assert len({option.variable for option in OPTIONS}) == len(OPTIONS)
    assert all(option.variable.startswith("CONTRACT_") for option in OPTIONS)
    # The variables the README and CI already use keep their names.
    for name in ("BASE_URL", "ADMIN_KEY", "MEMBER_KEY", "OTHER_ADMIN_KEY", "CA_BUNDLE"):
        assert f"CONTRACT_{name}" in {option.variable for option in OPTIONS}
    assert "config" not in FILE_KEYS


@given(
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=20).filter(
        lambda key: key not in FILE_KEYS
    )
)
def test_an_unknown_key_is_an_error_that_names_it(key: str) -> None:
    file = ConfigFile(path=Path("contracts.toml"), values={key: 1}, label="contracts.toml")
    with pytest.raises(UsageError) as raised:
        resolve(REQUIRED, {}, file)
    message = str(raised.value)
    assert message.startswith(f"contracts.toml: unknown key {key!r}")
    assert "\n" not in message


@given(st.sampled_from(FILE_KEYS), st.data())
def test_an_unknown_key_close_to_a_known_one_suggests_it(key: str, data: st.DataObject) -> None:
    variant = data.draw(
        st.sampled_from([key.replace("-", "_"), key[:-1] + "x" if len(key) > 4 else key + "s"])
    )
    if variant in FILE_KEYS:
        return
    file = ConfigFile(path=Path("c.toml"), values={variant: 1, "nonsense-zzz": 2}, label="c.toml")
    with pytest.raises(UsageError) as raised:
        resolve(REQUIRED, {}, file)
    message = str(raised.value)
    assert f"{variant!r} (did you mean {key!r}?)" in message
    assert "unknown keys" in message
    assert "'nonsense-zzz'" in message


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"max-examples": "50"}, "max-examples must be an integer, got a string"),
        ({"max-examples": 0}, "max-examples must be a whole number, 1 or more, got 0"),
        ({"timeout": True}, "timeout must be a number, got a boolean"),
        ({"insecure": "yes"}, "insecure must be true or false, got a string"),
        ({"select": [1, 2]}, "select must be an array of strings"),
        ({"headers": "X-A: 1"}, "headers must be a table of header names"),
        ({"headers": {"X-A": {"b": 1}}}, "headers must be a table of header names"),
        ({"headers": {"X A": "1"}}, 'headers must be "Name: value"'),
        ({"base-url": 8080}, "base-url must be a string, got an integer"),
        ({"junit-xml": ["a"]}, "junit-xml must be a string (a path"),
        ({"ca-bundle": "absent.pem"}, "ca-bundle must be an existing file"),
        ({"seed": 1.5}, "seed must be an integer, got a float"),
    ],
)
def test_a_wrong_value_in_the_file_names_the_key_and_what_was_expected(
    tmp_path: Path, entries: dict[str, object], message: str
) -> None:
    file = written(tmp_path, entries)
    with pytest.raises(UsageError) as raised:
        resolve(REQUIRED, {}, file)
    assert str(raised.value).startswith(f"{file.label}: {message}")


def test_a_secret_in_the_file_is_never_shown(tmp_path: Path) -> None:
    file = written(tmp_path, {"admin-key": "s3cret with space", "headers": {"X-A": "1"}})
    with pytest.raises(UsageError) as raised:
        resolve({"base-url": "http://h", "member-key": "m"}, {}, file)
    assert "s3cret" not in str(raised.value)
    assert "admin-key" in str(raised.value)


def test_a_bad_variable_is_named(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"^CONTRACT_RETRIES must be a whole number"):
        resolve(REQUIRED, {"CONTRACT_RETRIES": "-1"}, None)


def test_missing_options_name_every_source() -> None:
    file = ConfigFile(path=Path("c.toml"), values={}, label="c.toml")
    with pytest.raises(UsageError) as raised:
        resolve({"base-url": "http://h"}, {"CONTRACT_MEMBER_KEY": ""}, file)
    assert str(raised.value) == (
        "missing --admin-key (or CONTRACT_ADMIN_KEY, or admin-key in c.toml), "
        "--member-key (or CONTRACT_MEMBER_KEY, or member-key in c.toml)"
    )


def test_the_client_certificate_and_key_go_together(place: Path) -> None:
    with pytest.raises(UsageError, match=r"^--client-cert and --client-key go together"):
        resolve({**REQUIRED, "client-key": str(place / "client.key")}, {}, None)
    resolved = resolve(
        {**REQUIRED, "client-key": str(place / "client.key")},
        {"CONTRACT_CLIENT_CERT": str(place / "client.pem")},
        None,
    )
    assert (resolved.connection.client_cert, resolved.connection.client_key) == (
        place / "client.pem",
        place / "client.key",
    )


def test_a_header_given_twice_is_refused() -> None:
    with pytest.raises(UsageError, match=r"^--header: x-a given more than once"):
        resolve({**REQUIRED, "header": ["X-A: 1", "x-a: 2"]}, {}, None)


def test_headers_from_the_variable_are_one_per_line() -> None:
    resolved = resolve(REQUIRED, {"CONTRACT_HEADERS": "X-A: 1\n\nX-B: two words\n"}, None)
    assert resolved.connection.headers == (("X-A", "1"), ("X-B", "two words"))


def test_the_step_summary_is_not_a_markdown_report_path(tmp_path: Path) -> None:
    # Publishing appends to $GITHUB_STEP_SUMMARY when no path is given; a path given
    # from any source is written instead.
    summary = {"GITHUB_STEP_SUMMARY": "/summary.md"}
    assert resolve(REQUIRED, summary, None).markdown_report is None
    given = {**REQUIRED, "markdown-report": "mine.md"}
    assert resolve(given, summary, None).markdown_report == Path("mine.md")
    file = written(tmp_path, {"markdown-report": "report.md"})
    assert resolve(REQUIRED, summary, file).markdown_report == tmp_path / "report.md"


def test_no_ca_bundle_leaves_the_environment_s_trust(tmp_path: Path) -> None:
    # SSL_CERT_FILE and REQUESTS_CA_BUNDLE are the transport's to honour, not the resolver's.
    environ = {"SSL_CERT_FILE": "/etc/ssl/x.pem", "REQUESTS_CA_BUNDLE": "/etc/ssl/y.pem"}
    assert resolve(REQUIRED, environ, None).connection.ca_bundle is None


def test_empty_texts_are_not_given() -> None:
    resolved = resolve({**REQUIRED, "timeout": ""}, {"CONTRACT_TIMEOUT": ""}, None)
    assert resolved.timeout == DEFAULT_TIMEOUT_SECONDS


def test_a_front_end_that_passes_something_else_is_a_bug() -> None:
    with pytest.raises(TypeError, match="not options: base_url"):
        resolve({"base_url": "http://h"}, {}, None)


def test_a_front_end_registers_and_reads_back_every_option_under_its_prefix() -> None:
    parser = argparse.ArgumentParser()
    for option in OPTIONS:
        flag, keywords = option.argument("contract-")
        parser.add_argument(flag, **keywords)
    namespace = parser.parse_args(
        ["--contract-base-url", "http://h/p", "--contract-insecure", "--contract-header", "X-A: 1"]
    )
    given = options.given_by(vars(namespace).get, "contract-")
    assert given["base-url"] == "http://h/p"
    assert given["insecure"] is True
    assert given["header"] == ["X-A: 1"]
    assert given["timeout"] is None
    assert set(given) == {option.name for option in OPTIONS}


def test_settings_reads_the_file_found_from_the_directory(tmp_path: Path, place: Path) -> None:
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "ca.pem").write_text("x")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.contracts]\n"
        'base-url = "https://staging.example.com/gateway"\n'
        'admin-key = "${STAGING_ADMIN_KEY}"\n'
        'member-key = "${STAGING_MEMBER_KEY}"\n'
        'ca-bundle = "certs/ca.pem"\n'
        "rate-limit = 40\n"
        "[tool.contracts.headers]\n"
        'X-Gateway-Key = "${GATEWAY_KEY}"\n'
    )
    deep = tmp_path / "src" / "pkg"
    deep.mkdir(parents=True)
    environ = {"STAGING_ADMIN_KEY": "ak", "STAGING_MEMBER_KEY": "mk", "GATEWAY_KEY": "gk"}
    resolved = options.settings({}, environ, deep)
    assert resolved.base_url == "https://staging.example.com/gateway"
    assert (resolved.admin_key, resolved.member_key) == ("ak", "mk")
    assert resolved.connection.ca_bundle == tmp_path / "certs" / "ca.pem"
    assert resolved.connection.rate_limit == 40
    assert resolved.connection.headers == (("X-Gateway-Key", "gk"),)


def test_config_by_flag_or_variable_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "contracts.toml").write_text('base-url = "http://found"\n')
    (tmp_path / "ci.toml").write_text('base-url = "http://named"\n')
    keys = {"admin-key": "a", "member-key": "m"}
    assert options.settings(keys, {}, tmp_path).base_url == "http://found"
    named = {**keys, "config": "ci.toml"}
    assert options.settings(named, {}, tmp_path).base_url == "http://named"
    by_variable = {"CONTRACT_CONFIG": str(tmp_path / "ci.toml")}
    assert options.settings(keys, by_variable, tmp_path).base_url == "http://named"
    with pytest.raises(UsageError, match="cannot read"):
        options.settings({**keys, "config": "absent.toml"}, {}, tmp_path)
