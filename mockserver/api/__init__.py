"""The public API: errors, auth, the counts cache, operations, handlers, middleware."""
