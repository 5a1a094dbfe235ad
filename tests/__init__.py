"""The project's tests: they mirror the source tree (`tests/<package>/test_<module>.py`)."""

from pathlib import Path

# The checkout's root, for the tests that read the README, the examples or the spec link.
REPO_ROOT = Path(__file__).resolve().parent.parent
