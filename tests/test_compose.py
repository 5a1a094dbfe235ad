"""examples/compose.yaml: a Compose file whose every reference holds.

No Compose engine runs here, so the file is checked for what an engine would act on:
the fields it uses are the Compose Specification's, the mock's flags and variables are
ones `mockserver` accepts, the mounted scenario is valid and holds the keys the app
uses, and the app waits for the mock's health check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from contracts.cli import build_parser
from mockserver.cli import serve
from mockserver.scenario.document import load_scenario
from tests import REPO_ROOT
from tests.test_dockerfile import environment, instructions

EXAMPLES = REPO_ROOT / "examples"
COMPOSE: dict[str, Any] = yaml.safe_load((EXAMPLES / "compose.yaml").read_text(encoding="utf-8"))

# The Compose Specification's top-level elements and the service attributes this file
# may use (https://github.com/compose-spec/compose-spec/blob/main/spec.md).
TOP_LEVEL = {"version", "name", "include", "services", "networks", "volumes", "configs", "secrets"}
SERVICE_FIELDS = {
    "build",
    "command",
    "depends_on",
    "entrypoint",
    "environment",
    "healthcheck",
    "image",
    "ports",
    "pull_policy",
    "read_only",
    "restart",
    "volumes",
}
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}


def service(name: str) -> dict[str, Any]:
    return dict(COMPOSE["services"][name])


def mounts() -> dict[str, Path]:
    """The mock's read-only bind mounts: the path inside the container -> the file here."""
    found = {}
    for volume in service("mock")["volumes"]:
        source, target, mode = volume.split(":")
        assert mode == "ro"
        found[target] = (EXAMPLES / source).resolve()
    return found


def test_it_uses_the_compose_specifications_fields_only() -> None:
    assert set(COMPOSE) <= TOP_LEVEL
    assert set(COMPOSE["services"]) == {"mock", "app"}
    for name, fields in COMPOSE["services"].items():
        assert set(fields) <= SERVICE_FIELDS, name
        assert isinstance(fields["image"], str) and fields["image"]


def test_the_mock_is_built_from_the_dockerfile_and_its_image_is_the_apps() -> None:
    mock = service("mock")
    assert (EXAMPLES / mock["build"] / "Dockerfile").resolve() == REPO_ROOT / "Dockerfile"
    assert service("app")["image"] == mock["image"]
    assert service("app")["pull_policy"] == "never"


def test_the_app_starts_once_the_mocks_health_check_passes() -> None:
    assert service("app")["depends_on"] == {"mock": {"condition": "service_healthy"}}
    assert service("app")["depends_on"]["mock"]["condition"] in CONDITIONS
    # The mock keeps the image's own check, which is the health answer.
    assert "healthcheck" not in service("mock")
    (check,) = instructions("HEALTHCHECK")
    assert "/__mock/health" in check
    assert service("app")["healthcheck"] == {"disable": True}


def test_the_mocks_flags_and_variables_are_mockservers() -> None:
    mock = service("mock")
    variables = {option.variable for option in serve.COMMAND.options}
    assert set(mock["environment"]) <= variables
    resolved = serve.COMMAND.resolve(mock["command"], {**environment(), **mock["environment"]})
    config = serve.serve_config(resolved)
    assert (config.host, config.port) == ("0.0.0.0", 8080)
    (published,) = mock["ports"]
    host, _, container_port = published.split(":")
    assert (host, int(container_port)) == ("127.0.0.1", config.port)
    scenario = config.world.scenario
    assert scenario is not None and str(scenario.path) in mounts()


@pytest.fixture
def scenario_keys() -> dict[str, str]:
    """The keys of the mounted scenario: key -> role."""
    (path,) = mounts().values()
    document = load_scenario(path)
    return {key["key"]: key["role"] for key in document["projects"][0]["keys"]}


def test_the_app_reaches_the_mock_by_its_service_name_with_the_scenarios_keys(
    scenario_keys: dict[str, str],
) -> None:
    command = service("app")["command"]
    assert command[0] == "contracts"
    args = build_parser().parse_args(command[1:])
    url = urlsplit(args.base_url)
    assert (url.hostname, url.port) == ("mock", 8080)
    assert scenario_keys[args.admin_key] == "admin"
    assert scenario_keys[args.member_key] == "member"
