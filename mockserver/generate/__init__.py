"""Seeded generation: bulk sampling, timelines, columnar logs, worlds, live activity."""
