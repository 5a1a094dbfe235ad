"""The README's sections "From any language" and "On Kubernetes" stay true."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from mockserver import Config, ThreadedServer, WorldConfig, create_app
from tests import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
ANY_LANGUAGE = README.split("## From any language", 1)[1].split("\n## ", 1)[0]
KUBERNETES = README.split("## On Kubernetes", 1)[1].split("\n## ", 1)[0]


def blocks(section: str) -> list[str]:
    return [part.split("```", 1)[0] for part in section.split("```sh\n")[1:]]


def commands(block: str) -> list[str]:
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_the_control_walkthrough_works() -> None:
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    environ = {**os.environ, "NO_PROXY": "*", "no_proxy": "*"}
    with ThreadedServer(create_app(Config(world=WorldConfig(entries=20)))) as server:
        address = server.url.removeprefix("http://")
        answers: list[Any] = []
        for line in commands(blocks(ANY_LANGUAGE)[1]):
            command = line.replace("localhost:8080", address)
            done = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", command],
                capture_output=True,
                text=True,
                env=environ,
                timeout=30,
                check=True,
            )
            answers.append(json.loads(done.stdout))
        faults = json.loads(subprocess.check_output([curl, "-fs", f"{server.url}/__mock/faults"]))
    health, keys, reset, fault, frozen, advanced, journal = answers
    assert health == reset == {"status": "ok"}
    assert [key["role"] for key in keys["data"][:2]] == ["admin", "member"]
    assert fault["data"]["status"] == 429
    assert faults["data"][0]["path"] == "/api/v1/audit-log"
    assert frozen["frozen"] is True
    assert advanced["now"] == frozen["now"] + 61_000
    assert journal == {"data": []}


def test_the_typescript_command_is_the_script() -> None:
    (command,) = commands(blocks(ANY_LANGUAGE)[2])
    script = REPO_ROOT / command.split()[0]
    assert os.access(script, os.X_OK)
    assert "usage: run-tests.sh URL ADMIN_KEY MEMBER_KEY" in script.read_text(encoding="utf-8")


def test_the_kubernetes_commands_name_the_manifests_objects() -> None:
    manifests = REPO_ROOT / "deploy" / "kubernetes"
    deployment = yaml.safe_load((manifests / "deployment.yaml").read_text(encoding="utf-8"))
    pod = deployment["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    env = {variable["name"]: variable for variable in container["env"]}
    secret = env["MOCKSERVER_CONTROL_TOKEN"]["valueFrom"]["secretKeyRef"]
    labels = ",".join(f"{k}={v}" for k, v in deployment["spec"]["selector"]["matchLabels"].items())
    shell = "\n".join(blocks(KUBERNETES))
    assert "kubectl apply -f deploy/kubernetes/" in shell
    assert f"deployment/{deployment['metadata']['name']}" in shell
    assert f"secret generic {secret['name']} --from-literal={secret['key']}=" in shell
    assert f"kubectl get pod -l {labels} " in shell
    assert f"`{container['image']}`" in KUBERNETES
    scenario = yaml.safe_load((manifests / "configmap.yaml").read_text(encoding="utf-8"))
    (text,) = scenario["data"].values()
    admin_key = yaml.safe_load(text)["projects"][0]["keys"][0]["key"]
    assert f"its admin key is `{admin_key}`" in KUBERNETES
