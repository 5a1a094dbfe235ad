"""The section "Check a real implementation" stays true to the command it documents."""

from __future__ import annotations

import re
from pathlib import Path

from contracts import check_names
from contracts.cli import ENVIRONMENT, build_parser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "contracts.md"


def test_every_check_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z]+\.[a-z_-]+)` \|", text, flags=re.MULTILINE))
    assert documented == set(check_names())


def test_every_documented_flag_and_variable_exists() -> None:
    text = DOCS.read_text(encoding="utf-8")
    flags = set(re.findall(r"(--[a-z][a-z-]+)", build_parser().format_help()))
    assert set(re.findall(r"(--[a-z][a-z-]+)", text)) <= flags
    assert set(re.findall(r"\b(CONTRACT_[A-Z_]+)\b", text)) <= set(ENVIRONMENT.values())
