"""`contracts proxy`: check the live traffic of a real API against the contract.

A forwarding proxy (`forward.py`, served by `serving.py`) passes every request to the
target and its answer back unchanged, and queues what passed; `monitor.py` judges each
exchange off that path (`judge.py` for what one exchange shows, `history.py` for what
several do), reports each violation as it is found, and counts what the traffic
exercised (`coverage.py`); `summary.py` says it all at the end; `cli.py` is the command.
"""
