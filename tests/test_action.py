"""action.yml's promises that the file itself can show: every input reaches the run, keys
never enter a script's text, the README lists the inputs, reports are kept whatever the
outcome.

`.ci/action` runs the action's shell steps against the mock; these checks need no run.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from tests import REPO_ROOT

ACTION: dict[str, Any] = yaml.safe_load((REPO_ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
INPUT = re.compile(r"\$\{\{\s*inputs\.([a-z-]+)\s*\}\}")


def used_inputs(step: dict[str, Any]) -> set[str]:
    mappings = (step.get("env") or {}, step.get("with") or {})
    texts = [str(value) for mapping in mappings for value in mapping.values()]
    return {name for text in texts for name in INPUT.findall(text)}


def test_it_is_a_composite_action_whose_every_input_is_used() -> None:
    assert ACTION["runs"]["using"] == "composite"
    used = set().union(*(used_inputs(step) for step in STEPS))
    assert used == set(ACTION["inputs"])


def test_no_script_holds_an_expression_only_variables() -> None:
    # An input pasted into a script runs as code and puts keys in the script's text.
    for step in STEPS:
        if "run" in step:
            assert "${{" not in step["run"], step["name"]
            assert step["shell"] == "bash"


def test_the_keys_reach_the_command_as_its_environment_variables() -> None:
    (run,) = [step for step in STEPS if step.get("id") == "run"]
    assert {name: run["env"][name] for name in run["env"] if name.startswith("CONTRACT_")} == {
        "CONTRACT_BASE_URL": "${{ inputs.base-url }}",
        "CONTRACT_ADMIN_KEY": "${{ inputs.admin-key }}",
        "CONTRACT_MEMBER_KEY": "${{ inputs.member-key }}",
        "CONTRACT_OTHER_ADMIN_KEY": "${{ inputs.other-admin-key }}",
    }
    for flag in ("--junit-xml", "--json-report", "--markdown-report"):
        assert flag in run["run"]


def test_the_summary_and_the_artifact_are_kept_whatever_the_outcome() -> None:
    after = STEPS[[step.get("id") for step in STEPS].index("run") + 1 :]
    assert [step["name"] for step in after] == ["Write the job summary", "Keep the reports"]
    assert all(step["if"] == "always()" for step in after)
    assert after[1]["uses"].startswith("actions/upload-artifact@")


def test_the_readme_names_every_input() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    listed = readme.split("\nInputs: ", 1)[1].split("\n\n", 1)[0]
    assert set(re.findall(r"`([a-z-]+)`", listed)) >= set(ACTION["inputs"])
