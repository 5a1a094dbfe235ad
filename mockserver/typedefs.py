"""Every typed key of the app and of requests, in one place."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .clock import Clock
from .config import Config
from .models import ApiKey, Project
from .state import ServerState
from .validation import QueryValidator

config_key = web.AppKey("config", Config)
clock_key = web.AppKey("clock", Clock)
state_key = web.AppKey("state", ServerState)
validators_key = web.AppKey("validators", dict[str, QueryValidator])

api_key_key = web.RequestKey("api_key", ApiKey)
project_key = web.RequestKey("project", Project)
params_key = web.RequestKey("params", dict[str, Any])
