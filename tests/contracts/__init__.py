"""The contract suite, tested against the mock and against variants of it."""
