"""Reading, checking and writing scenario files: every problem found, with its place."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.scenario import document as scenario
from mockserver.scenario.document import (
    Problem,
    ScenarioError,
    load_scenario,
    validate,
    write_scenario,
)


def problems_of(tmp_path: Path, text: str, name: str = "scenario.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    assert raised.value.source == str(path)
    return [str(problem) for problem in raised.value.problems]


def test_a_date_where_unix_ms_belong_is_named_with_its_path(tmp_path: Path) -> None:
    entries = "\n".join(
        f"      - {{action: entity.created, timestamp: {1_735_600_000_000 + i}}}" for i in range(17)
    )
    text = f"projects:\n  - auditLog:\n{entries}\n      - {{action: x, timestamp: 2024-01-01}}\n"
    assert problems_of(tmp_path, text) == [
        'projects[0].auditLog[17].timestamp: expected an integer in Unix ms, got "2024-01-01"'
    ]


def test_every_problem_is_listed_in_the_files_order(tmp_path: Path) -> None:
    text = """
projects:
  - id: ""
    plan: gold
    slug: Not A Slug
    entityTypes: -1
    members: [{id: usr_1, role: boss}]
    keys: [{key: "has space"}, {role: member, secret: x}]
    auditLog:
      - {userId: usr_1, timestamp: 1.5}
      - {action: entity.created, entityId: "", metadata: [], tmestamp: 5}
  - auditLog: {}
"""
    assert problems_of(tmp_path, text) == [
        "projects[0].auditLog[0].action: missing; expected a string of 1 to 100 characters",
        "projects[0].auditLog[0].timestamp: expected an integer in Unix ms, got 1.5",
        'projects[0].auditLog[1].entityId: expected a non-empty string or null, got ""',
        "projects[0].auditLog[1].metadata: expected an object, got []",
        "projects[0].auditLog[1].tmestamp: unknown field, did you mean timestamp? Expected one "
        "of id, action, userId, entityId, metadata, timestamp",
        "projects[0].entityTypes: expected a count (0 or more) or a list of distinct names, got -1",
        'projects[0].id: expected a non-empty string, got ""',
        "projects[0].keys[0].key: expected 1 to 200 letters, digits or - . _ ~ + /, "
        'got "has space"',
        "projects[0].keys[1].secret: unknown field; expected one of key, role",
        'projects[0].members[0].role: expected one of owner, admin, member, got "boss"',
        'projects[0].plan: expected one of free, pro, team, enterprise, got "gold"',
        "projects[0].slug: expected a slug: groups of lowercase letters and digits joined by "
        'single hyphens, got "Not A Slug"',
        "projects[1].auditLog: expected a list of audit-log entries, got {}",
    ]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("bad.yaml", "projects: [\n  {id: 1\n", "(the file): line 3, column 1: invalid YAML"),
        ("bad.json", '{"projects": [}', "(the file): line 1, column 15: invalid JSON"),
        ("empty.yaml", "", "(the file): the file is empty; expected an object"),
        (
            "list.yaml",
            "- a\n- b\n",
            '(the file): expected an object with a list of projects, got ["a", "b"]',
        ),
        ("none.yaml", "projects: []\n", "projects: expected a non-empty list of projects, got []"),
        ("typo.yaml", "project: []\n", "project: unknown field, did you mean projects?"),
        (
            "float.json",
            '{"projects": [{"auditLog": [{"action": "a", "timestamp": 1.0}]}]}',
            "projects[0].auditLog[0].timestamp: expected an integer in Unix ms, got 1.0",
        ),
    ],
)
def test_unreadable_files_get_one_clear_problem(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    (problem,) = problems_of(tmp_path, text, name)
    assert problem.startswith(expected)


def test_a_missing_file_is_one_problem(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as raised:
        load_scenario(tmp_path / "absent.yaml")
    assert [str(p) for p in raised.value.problems] == [
        "(the file): cannot read the file: No such file or directory"
    ]


def test_literal_defaults_come_from_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "minimal.yaml"
    path.write_text("projects:\n  - auditLog: [{action: a}]\n  - members: [{}]\n")
    assert load_scenario(path) == {
        "version": 1,
        "projects": [
            {
                "plan": "free",
                "auditLog": [{"action": "a", "userId": "system", "entityId": None, "metadata": {}}],
            },
            {"plan": "free", "members": [{"role": "member"}], "auditLog": []},
        ],
    }
    empty_object = tmp_path / "empty-object.json"
    empty_object.write_text("{}")
    assert load_scenario(empty_object)["projects"] == [{"plan": "free", "auditLog": []}]


# Documents the schema accepts, written by hypothesis.
names = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=12)
entries = st.fixed_dictionaries(
    {"action": st.text(min_size=1, max_size=100)},
    optional={
        "id": names,
        "userId": names,
        "entityId": st.none() | names,
        "metadata": st.dictionaries(names, st.integers() | names | st.booleans(), max_size=3),
        "timestamp": st.integers(0, 2**63 - 1),
    },
)
projects = st.fixed_dictionaries(
    {},
    optional={
        "id": names,
        "name": st.text(max_size=20),
        "slug": st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True),
        "plan": st.sampled_from(["free", "pro", "team", "enterprise"]),
        "entityTypes": st.integers(0, 50) | st.lists(names, unique=True, max_size=4),
        "entities": st.integers(0, 50) | st.lists(names, unique=True, max_size=4),
        "members": st.integers(0, 10)
        | st.lists(st.fixed_dictionaries({}, optional={"id": names, "email": names}), max_size=3),
        "keys": st.lists(
            st.fixed_dictionaries(
                {"key": st.from_regex(r"[A-Za-z0-9._~+/-]{1,40}", fullmatch=True)},
                optional={"role": st.sampled_from(["admin", "member"])},
            ),
            min_size=1,
            max_size=2,
        ),
        "auditLog": st.lists(entries, max_size=5),
    },
)
documents = st.fixed_dictionaries({"projects": st.lists(projects, min_size=1, max_size=3)})


def holds(loaded: Any, written: Any) -> bool:
    """Whether `loaded` has everything `written` has, with the same values."""
    if isinstance(written, dict):
        return isinstance(loaded, dict) and all(
            key in loaded and holds(loaded[key], value) for key, value in written.items()
        )
    if isinstance(written, list):
        return (
            isinstance(loaded, list)
            and len(loaded) == len(written)
            and all(map(holds, loaded, written))
        )
    return bool(loaded == written) and type(loaded) is type(written)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.sampled_from(["s.json", "s.yaml", "s.yml"]))
def test_what_is_written_reads_back_the_same(
    tmp_path_factory: pytest.TempPathFactory, document: dict[str, Any], name: str
) -> None:
    assert validate(document) == []
    path = tmp_path_factory.mktemp("round-trip") / name
    write_scenario(document, path)
    assert scenario.read_document(path) == document
    # Loading adds the schema's defaults and changes nothing written.
    assert holds(load_scenario(path), document)


WRONG: dict[str, Any] = {
    "id": "",
    "action": "x" * 101,
    "userId": 7,
    "entityId": 5,
    "metadata": "text",
    "timestamp": -1,
}


@settings(max_examples=100, deadline=None)
@given(documents, st.data())
def test_a_wrong_value_anywhere_is_reported_at_its_path(
    document: dict[str, Any], data: st.DataObject
) -> None:
    project = data.draw(st.integers(0, len(document["projects"]) - 1))
    log = document["projects"][project].setdefault("auditLog", [])
    log.append({"action": "fine"})
    entry = data.draw(st.integers(0, len(log) - 1))
    field = data.draw(st.sampled_from(sorted(WRONG)))
    log[entry][field] = WRONG[field]
    (problem,) = validate(document)
    assert problem.path == f"projects[{project}].auditLog[{entry}].{field}"
    assert problem.message.startswith("expected ")


def test_a_write_interrupted_midway_leaves_the_old_file_and_no_litter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "snapshot.json"
    path.write_text("old content")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_scenario({"projects": [{}]}, path)
    assert path.read_text() == "old content"
    assert [p.name for p in tmp_path.iterdir()] == ["snapshot.json"]


def test_a_written_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    path = tmp_path / "s.yaml"
    write_scenario({"projects": [{}]}, path)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    assert yaml.safe_load(path.read_text()) == {"projects": [{}]}


def test_problems_read_as_path_then_message() -> None:
    assert str(Problem("projects[0].plan", "expected x")) == "projects[0].plan: expected x"
    assert str(Problem("", "cannot read")) == "(the file): cannot read"
    error = ScenarioError("s.yaml", [Problem("a", "b"), Problem("c", "d")])
    assert str(error) == "s.yaml: 2 problems\n  a: b\n  c: d"
    assert scenario.format_path(["projects", 0, "auditLog", 17, "timestamp"]) == (
        "projects[0].auditLog[17].timestamp"
    )


def test_a_value_is_quoted_whole_up_to_sixty_characters_and_cut_after() -> None:
    assert scenario.shown("x" * 58) == '"' + "x" * 58 + '"'
    assert scenario.shown("x" * 100) == '"' + "x" * 59 + "…"
    assert scenario.shown({"a": [1, 2]}) == '{"a": [1, 2]}'
