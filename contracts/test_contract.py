"""The contract suite as tests: what `pytest --pyargs contracts` collects.

One item per check of the suite and schemathesis's checks per phase; the options, the
fixtures and the collection are `contracts.pytest_plugin`'s.
"""

from __future__ import annotations

from .pytest_plugin import test_checks, test_schema

__all__ = ["test_checks", "test_schema"]
