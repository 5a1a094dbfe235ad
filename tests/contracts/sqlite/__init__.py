"""A second, independent implementation of the Audit Log & Project API, to prove the
contract suite on something that is not the mock.

Another stack (the standard library's `http.server` and `sqlite3`), its own data, ids,
actions and timestamps, and every listing a SQL query. It imports nothing of the mock
or of the suite. `Mistake` names the realistic mistakes it can be told to make, one
switch each, so the tests can show that the suite catches every one.

>>> with serving(mistakes={Mistake.LIKE_FILTERS}) as api:  # doctest: +SKIP
...     api.url, api.keys.admin, api.keys.member, api.keys.other_admin
"""

from __future__ import annotations

from tests.contracts.sqlite.mistakes import Mistake
from tests.contracts.sqlite.server import Keys, Served, serving

__all__ = ["Keys", "Mistake", "Served", "serving"]
