"""Sales management dashboard: domain logic over DuckDB."""

from collections.abc import Callable
from pathlib import Path

# how long work (a demo build, an import, a report, a period close) says how far it is: the
# fraction done (0 to 1) and what it is doing
Progress = Callable[[float, str], None]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = PROJECT_ROOT / "queries"
