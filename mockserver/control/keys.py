"""The typed keys the control API adds to the app and to the API's requests."""

from __future__ import annotations

from aiohttp import web

from mockserver.control.coverage import Coverage
from mockserver.control.faults import FaultTable
from mockserver.control.journal import Arrival, Journal
from mockserver.control.spec import ControlValidators
from mockserver.domain.events import EventWriter

events_key = web.AppKey("events", EventWriter)
journal_key = web.AppKey("journal", Journal)
faults_key = web.AppKey("faults", FaultTable)
coverage_key = web.AppKey("coverage", Coverage)
control_validators_key = web.AppKey("control_validators", ControlValidators)

journal_record_key = web.RequestKey("journal_record", Arrival)
