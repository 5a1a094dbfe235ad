"""What a run cost the server: requests sent, transient answers retried, time spent waiting."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(slots=True)
class Traffic:
    """Counted as requests are sent, by the suite's client and schemathesis's phases alike.

    `retried` and `gave_up` count transient answers by cause: the status as text
    ("429", "503") or "connection" for a dropped connection. `rate_limit_wait` is the
    time spent pacing to `--rate-limit` and honouring `Retry-After`; `retry_wait` the
    time spent in backoff between retries otherwise.
    """

    requests: int = 0
    retried: Counter[str] = field(default_factory=Counter)
    gave_up: Counter[str] = field(default_factory=Counter)
    rate_limit_wait: float = 0.0
    retry_wait: float = 0.0
