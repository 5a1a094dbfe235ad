"""The audit log's storage and query engine; imports nothing of ours."""
