"""Load SQL files from queries/<domain>/<name>.sql and run them with named parameters.

Values only ever reach SQL as bound parameters; the text of a statement comes from the
file alone. Parameters are checked against the ones the file uses, so a typo fails loudly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dashboard import QUERIES_DIR

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_LINE_COMMENT = re.compile(r"--[^\n]*")
_STRING = re.compile(r"'(?:[^']|'')*'")


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    params: frozenset[str]

    def bind(self, params: dict[str, Any]) -> dict[str, Any]:
        """Return the parameters the statement uses; refuse missing or unknown ones."""
        missing = self.params - params.keys()
        unknown = params.keys() - self.params
        if missing or unknown:
            raise TypeError(
                f"{self.name}: missing parameters {sorted(missing)}, unknown {sorted(unknown)}"
            )
        return {key: params[key] for key in self.params}


def parameters_of(text: str) -> frozenset[str]:
    """Named parameters ($name) used in a SQL text, ignoring comments and strings."""
    bare = _STRING.sub("''", _LINE_COMMENT.sub("", text))
    return frozenset(_PARAM.findall(bare))


def all_query_names(root: Path = QUERIES_DIR) -> list[str]:
    """Every statement file except migrations, as 'domain/name'."""
    return sorted(
        f"{path.parent.name}/{path.stem}"
        for path in root.glob("*/*.sql")
        if path.parent.name != "schema"
    )


@cache
def load(name: str) -> Query:
    """The statement in queries/<name>.sql (name is 'domain/file')."""
    domain, _, stem = name.partition("/")
    if not domain.isidentifier() or not stem.isidentifier():
        raise ValueError(f"not a query name: {name!r}")
    text = (QUERIES_DIR / domain / f"{stem}.sql").read_text(encoding="utf-8")
    return Query(name=name, text=text, params=parameters_of(text))


def execute(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> duckdb.DuckDBPyConnection:
    """Run a named statement; returns the cursor for fetching."""
    query = load(name)
    bound = query.bind(params)
    return con.execute(query.text, bound) if bound else con.execute(query.text)


def fetch_df(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """Run a named query and return its rows as a DataFrame."""
    return execute(con, name, **params).df()


def fetch_one(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> dict[str, Any] | None:
    """Run a named query and return its first row as a dict (None when empty)."""
    cursor = execute(con, name, **params)
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([column[0] for column in cursor.description], row, strict=True))


def fetch_all(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run a named query and return every row as a dict."""
    cursor = execute(con, name, **params)
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
