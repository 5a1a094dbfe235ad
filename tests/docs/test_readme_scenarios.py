"""The README's "Use your own data" stays true to the shipped schema and examples."""

from __future__ import annotations

import json
from typing import Any

from mockserver.scenario.document import load_schema
from tests import REPO_ROOT

ROOT = REPO_ROOT
README = (ROOT / "README.md").read_text(encoding="utf-8")
START, END = "<!-- scenario-reference -->\n", "<!-- /scenario-reference -->"


def reference(schema: dict[str, Any]) -> str:
    """The format's reference in Markdown, made from the schema's own words."""
    objects = schema["$defs"]
    sections = [
        ("The file", schema),
        ("A project (`projects[]`)", objects["project"]),
        ("A member (`members[]`, when a list)", objects["member"]),
        ("A key (`keys[]`)", objects["key"]),
        ("An entry (`auditLog[]`)", objects["entry"]),
    ]
    lines: list[str] = []
    for title, node in sections:
        lines += [f"**{title}**", "", "| field | takes | default | meaning |", "|---|---|---|---|"]
        for name, field in node["properties"].items():
            if name in node.get("required", []):
                default = "required"
            elif "x-default" in field:
                default = field["x-default"]
            else:
                default = f"`{json.dumps(field['default'])}`"
            lines.append(
                f"| `{name}` | {field['x-expected']} | {default} | {field['description']} |"
            )
        lines.append("")
    return "\n".join(lines)


def test_the_format_reference_is_the_schemas() -> None:
    shown = README.split(START, 1)[1].split(END, 1)[0]
    expected = reference(load_schema())
    assert shown == expected, f"Replace the README's reference with:\n{expected}"


def test_the_five_line_scenario_shown_is_the_example() -> None:
    example = (ROOT / "examples" / "scenarios" / "five-lines.yaml").read_text(encoding="utf-8")
    assert f"```yaml\n{example}```" in README
