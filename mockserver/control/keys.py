"""The typed keys the control API adds to the app and to the API's requests."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from mockserver.control.coverage import Coverage
from mockserver.control.faults import FaultTable
from mockserver.control.journal import Journal, RecordedRequest
from mockserver.control.spec import ControlValidators
from mockserver.domain.events import EventWriter
from mockserver.domain.models import World
from mockserver.generate.activity import Activity

# What a reset of the control API installs: a fresh copy of the world the server started with.
world_factory_key: web.AppKey[Callable[[], World]] = web.AppKey("world_factory")
events_key = web.AppKey("events", EventWriter)
activity_key = web.AppKey("activity", Activity)
journal_key = web.AppKey("journal", Journal)
faults_key = web.AppKey("faults", FaultTable)
coverage_key = web.AppKey("coverage", Coverage)
control_validators_key = web.AppKey("control_validators", ControlValidators)

journal_record_key = web.RequestKey("journal_record", RecordedRequest)
