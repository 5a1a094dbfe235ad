"""Tests of the example client, written with the `mock_api` fixture of the pytest plugin."""
