"""The Dockerfile's promises that a file can show: the version, the user, the health check.

`.ci/container` builds and runs the image; these checks keep the file itself in step
with the project without an engine.
"""

from __future__ import annotations

import re
import tomllib

from tests import REPO_ROOT

DOCKERFILE = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")


def instructions(name: str) -> list[str]:
    """The arguments of every `name` instruction of the final stage, continuations joined."""
    final_stage = DOCKERFILE.rsplit("\nFROM ", 1)[1]
    joined = re.sub(r"\\\n\s*", " ", final_stage)
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(name + " ")]


def environment() -> dict[str, str]:
    return dict(re.findall(r'(\w+)="?([^"\s]*)"?', " ".join(instructions("ENV"))))


def test_the_version_label_is_pyprojects() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert f"VERSION={project['project']['version']}" in instructions("ARG")
    assert project["project"]["license"] == "MIT"
    labels = " ".join(instructions("LABEL"))
    for label in ("source", "version", "licenses"):
        assert f"org.opencontainers.image.{label}=" in labels
    assert 'org.opencontainers.image.licenses="MIT"' in labels


def test_it_serves_every_interface_on_8080_as_a_numeric_non_root_user() -> None:
    assert environment()["MOCKSERVER_HOST"] == "0.0.0.0"
    assert environment()["MOCKSERVER_PORT"] == "8080"
    assert instructions("EXPOSE") == ["8080"]
    (user,) = instructions("USER")
    uid, gid = user.split(":")
    # Numeric, so that Kubernetes' runAsNonRoot can verify it without /etc/passwd.
    assert int(uid) > 0 and int(gid) > 0


def test_the_health_check_asks_the_health_answer_on_the_configured_port() -> None:
    (check,) = instructions("HEALTHCHECK")
    assert "/__mock/health" in check
    assert "MOCKSERVER_PORT" in check, "a port changed through the environment is followed"
    assert "ProxyHandler({})" in check, "a proxy named by the environment is bypassed"
    assert "curl" not in check


def test_nothing_is_written_at_run_time_and_tini_passes_signals_on() -> None:
    assert environment()["PYTHONDONTWRITEBYTECODE"] == "1"
    (entrypoint,) = instructions("ENTRYPOINT")
    assert entrypoint.startswith('["/usr/bin/tini", "--",')
    assert "exec mockserver" in entrypoint
