"""The shape of a pack's figures: plain JSON-ready dicts, their canonical text and hash.

A pack is {"schema", "pack", "sections", "definitions"}. A section holds headline figures
(key, label, value, unit), tables (columns with units, rows of values; the first
`key_columns` columns name a row) and charts (which table, which columns). Every value is
rounded when it is made, so the same data always gives the same canonical text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

SCHEMA_VERSION = 1
UNITS = ("money", "count", "ratio", "days", "months", "multiple", "number", "text", "date")
CHART_KINDS = ("bar", "hbar", "line", "waterfall")
_PLACES = {"money": 4, "ratio": 6, "days": 2, "months": 2, "multiple": 4, "number": 4}


def clean(value: Any, unit: str = "number") -> Any:
    """A JSON-ready value: numbers rounded for their unit, dates as ISO text, NaN as None."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}")
    if value is None or _is_missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10] if unit == "date" else value.isoformat()
    if unit == "text":
        return str(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        value = float(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        if unit == "count":
            return int(round(value))
        rounded = round(value, _PLACES.get(unit, 4))
        return rounded + 0.0  # no negative zero
    if isinstance(value, int):
        return value
    return str(value)


def _is_missing(value: Any) -> bool:
    """NaN, NaT, pandas NA (scalars only)."""
    try:
        return bool(pd.isna(value)) if not isinstance(value, (list, tuple, dict)) else False
    except (TypeError, ValueError):
        return False


def figure(key: str, label: str, value: Any, unit: str, note: str | None = None) -> dict:
    """One headline figure."""
    return {"key": key, "label": label, "value": clean(value, unit), "unit": unit, "note": note}


def column(key: str, label: str, unit: str) -> dict:
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}")
    return {"key": key, "label": label, "unit": unit}


def table(
    key: str,
    title: str,
    columns: list[dict],
    rows: Iterable[Iterable[Any]],
    key_columns: int = 1,
    note: str | None = None,
) -> dict:
    """A table; each row's values are cleaned for their column's unit."""
    cleaned = []
    for row in rows:
        values = list(row)
        if len(values) != len(columns):
            raise ValueError(
                f"table {key}: a row has {len(values)} values for {len(columns)} columns"
            )
        cleaned.append(
            [clean(value, col["unit"]) for value, col in zip(values, columns, strict=True)]
        )
    return {
        "key": key,
        "title": title,
        "columns": columns,
        "rows": cleaned,
        "key_columns": key_columns,
        "note": note,
    }


def table_from_frame(
    key: str,
    title: str,
    frame: Any,
    columns: list[tuple[str, str, str]],
    key_columns: int = 1,
    note: str | None = None,
) -> dict:
    """A table from a DataFrame: columns as (frame column, label, unit)."""
    specs = [column(name, label, unit) for name, label, unit in columns]
    names = [name for name, _, _ in columns]
    rows = frame[names].itertuples(index=False, name=None) if len(frame) else []
    return table(key, title, specs, rows, key_columns, note)


def chart(
    key: str,
    title: str,
    kind: str,
    table_key: str,
    x: str,
    series: list[str],
    unit: str = "money",
) -> dict:
    """A chart drawn from one of the section's tables: x column and one or more series."""
    if kind not in CHART_KINDS:
        raise ValueError(f"unknown chart kind {kind!r}")
    return {
        "key": key,
        "title": title,
        "kind": kind,
        "table": table_key,
        "x": x,
        "series": series,
        "unit": unit,
    }


def section(
    key: str,
    title: str,
    figures: list[dict] | None = None,
    tables: list[dict] | None = None,
    charts: list[dict] | None = None,
    notes: list[str] | None = None,
) -> dict:
    return {
        "key": key,
        "title": title,
        "figures": figures or [],
        "tables": tables or [],
        "charts": charts or [],
        "notes": notes or [],
    }


def canonical_json(pack: dict) -> str:
    """The one text of a pack's figures: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(
        pack, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def content_hash(text: str) -> str:
    """sha256 of the canonical text, hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def find_table(section_: dict, key: str) -> dict | None:
    return next((item for item in section_["tables"] if item["key"] == key), None)


def find_section(pack: dict, key: str) -> dict | None:
    return next((item for item in pack["sections"] if item["key"] == key), None)


def figure_value(pack: dict, section_key: str, figure_key: str) -> Any:
    """The value of one headline figure (KeyError when the pack has no such figure)."""
    found = find_section(pack, section_key)
    if found is not None:
        for item in found["figures"]:
            if item["key"] == figure_key:
                return item["value"]
    raise KeyError(f"{section_key}/{figure_key}")


def table_records(table_: dict) -> list[dict]:
    """A table's rows as dicts by column key."""
    keys = [col["key"] for col in table_["columns"]]
    return [dict(zip(keys, row, strict=True)) for row in table_["rows"]]


def table_frame(table_: dict) -> pd.DataFrame:
    """A table as a DataFrame with its column labels as headers."""
    return pd.DataFrame(table_["rows"], columns=[col["label"] for col in table_["columns"]])


def row_label(table_: dict, row: list[Any]) -> str:
    """The text naming a row: its key columns joined."""
    parts = [
        str(value) if value is not None else "(none)" for value in row[: table_["key_columns"]]
    ]
    return " / ".join(parts)


def flatten(pack: dict) -> Iterator[dict]:
    """Every single figure of a pack, one dict each, with a stable id (for CSV and restatement)."""
    for sec in pack["sections"]:
        for item in sec["figures"]:
            yield {
                "id": f"{sec['key']}/{item['key']}",
                "section": sec["title"],
                "item": item["label"],
                "row": "",
                "column": "",
                "value": item["value"],
                "unit": item["unit"],
            }
        for tab in sec["tables"]:
            value_columns = tab["columns"][tab["key_columns"] :]
            for row in tab["rows"]:
                label = row_label(tab, row)
                row_id = "|".join(str(value) for value in row[: tab["key_columns"]])
                for offset, col in enumerate(value_columns, start=tab["key_columns"]):
                    yield {
                        "id": f"{sec['key']}/{tab['key']}/{row_id}/{col['key']}",
                        "section": sec["title"],
                        "item": tab["title"],
                        "row": label,
                        "column": col["label"],
                        "value": row[offset],
                        "unit": col["unit"],
                    }
