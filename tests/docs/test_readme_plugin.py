"""The README's section "Use in your client's tests" stays true."""

from __future__ import annotations

import json
import shlex
import urllib.request

from mockserver import Config, ThreadedServer, WorldConfig, create_app
from tests import REPO_ROOT

ROOT = REPO_ROOT
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Use in your client's tests", 1)[1].split("\n## ", 1)[0]


def test_the_example_is_the_tested_file_verbatim() -> None:
    block = SECTION.split("```python\n", 1)[1].split("```", 1)[0]
    example = ROOT / "examples" / "tests" / "test_readme_example.py"
    assert block == example.read_text(encoding="utf-8")


def test_the_curl_walkthrough_works() -> None:
    shell = SECTION.split("```sh\n", 1)[1].split("```", 1)[0].replace("\\\n", " ")
    commands = [shlex.split(line) for line in shell.strip().splitlines()]
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with ThreadedServer(create_app(Config(world=WorldConfig(entries=20)))) as server:
        answers = []
        for command in commands:
            assert command[0] == "curl"
            # `--json BODY` is a POST of BODY as application/json, as curl sends it.
            data = command[command.index("--json") + 1].encode() if "--json" in command else None
            url = next(arg for arg in command if arg.startswith("localhost:8080/"))
            url = server.url + url.removeprefix("localhost:8080")
            method = "GET" if data is None else "POST"
            headers = {} if data is None else {"Content-Type": "application/json"}
            request = urllib.request.Request(url, data=data, method=method, headers=headers)
            with direct.open(request, timeout=10) as response:
                answers.append(json.loads(response.read()))
    assert answers[0]["frozen"] is True
    assert answers[1]["data"][0]["entityId"] == "ent_1"
    assert answers[2]["now"] == answers[0]["now"] + 61_000
    assert answers[3]["data"]["status"] == 429
    assert answers[4] == {"data": []}


def test_the_cost_figures_say_what_measured_them() -> None:
    command = "python -m benchmarks.plugin_cost"
    assert f"measured by `{command}` (pytest over 1\nand over 201 one-request tests" in SECTION
    assert "median of 5 rounds" in SECTION
    benchmark = (ROOT / "benchmarks" / "plugin_cost.py").read_text(encoding="utf-8")
    assert f"{command}            # 201 tests, 5 rounds" in benchmark
