"""Every typed key of the app and of requests, in one place."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from .activity import Activity
from .clock import Clock
from .config import Config
from .control.coverage import Coverage
from .control.faults import FaultTable
from .control.journal import Journal, RecordedRequest
from .control.spec import ControlValidators
from .events import EventWriter
from .models import Project, World
from .operations import Operation
from .state import ServerState

config_key = web.AppKey("config", Config)
clock_key = web.AppKey("clock", Clock)
state_key = web.AppKey("state", ServerState)
# The API's operations by operationId: what each requires before its handler runs.
operations_key = web.AppKey("operations", dict[str, Operation])
# What a reset of the control API installs: a fresh copy of the world the server started with.
world_factory_key: web.AppKey[Callable[[], World]] = web.AppKey("world_factory")
events_key = web.AppKey("events", EventWriter)
activity_key = web.AppKey("activity", Activity)
journal_key = web.AppKey("journal", Journal)
faults_key = web.AppKey("faults", FaultTable)
coverage_key = web.AppKey("coverage", Coverage)
control_validators_key = web.AppKey("control_validators", ControlValidators)

project_key = web.RequestKey("project", Project)
params_key = web.RequestKey("params", Mapping[str, Any])
journal_record_key = web.RequestKey("journal_record", RecordedRequest)
