"""A contract suite that checks any implementation of the Audit Log & Project API.

Point it at a running server with an admin and a member key; it checks everything the
OpenAPI schema says (through schemathesis) and the semantics the schema cannot express:
filtering, ordering, pagination, validation, auth, errors and tenant isolation.

>>> from contracts import Settings, run_suite
>>> report = run_suite(Settings(base_url=url, admin_key=a, member_key=m, seed=1))  # doctest: +SKIP
>>> report.passed  # doctest: +SKIP
True
"""

from __future__ import annotations

from .outcome import CheckResult, Finding, Status
from .runner import Report, check_names, run_suite
from .settings import Settings

__all__ = ["CheckResult", "Finding", "Report", "Settings", "Status", "check_names", "run_suite"]
