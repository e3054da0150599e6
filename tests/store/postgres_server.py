"""A throwaway PostgreSQL cluster on loopback, for the shared-store tests and the load bench.

initdb into a temporary folder, pg_ctl start on a free 127.0.0.1 port (as the `postgres` OS
user via runuser when running as root, since PostgreSQL refuses to run as root), and stop and
delete everything afterwards. Nothing listens beyond loopback; no password (trust, local only).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

BINARIES = ("initdb", "pg_ctl", "postgres", "psql")


def find_bin_dir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres (PATH first, then Debian's layout)."""
    on_path = shutil.which("pg_ctl")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    candidates += [
        Path(path) for path in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    ]
    for folder in candidates:
        if all((folder / name).exists() for name in BINARIES[:3]):
            return folder
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PostgresServer:
    bin_dir: Path
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="sales-pg-")))
    port: int = field(default_factory=free_port)
    user: str = "postgres"

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _as_owner(self, argv: list[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *argv]
        return argv

    def start(self) -> PostgresServer:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        else:
            self.user = os.environ.get("USER", "postgres")
        subprocess.run(
            self._as_owner(
                [
                    str(self.bin_dir / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )
        self.user = "postgres"
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -k {self.root} "
            "-c max_connections=200 -c shared_buffers=128MB -c fsync=on "
            "-c synchronous_commit=on"
        )
        subprocess.run(
            self._as_owner(
                [
                    str(self.bin_dir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-o",
                    options,
                    "-l",
                    str(self.root / "server.log"),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        return self

    def stop(self) -> None:
        if self.data.exists():
            subprocess.run(
                self._as_owner(
                    [str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]
                ),
                capture_output=True,
            )
        shutil.rmtree(self.root, ignore_errors=True)

    def psql(self, statement: str, database: str = "postgres") -> str:
        """Run one statement as the superuser through psql; returns its output."""
        result = subprocess.run(
            [
                str(self.bin_dir / "psql") if (self.bin_dir / "psql").exists() else "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                self.user,
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-qAt",
                "-c",
                statement,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout

    def create_database(self, name: str | None = None, template: str | None = None) -> str:
        """A new empty database (or a copy of `template`); returns its name."""
        name = name or f"sales_{uuid.uuid4().hex[:12]}"
        clause = f" template {template}" if template else ""
        for attempt in range(20):
            try:
                self.psql(f"create database {name}{clause}")
                return name
            except subprocess.CalledProcessError as error:
                # a template is briefly busy while a closing process lets go of it
                if "being accessed by other users" not in error.stderr or attempt == 19:
                    raise
                time.sleep(0.25)
        return name

    def drop_database(self, name: str) -> None:
        self.psql(f"drop database if exists {name} with (force)")

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"


def start_server() -> PostgresServer | None:
    """A started throwaway server, or None when PostgreSQL is not installed here."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        return None
    return PostgresServer(bin_dir).start()
