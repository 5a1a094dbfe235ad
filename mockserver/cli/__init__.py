"""The command line: flags and environment into one Config, one module per subcommand."""

from mockserver.cli.main import main

__all__ = ["main"]
