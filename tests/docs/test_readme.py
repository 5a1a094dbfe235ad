"""What the README promises a new user stays true."""

from __future__ import annotations

import re

from mockserver.config import WorldConfig
from mockserver.generate.world import generate_world
from tests import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_quick_start_is_two_commands() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert quick_start.strip().splitlines() == ['pip install -e ".[test]"', "mockserver"]


def test_the_keys_shown_are_the_default_worlds() -> None:
    project = generate_world(WorldConfig()).projects[0]
    shown = dict(re.findall(r"^(ADMIN|MEMBER)=(\S+)", README, re.MULTILINE))
    assert shown == {"ADMIN": project.keys[0].key, "MEMBER": project.keys[1].key}
