"""The manifests of `deploy/kubernetes/`: valid Kubernetes objects that serve what they say.

The schemas come from `kubernetes-validate` (the `deploy` extra), which ships the
Kubernetes JSON schemas of every version it supports and validates offline. The other
checks tie the manifests to the mock: the probes ask for the health path the control
spec defines, the scenario in the ConfigMap is a valid scenario (the example's), and
the Deployment's environment, with that file where it is mounted, makes a mock that
answers the probe and serves the scenario.
"""

from __future__ import annotations

import importlib
import os
import tomllib
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any

import pytest
import yaml
from aiohttp.test_utils import TestClient, TestServer

from mockserver import create_app
from mockserver.cli import serve
from mockserver.control.security import TOKEN_HEADER
from mockserver.control.spec import load_control_spec
from mockserver.scenario.document import validate
from tests import REPO_ROOT
from tests.conftest import bearer

MANIFESTS = REPO_ROOT / "deploy" / "kubernetes"
EXAMPLE_SCENARIO = REPO_ROOT / "examples" / "scenarios" / "five-lines.yaml"
# The oldest and the newest Kubernetes the manifests are checked against (1.25 is the
# oldest schema set the validator ships).
KUBERNETES_VERSIONS = ("1.25", "1.37")
A_CONTROL_TOKEN = "a-token-of-sixteen-characters-or-more"

Manifest = dict[str, Any]


def load_manifests() -> dict[str, Manifest]:
    """Every object of every file, by kind: one object of each kind."""
    objects = [
        document
        for path in sorted(MANIFESTS.glob("*.yaml"))
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8"))
        if document is not None
    ]
    by_kind = {obj["kind"]: obj for obj in objects}
    assert len(by_kind) == len(objects), "one object of each kind"
    return by_kind


OBJECTS = load_manifests()
DEPLOYMENT, SERVICE, CONFIG_MAP = OBJECTS["Deployment"], OBJECTS["Service"], OBJECTS["ConfigMap"]
POD = DEPLOYMENT["spec"]["template"]["spec"]
(CONTAINER,) = POD["containers"]
ENV = {variable["name"]: variable for variable in CONTAINER["env"]}
PLAIN_ENV = {name: variable["value"] for name, variable in ENV.items() if "value" in variable}


def health_path() -> str:
    """The path of the control spec's `getHealth` operation."""
    (path,) = (
        path
        for path, item in load_control_spec()["paths"].items()
        if item.get("get", {}).get("operationId") == "getHealth"
    )
    return str(path)


def scenario_file() -> tuple[str, str]:
    """The ConfigMap key that MOCKSERVER_SCENARIO names through the volume, and its text."""
    path = PurePosixPath(PLAIN_ENV["MOCKSERVER_SCENARIO"])
    mounts = CONTAINER["volumeMounts"]
    (mount,) = (m for m in mounts if path.parent == PurePosixPath(m["mountPath"]))
    (volume,) = (v for v in POD["volumes"] if v["name"] == mount["name"])
    assert volume["configMap"]["name"] == CONFIG_MAP["metadata"]["name"]
    return path.name, CONFIG_MAP["data"][path.name]


def validator() -> ModuleType:
    """The `kubernetes_validate` module; skips without the deploy extra, except in CI."""
    try:
        # Imported by name: it is an optional extra, absent where mypy runs without it.
        return importlib.import_module("kubernetes_validate")
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("CI installs the deploy extra: pip install -e '.[deploy]'")
        pytest.skip("the Kubernetes schemas come with the deploy extra: pip install -e '.[deploy]'")


def test_the_files_hold_a_deployment_a_service_and_a_config_map() -> None:
    assert sorted(OBJECTS) == ["ConfigMap", "Deployment", "Service"]


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("kind", sorted(OBJECTS))
def test_each_object_is_valid_by_the_kubernetes_schemas(kind: str, version: str) -> None:
    kubernetes_validate = validator()
    # Strict: a misspelt field (readOnlyRootFilesytem) is an error, not ignored.
    kubernetes_validate.validate(OBJECTS[kind], version, strict=True)


def test_the_validator_refuses_a_broken_manifest() -> None:
    kubernetes_validate = validator()
    broken = yaml.safe_load((MANIFESTS / "deployment.yaml").read_text(encoding="utf-8"))
    broken["spec"]["template"]["spec"]["containers"][0]["securityContext"][
        "readOnlyRootFilesytem"
    ] = True
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSIONS[-1], strict=True)


def test_the_deployment_runs_replicas_hardened_and_bounded() -> None:
    assert DEPLOYMENT["spec"]["replicas"] >= 2
    assert POD["securityContext"]["runAsNonRoot"] is True
    assert POD["securityContext"]["runAsUser"] != 0
    hardening = CONTAINER["securityContext"]
    assert hardening["readOnlyRootFilesystem"] is True
    assert hardening["allowPrivilegeEscalation"] is False
    assert hardening["capabilities"]["drop"] == ["ALL"]
    assert {"cpu", "memory"} <= set(CONTAINER["resources"]["requests"])
    assert "memory" in CONTAINER["resources"]["limits"]


def test_the_image_is_this_version_of_the_project() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert CONTAINER["image"] == f"auditlog-mock:{project['project']['version']}"


def test_the_probes_ask_for_the_health_path_on_the_served_port() -> None:
    (port,) = CONTAINER["ports"]
    assert str(port["containerPort"]) == PLAIN_ENV["MOCKSERVER_PORT"]
    for probe in ("readinessProbe", "livenessProbe"):
        get = CONTAINER[probe]["httpGet"]
        assert get["path"] == health_path()
        assert get["port"] == port["name"]
        assert "httpHeaders" not in get, "the health answer needs no token"


def test_the_service_reaches_the_deployments_pods() -> None:
    selector = SERVICE["spec"]["selector"]
    assert selector == DEPLOYMENT["spec"]["selector"]["matchLabels"]
    assert selector.items() <= DEPLOYMENT["spec"]["template"]["metadata"]["labels"].items()
    (port,) = SERVICE["spec"]["ports"]
    assert port["targetPort"] == CONTAINER["ports"][0]["name"]


def test_the_control_token_comes_from_an_optional_secret() -> None:
    reference = ENV["MOCKSERVER_CONTROL_TOKEN"]["valueFrom"]["secretKeyRef"]
    assert reference["optional"] is True  # pods start without it, the control API off


def test_the_config_map_holds_the_example_scenario_and_it_is_valid() -> None:
    _, text = scenario_file()
    assert text == EXAMPLE_SCENARIO.read_text(encoding="utf-8")
    assert validate(yaml.safe_load(text)) == []


def test_every_variable_of_the_deployment_is_an_option_of_the_mock() -> None:
    variables = {option.variable for option in serve.COMMAND.options}
    assert set(ENV) <= variables


async def test_the_deployments_environment_serves_the_scenario_and_answers_the_probe(
    tmp_path: Path,
) -> None:
    # The pod's environment, with the ConfigMap's file where the volume would put it and
    # the token the optional Secret would give.
    name, text = scenario_file()
    (tmp_path / name).write_text(text, encoding="utf-8")
    environ = {
        **PLAIN_ENV,
        "MOCKSERVER_SCENARIO": str(tmp_path / name),
        "MOCKSERVER_CONTROL_TOKEN": A_CONTROL_TOKEN,
    }
    config = serve.serve_config(serve.COMMAND.resolve([], environ))
    assert (config.host, config.port) == ("0.0.0.0", 8080)

    async with TestClient(TestServer(create_app(config))) as client:
        # The kubelet sends no token: once the health answer needs none in every
        # configuration (issue 14, the image), this request must drop the header.
        health = await client.get(health_path(), headers={TOKEN_HEADER: A_CONTROL_TOKEN})
        assert (health.status, await health.json()) == (200, {"status": "ok"})
        key = yaml.safe_load(text)["projects"][0]["keys"][0]["key"]
        page = await client.get("/api/v1/audit-log", headers=bearer(key))
        assert page.status == 200
        assert (await page.json())["total"] == len(yaml.safe_load(text)["projects"][0]["auditLog"])
