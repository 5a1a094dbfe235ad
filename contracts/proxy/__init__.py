"""`contracts proxy`: check the live traffic of a real API against the contract.

A forwarding proxy (`forward.py`, served by `serving.py`) passes every request to the
target and its answer back unchanged, and queues what passed (`capture.py`, bodies
bounded); `monitor.py` judges each exchange off that path: `judge.py` for what one
exchange shows, reading the request with `request.py` against the spec's operations
(`operations.py`), and `history.py` for what several show. It reports each violation as
it is found, keys redacted (`redaction.py`), and counts what the traffic exercised
(`coverage.py`); `summary.py` says it all at the end, as text and as the suite's
`Report`; `cli.py` is the command.
"""
