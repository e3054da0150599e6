"""Settings: environment first, then .streamlit/secrets.toml, then defaults."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dashboard import PROJECT_ROOT

SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "sales.duckdb"

# name -> (environment variable, secrets.toml key, default, meaning). The README's
# configuration table is checked against this list by a test.
SETTINGS: dict[str, tuple[str, str, str, str]] = {
    "db_path": (
        "SALES_DB",
        "sales_db",
        str(DEFAULT_DB_PATH),
        "DuckDB database file, or postgresql://... for the shared store (dashboard.store)",
    ),
    "threads": ("SALES_DB_THREADS", "db_threads", "", "DuckDB worker threads (default: all cores)"),
    "memory_limit": (
        "SALES_DB_MEMORY_LIMIT",
        "db_memory_limit",
        "",
        "DuckDB memory limit, e.g. 4GB (default: DuckDB's 80% of RAM)",
    ),
    "session_idle_minutes": (
        "SALES_SESSION_IDLE_MINUTES",
        "session_idle_minutes",
        "60",
        "Sign-out after this many idle minutes",
    ),
    "session_max_hours": (
        "SALES_SESSION_MAX_HOURS",
        "session_max_hours",
        "12",
        "Sign-out after this many hours, active or not",
    ),
    "cache_ttl_seconds": (
        "SALES_CACHE_TTL_SECONDS",
        "cache_ttl_seconds",
        "300",
        "How long read results stay cached",
    ),
    "demo_deals": (
        "SALES_DEMO_DEALS",
        "demo_deals",
        "30000",
        "Deals in the demo workspace built on first start",
    ),
    "import_max_mb": (
        "SALES_IMPORT_MAX_MB",
        "import_max_mb",
        "200",
        "Largest file an import accepts, in MB",
    ),
}


@dataclass(frozen=True)
class Settings:
    db_path: str
    threads: int | None
    memory_limit: str | None
    session_idle_minutes: int
    session_max_hours: int
    cache_ttl_seconds: int
    demo_deals: int
    import_max_mb: float


def _read_secrets(path: Path) -> dict:
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _raw(name: str, secrets: dict) -> str:
    env_var, secret_key, default, _ = SETTINGS[name]
    if os.environ.get(env_var):
        return os.environ[env_var]
    if secret_key in secrets:
        return str(secrets[secret_key])
    return default


def load_settings(secrets_file: Path = SECRETS_FILE) -> Settings:
    """Read every setting from the environment, secrets.toml or the default."""
    secrets = _read_secrets(secrets_file)
    raw = {name: _raw(name, secrets) for name in SETTINGS}
    return Settings(
        db_path=raw["db_path"],
        threads=int(raw["threads"]) if raw["threads"] else None,
        memory_limit=raw["memory_limit"] or None,
        session_idle_minutes=int(raw["session_idle_minutes"]),
        session_max_hours=int(raw["session_max_hours"]),
        cache_ttl_seconds=int(raw["cache_ttl_seconds"]),
        demo_deals=int(raw["demo_deals"]),
        import_max_mb=float(raw["import_max_mb"]),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings for this process (read once)."""
    return load_settings()
