"""Examples of using the mock: a small client of the API, and its tests."""
