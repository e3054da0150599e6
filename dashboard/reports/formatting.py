"""How a pack's values read on screen and paper: one place, so the app, the PDF and the
tests agree on '$1,234,567.89' and '29.3%'."""

from __future__ import annotations

from typing import Any

MISSING = "–"


def format_value(value: Any, unit: str) -> str:
    """A value as text for its unit (money with cents, ratios as percent, ...)."""
    if value is None:
        return MISSING
    if unit in ("text", "date"):
        return str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if unit == "money":
        sign = "-" if value < 0 else ""
        return f"{sign}${abs(value):,.2f}"
    if unit == "count":
        return f"{int(value):,}"
    if unit == "ratio":
        return f"{value * 100:,.1f}%"
    if unit == "days":
        return f"{value:,.1f} days"
    if unit == "months":
        return f"{value:,.1f} months"
    if unit == "multiple":
        return f"{value:,.2f}×"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def format_cell(value: Any, unit: str) -> str:
    """A table cell: like format_value, without the unit words (the header names them)."""
    if value is None:
        return ""
    if unit == "days":
        return f"{value:,.1f}"
    if unit == "months":
        return f"{value:,.1f}"
    return format_value(value, unit)


def short_money(value: float | None) -> str:
    """Money in a few characters ($4.94M) for chart labels."""
    if value is None:
        return MISSING
    sign = "-" if value < 0 else ""
    value = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= limit:
            return f"{sign}${value / limit:,.2f}{suffix}"
    return f"{sign}${value:,.0f}"
