"""Pack charts as PNG images for the PDF, drawn by matplotlib offline (no browser).

One function per chart kind of dashboard.reports.model; each takes the chart spec and its
table and returns PNG bytes. The same figures always give the same bytes.
"""

from __future__ import annotations

import io
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from dashboard.reports import model
from dashboard.reports.formatting import short_money

PALETTE = ["#2563eb", "#f97316", "#0f766e", "#94a3b8", "#a855f7", "#dc2626"]
POSITIVE, NEGATIVE, TOTAL = "#16a34a", "#dc2626", "#2563eb"
WIDTH_INCHES, HEIGHT_INCHES, DPI = 7.0, 2.5, 140
MAX_CATEGORIES = 25


def _axis_formatter(unit: str) -> FuncFormatter:
    if unit == "ratio":
        return FuncFormatter(lambda value, _: f"{value * 100:.0f}%")
    if unit == "money":
        return FuncFormatter(lambda value, _: _axis_money(value))
    return FuncFormatter(lambda value, _: f"{value:,.0f}")


def _axis_money(value: float) -> str:
    sign = "-" if value < 0 else ""
    value = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= limit:
            return f"{sign}${value / limit:,.3g}{suffix}"
    return f"{sign}${value:,.0f}"


def _legend(axes: Any) -> None:
    axes.legend(fontsize=7, frameon=False, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3)


def _series(table: dict, chart: dict) -> tuple[list[str], dict[str, list[float]], dict[str, str]]:
    records = model.table_records(table)[:MAX_CATEGORIES]
    labels = {col["key"]: col["label"] for col in table["columns"]}
    categories = [
        str(record[chart["x"]]) if record[chart["x"]] is not None else "(none)"
        for record in records
    ]
    values = {
        name: [float(record[name]) if record[name] is not None else 0.0 for record in records]
        for name in chart["series"]
    }
    return categories, values, labels


def _figure(height: float = HEIGHT_INCHES) -> Figure:
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def _style(axes: Any, title: str) -> None:
    axes.set_title(title, loc="left", fontsize=10, fontweight="bold", color="#0f172a")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(labelsize=7, colors="#334155")
    axes.grid(axis="both", color="#e2e8f0", linewidth=0.6)
    axes.set_axisbelow(True)


def _bar(chart: dict, table: dict) -> Figure:
    categories, values, labels = _series(table, chart)
    figure = _figure()
    axes = figure.add_subplot()
    count = max(len(values), 1)
    width = 0.8 / count
    for index, (name, series) in enumerate(values.items()):
        positions = [
            position + (index - (count - 1) / 2) * width for position in range(len(categories))
        ]
        axes.bar(
            positions,
            series,
            width=width,
            label=labels.get(name, name),
            color=PALETTE[index % len(PALETTE)],
        )
    axes.set_xticks(
        range(len(categories)),
        categories,
        rotation=30 if len(categories) > 6 else 0,
        ha="right" if len(categories) > 6 else "center",
    )
    axes.yaxis.set_major_formatter(_axis_formatter(chart["unit"]))
    axes.grid(axis="x", visible=False)
    if count > 1:
        _legend(axes)
    _style(axes, chart["title"])
    return figure


def _hbar(chart: dict, table: dict) -> Figure:
    categories, values, labels = _series(table, chart)
    name = chart["series"][0]
    series = values[name]
    figure = _figure(max(HEIGHT_INCHES, 0.24 * len(categories) + 0.9))
    axes = figure.add_subplot()
    positions = list(range(len(categories)))[::-1]
    axes.barh(positions, series, color=PALETTE[0], height=0.7)
    axes.set_yticks(positions, [label[:32] for label in categories])
    axes.xaxis.set_major_formatter(_axis_formatter(chart["unit"]))
    axes.grid(axis="y", visible=False)
    _style(axes, chart["title"])
    figure.subplots_adjust(left=0.28)
    return figure


def _line(chart: dict, table: dict) -> Figure:
    categories, values, labels = _series(table, chart)
    figure = _figure()
    axes = figure.add_subplot()
    for index, (name, series) in enumerate(values.items()):
        axes.plot(
            categories,
            series,
            marker="o",
            label=labels.get(name, name),
            color=PALETTE[index % len(PALETTE)],
        )
    axes.yaxis.set_major_formatter(_axis_formatter(chart["unit"]))
    if len(values) > 1:
        _legend(axes)
    _style(axes, chart["title"])
    return figure


def _waterfall(chart: dict, table: dict) -> Figure:
    categories, values, _ = _series(table, chart)
    steps = values[chart["series"][0]]
    figure = _figure()
    axes = figure.add_subplot()
    running = 0.0
    for index, amount in enumerate(steps):
        is_total = index in (0, len(steps) - 1)
        bottom = 0.0 if is_total else (running if amount >= 0 else running + amount)
        colour = TOTAL if is_total else POSITIVE if amount >= 0 else NEGATIVE
        axes.bar(index, abs(amount), bottom=bottom, color=colour, width=0.6)
        axes.annotate(
            short_money(amount),
            (index, bottom + abs(amount)),
            ha="center",
            va="bottom",
            fontsize=7,
            xytext=(0, 2),
            textcoords="offset points",
        )
        running = amount if is_total else running + amount
    axes.set_xticks(range(len(categories)), categories)
    axes.yaxis.set_major_formatter(_axis_formatter(chart["unit"]))
    axes.grid(axis="x", visible=False)
    _style(axes, chart["title"])
    return figure


_BUILDERS = {"bar": _bar, "hbar": _hbar, "line": _line, "waterfall": _waterfall}


def chart_png(chart: dict, table: dict) -> bytes | None:
    """The chart as PNG bytes (None when its table has no rows to draw)."""
    if not table["rows"]:
        return None
    figure = _BUILDERS[chart["kind"]](chart, table)
    if chart["kind"] != "hbar":
        figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def chart_aspect(png: bytes) -> float:
    """Height / width of a PNG (from its header)."""
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    return height / width
