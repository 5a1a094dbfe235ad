"""`python -m mockserver`: the `mockserver` command."""

from mockserver.cli import main

raise SystemExit(main())
