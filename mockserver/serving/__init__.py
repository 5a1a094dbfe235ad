"""Running the app: the server, its protocol, logs, access log and workers."""
