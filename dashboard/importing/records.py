"""A table and a column mapping -> typed records, each with the reason it cannot load (if any).

Every mapped column is read with its field's type; the column's formats (decimal separator,
percentages as fractions, day/month order) are decided from all of its values first. A date
column whose values read both as day/month and month/day stops the import with DateOrderNeeded
until the user says which (or passes --date-format); nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from dashboard.errors import DomainError
from dashboard.importing import values as parse
from dashboard.importing.fields import FIELDS, field_of
from dashboard.importing.tables import RawTable

_UNREAD = object()
NULL_ID = re.compile(r"^0{15}(AAA)?$")  # Salesforce's empty reference


class DateOrderNeeded(DomainError):
    """Date columns that read both as day/month and month/day; the user must choose."""

    def __init__(self, columns: dict[str, str]):
        self.columns = columns  # header -> an example value
        shown = ", ".join(f"{header} (e.g. {example})" for header, example in columns.items())
        super().__init__(
            f"The dates in {shown} read both as day/month and as month/day: every day is 12 "
            "or less. Say which it is: choose the date format on the Imports page, or pass "
            "--date-format DD/MM/YYYY or MM/DD/YYYY."
        )


@dataclass
class ColumnFormat:
    """How one column is read: its field, type and the formats found in its values."""

    header: str
    field: str
    type: str
    decimal: str = "."
    percent_scale: int = 1
    date_order: str | None = None
    date_ambiguous: bool = False
    example: str | None = None


@dataclass
class Record:
    """One data row, typed: values by field, or the reason it cannot load."""

    index: int
    row_number: int
    values: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    notes: list[str] = field(default_factory=list)


def inspect_column(table: RawTable, header: str, field_name: str, kind: str) -> ColumnFormat:
    """The formats of one mapped column, decided from all of its values (once per file)."""
    spec = field_of(kind, field_name)
    key = ("format", header, spec.type)
    if key not in table.cache:
        table.cache[key] = _inspect(table, header, field_name, spec.type)
    found = table.cache[key]
    return ColumnFormat(
        header,
        field_name,
        found.type,
        found.decimal,
        found.percent_scale,
        found.date_order,
        found.date_ambiguous,
        found.example,
    )


def _inspect(table: RawTable, header: str, field_name: str, field_type: str) -> ColumnFormat:
    cells = table.columns[table.headers.index(header)]
    found = ColumnFormat(header, field_name, field_type)
    found.example = next((parse.text_of(cell) for cell in cells if not parse.is_blank(cell)), None)
    if field_type in ("money", "number", "integer", "percent"):
        distinct = list(dict.fromkeys(cell for cell in cells if isinstance(cell, str)))
        found.decimal = parse.detect_decimal_separator(distinct)
        if field_type == "percent":
            found.percent_scale = parse.detect_percent_scale(distinct, found.decimal)
    if field_type in ("date", "datetime"):
        dates = parse.inspect_dates(cells)
        found.date_ambiguous = dates.ambiguous
        found.date_order = dates.order
        if dates.example:
            found.example = dates.example
    return found


def column_formats(table: RawTable, kind: str, columns: dict[str, str]) -> list[ColumnFormat]:
    """The format of every mapped column of the table."""
    return [
        inspect_column(table, header, target, kind)
        for header, target in columns.items()
        if target and header in table.headers
    ]


def ambiguous_dates(formats: list[ColumnFormat]) -> dict[str, str]:
    """header -> example, for date columns where day/month and month/day both fit."""
    return {item.header: item.example or "" for item in formats if item.date_ambiguous}


def _reader(found: ColumnFormat, date_order: str | None):
    kind = found.type
    order = date_order or found.date_order
    if kind == "text":
        return parse.text_of
    if kind == "id":

        def read_id(cell: Any) -> str | None:
            text = parse.text_of(cell)
            return None if text is None or NULL_ID.match(text) else text

        return read_id
    if kind == "money":
        return lambda cell: parse.parse_money(cell, found.decimal)
    if kind == "number":
        return lambda cell: parse.parse_decimal(cell, found.decimal)
    if kind == "integer":
        return lambda cell: parse.parse_integer(cell, found.decimal)
    if kind == "percent":
        return lambda cell: parse.parse_percent(cell, found.decimal, found.percent_scale)
    if kind == "boolean":
        return parse.parse_bool
    if kind in ("date", "datetime"):

        def read_date(cell: Any):
            value = parse.parse_date(cell, order)
            if kind == "date" and isinstance(value, dt.datetime):
                return value.date()
            if (
                kind == "datetime"
                and isinstance(value, dt.date)
                and not isinstance(value, dt.datetime)
            ):
                return dt.datetime.combine(value, dt.time())
            return value

        return read_date
    raise ValueError(f"unknown field type {kind!r}")


def build_records(
    table: RawTable, kind: str, columns: dict[str, str], date_order: str | None = None
) -> list[Record]:
    """Typed records for every data row (DateOrderNeeded when a date column is ambiguous)."""
    formats = column_formats(table, kind, columns)
    if date_order is None:
        unsure = ambiguous_dates(formats)
        if unsure:
            raise DateOrderNeeded(unsure)
    labels = {item.name: item.label for item in FIELDS[kind]}
    records = [Record(index, number) for index, number in enumerate(table.row_numbers)]
    for found in formats:
        reader = _reader(found, date_order)
        cells = table.columns[table.headers.index(found.header)]
        cache: dict[Any, Any] = {}
        name = found.field
        is_money = found.type == "money"
        where = f"{labels[name]} ({found.header})"
        for record, cell in zip(records, cells, strict=True):
            # one reading per distinct cell; the type is part of the key (True == 1)
            key = cell if cell.__class__ is str else (cell.__class__, cell)
            value = cache.get(key, _UNREAD)
            if value is _UNREAD:
                try:
                    value = reader(cell)
                except (parse.ValueProblem, ValueError) as problem:
                    value = problem
                cache[key] = value
            if record.error is not None:
                continue
            if isinstance(value, Exception):
                record.error = f"{where}: {value}"
                continue
            if is_money:
                value, currency = value
                if currency and "currency" not in record.values:
                    record.values["_currency_in_amount"] = currency
            if value is None:
                continue
            values = record.values
            if values.get(name) is None:
                values[name] = value  # several columns may fill one field: first wins
    return records


def describe_columns(table: RawTable, kind: str | None, columns: dict[str, str]) -> pd.DataFrame:
    """One row per column of the file: the field it loads into, its detected type, an example."""
    rows = []
    for position, header in enumerate(table.headers):
        cells = table.columns[position]
        filled = sum(not parse.is_blank(cell) for cell in cells)
        target = columns.get(header, "")
        detected = _detect_type(cells) if filled else "empty"
        if kind and target:
            found = inspect_column(table, header, target, kind)
            if found.type in ("date", "datetime"):
                detected = (
                    "date, day/month or month/day?"
                    if found.date_ambiguous
                    else f"date ({parse.DATE_ORDER_LABELS.get(found.date_order or 'ymd')})"
                )
            elif found.type in ("money", "number", "percent") and found.decimal == ",":
                detected += " (decimal comma)"
            elif found.type == "percent" and found.percent_scale == 100:
                detected += " (fractions: 0.9 = 90%)"
        rows.append(
            {
                "column": header,
                "loads into": field_of(kind, target).label if kind and target else "(not loaded)",
                "detected type": detected,
                "filled": filled,
                "example": next(
                    (parse.text_of(cell) for cell in cells if not parse.is_blank(cell)), ""
                ),
            }
        )
    return pd.DataFrame(rows)


def _detect_type(cells: list[Any]) -> str:
    sample = [cell for cell in cells if not parse.is_blank(cell)][:2000]
    if not sample:
        return "empty"
    texts = [parse.text_of(cell) for cell in sample]
    lowered = {text.casefold() for text in texts}
    if lowered <= parse.TRUE_WORDS | parse.FALSE_WORDS and len(lowered) <= 2:
        return "yes/no"
    if all(text.endswith("%") for text in texts):
        return "percent"
    if any(re.match(r"^0\d", text) for text in texts) and all(text.isdigit() for text in texts):
        return "text (leading zeros kept)"
    decimal = parse.detect_decimal_separator(texts)
    try:
        amounts = [parse.parse_money(cell, decimal) for cell in sample]
    except parse.ValueProblem:
        amounts = None
    if amounts is not None:
        if any(currency for _, currency in amounts):
            return "money"
        if all(value == value.to_integral_value() for value, _ in amounts):
            return "whole number"
        return "number"
    dates = parse.inspect_dates(sample)
    if dates.share == 1:
        return "date and time" if dates.has_time else "date"
    return "text"


def money_total(records: list[Record], name: str) -> Decimal:
    """Sum of one money/number field over the records that load (for summaries)."""
    return sum(
        (record.values.get(name) or Decimal(0) for record in records if record.error is None),
        Decimal(0),
    )
