"""The control API under `/__mock/`: drive a running mock from tests (see `routes.py`)."""
