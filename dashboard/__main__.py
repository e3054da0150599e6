"""`python -m dashboard ...`: the headless door (see dashboard.cli)."""

import sys

from dashboard.cli import main

sys.exit(main())
