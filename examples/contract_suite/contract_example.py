from contracts.pytest_plugin import test_checks, test_schema  # noqa: F401
