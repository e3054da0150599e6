"""Tables out of the app: CSV and XLSX bytes with spreadsheet formulas neutralised."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pandas as pd

# A cell that starts with one of these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame whose text cells cannot start a formula (numbers stay numbers)."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_cell)
    safe.columns = [neutralise_cell(str(column)) for column in safe.columns]
    return safe


def json_default(value: Any) -> Any:
    """JSON for values pandas and DuckDB hand back: dates as ISO text, decimals as numbers."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def to_json_records(frame: pd.DataFrame) -> str:
    """A frame as a JSON list of objects: missing values null, money as exact as it is stored
    (no float noise such as 10254871.9100000001)."""
    plain = frame.astype(object).where(frame.notna(), None)
    return json.dumps(plain.to_dict(orient="records"), default=json_default)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM so spreadsheet programs read the encoding) of a neutralised frame."""
    return neutralise_formulas(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """An XLSX workbook with one sheet holding the neutralised frame."""
    buffer = io.BytesIO()
    safe = neutralise_formulas(frame)
    for column in safe.columns:
        if isinstance(safe[column].dtype, pd.DatetimeTZDtype):
            safe[column] = safe[column].dt.tz_localize(None)
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        safe.to_excel(writer, sheet_name=sheet_name[:31], index=False)
        sheet = writer.sheets[sheet_name[:31]]
        for index, column in enumerate(safe.columns):
            width = max([len(str(column))] + [len(str(value)) for value in safe[column].head(200)])
            sheet.set_column(index, index, min(max(width + 2, 8), 60))
    return buffer.getvalue()
