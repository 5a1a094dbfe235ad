"""The typed keys of the API's app and requests: what the API itself reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from mockserver.api.operations import Operation
from mockserver.api.state import ServerState
from mockserver.config import Config
from mockserver.domain.clock import Clock
from mockserver.domain.models import Project

config_key = web.AppKey("config", Config)
clock_key = web.AppKey("clock", Clock)
state_key = web.AppKey("state", ServerState)
# The API's operations by operationId: what each requires before its handler runs.
operations_key = web.AppKey("operations", dict[str, Operation])

project_key = web.RequestKey("project", Project)
params_key = web.RequestKey("params", Mapping[str, Any])
