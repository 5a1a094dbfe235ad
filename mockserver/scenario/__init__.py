"""Scenario files: their format, building a world from one, crawling and snapshots."""
