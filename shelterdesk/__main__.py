"""`python -m shelterdesk` runs the same entry point as the console script."""

from shelterdesk.cli import main

raise SystemExit(main())
