"""The operation table: one walk over a document's paths gives every operation once."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.control.spec import control_spec_text, load_control_spec
from mockserver.spec.loader import load_spec, operations, spec_text
from mockserver.spec.operations import (
    HTTP_METHODS,
    SpecOperation,
    operation_table,
    query_parameters,
)


def _declared_ids(text: str) -> list[str]:
    """The operationIds a document's text declares, read without the walker."""
    return re.findall(r"^\s+operationId: (\w+)$", text, re.MULTILINE)


@pytest.mark.parametrize(
    ("spec", "text"), [(load_spec(), spec_text()), (load_control_spec(), control_spec_text())]
)
def test_every_declared_operation_is_in_the_table_once_in_the_documents_order(
    spec: dict[str, Any], text: str
) -> None:
    assert list(operation_table(spec)) == _declared_ids(text)


def test_the_apis_operations_with_their_paths_methods_and_roles() -> None:
    table = operation_table(load_spec())
    assert [(o.operation_id, o.method, o.path, o.roles) for o in table.values()] == [
        ("listAuditLogEntries", "GET", "/api/v1/audit-log", ("admin",)),
        ("getProject", "GET", "/api/v1/project", ()),
    ]
    audit_log = table["listAuditLogEntries"]
    assert [p["name"] for p in audit_log.query_parameters] == ["action", "userId", "since", "limit"]
    assert audit_log.statuses == ("200", "400", "401", "403")
    assert table["getProject"].query_parameters == []


def test_the_control_api_has_several_methods_on_one_path() -> None:
    table = operation_table(load_control_spec())
    on_clock = [(o.method, o.operation_id) for o in table.values() if o.path == "/__mock/clock"]
    assert on_clock == [("GET", "getClock"), ("POST", "setClock")]
    assert all(o.roles == () for o in table.values()), "the control API names no role"


def test_the_loaders_get_view_holds_the_tables_get_operations() -> None:
    spec = load_control_spec()
    assert operations(spec) == {
        o.operation_id: (o.path, o.definition)
        for o in operation_table(spec).values()
        if o.method == "GET"
    }
    assert "reset" not in operations(spec), "a POST is not in the GET view"


def test_keys_of_a_path_item_that_are_not_methods_are_not_operations() -> None:
    spec = {
        "paths": {
            "/things": {
                "summary": "things",
                "description": "all of them",
                "parameters": [{"name": "x", "in": "query", "schema": {}}],
                "servers": [],
                "get": {"operationId": "listThings"},
            }
        }
    }
    assert list(operation_table(spec)) == ["listThings"]


def test_an_operations_own_security_replaces_the_documents() -> None:
    spec = {
        "security": [{"key": ["reader"]}],
        "paths": {
            "/a": {"get": {"operationId": "a"}},
            "/b": {"get": {"operationId": "b", "security": [{"key": ["admin", "admin"]}]}},
            "/c": {"get": {"operationId": "c", "security": []}},
            "/d": {"get": {"operationId": "d", "security": [{}, {"key": ["x"], "other": ["y"]}]}},
        },
    }
    roles = {o.operation_id: o.roles for o in operation_table(spec).values()}
    assert roles == {"a": ("reader",), "b": ("admin",), "c": (), "d": ("x", "y")}


def test_an_operation_id_given_twice_is_refused() -> None:
    spec = {"paths": {"/a": {"get": {"operationId": "same"}, "post": {"operationId": "same"}}}}
    with pytest.raises(ValueError, match="'same' is given twice"):
        operation_table(spec)


def test_query_parameters_leave_out_the_other_places() -> None:
    definition = {
        "parameters": [
            {"name": "q", "in": "query"},
            {"name": "id", "in": "path"},
            {"name": "X-Trace", "in": "header"},
            {"name": "r", "in": "query"},
        ]
    }
    assert [p["name"] for p in query_parameters(definition)] == ["q", "r"]


_NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
_OPERATIONS = st.dictionaries(
    _NAMES.map(lambda name: "/" + name),
    st.dictionaries(
        st.sampled_from(HTTP_METHODS), st.lists(_NAMES, max_size=3), min_size=1, max_size=4
    ),
    max_size=5,
)


@given(_OPERATIONS)
def test_any_document_gives_one_row_per_path_and_method(
    layout: dict[str, dict[str, list[str]]],
) -> None:
    """Whatever the paths and methods, each operation is found with what it was given."""
    spec: dict[str, Any] = {"paths": {}}
    expected: list[SpecOperation] = []
    for path, methods in layout.items():
        item = spec["paths"][path] = {}
        for method, roles in methods.items():
            operation_id = f"{method}{path.replace('/', '_')}"
            item[method] = {"operationId": operation_id, "security": [{"key": roles}]}
            expected.append(
                SpecOperation(
                    operation_id,
                    method.upper(),
                    path,
                    tuple(dict.fromkeys(roles)),
                    item[method],
                )
            )
    table = operation_table(spec)
    assert sorted(table.values(), key=repr) == sorted(expected, key=repr)
    assert all(table[o.operation_id] == o for o in expected)
