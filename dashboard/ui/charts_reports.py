"""Report pack charts for the app: a chart spec and its table in, a plotly Figure out."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.reports import model
from dashboard.ui.charts import apply_layout

PALETTE = ["#2563eb", "#f97316", "#0f766e", "#94a3b8", "#a855f7", "#dc2626"]
TICK_FORMATS = {"money": "$,.3s", "ratio": ".0%", "count": ",d"}
HOVER_FORMATS = {"money": "$,.2f", "ratio": ".1%", "count": ",d"}


def pack_chart(chart: dict, table: dict) -> go.Figure:
    """One of a pack's charts (bar, hbar, line or waterfall) drawn from its table."""
    records = model.table_records(table)
    labels = {col["key"]: col["label"] for col in table["columns"]}
    categories = [
        str(record[chart["x"]]) if record[chart["x"]] is not None else "(none)"
        for record in records
    ]
    unit = chart["unit"]
    hover = HOVER_FORMATS.get(unit, ",.2f")
    figure = go.Figure()
    if chart["kind"] == "waterfall":
        steps = [record[chart["series"][0]] or 0 for record in records]
        figure.add_waterfall(
            x=categories,
            y=steps,
            measure=["absolute"] + ["relative"] * (len(steps) - 2) + ["total"],
            increasing={"marker": {"color": "#16a34a"}},
            decreasing={"marker": {"color": "#dc2626"}},
            totals={"marker": {"color": "#2563eb"}},
            hovertemplate=f"%{{x}}: %{{y:{hover}}}<extra></extra>",
        )
        figure.update_layout(yaxis={"tickformat": TICK_FORMATS.get(unit)}, showlegend=False)
        return apply_layout(figure, chart["title"], hovermode="closest")
    for index, name in enumerate(chart["series"]):
        values = [record[name] for record in records]
        colour = PALETTE[index % len(PALETTE)]
        if chart["kind"] == "hbar":
            figure.add_bar(
                y=categories,
                x=values,
                orientation="h",
                name=labels.get(name, name),
                marker_color=colour,
                hovertemplate=f"%{{y}}: %{{x:{hover}}}<extra></extra>",
            )
        elif chart["kind"] == "line":
            figure.add_scatter(
                x=categories,
                y=values,
                mode="lines+markers",
                name=labels.get(name, name),
                line={"color": colour},
                hovertemplate=f"%{{y:{hover}}}",
            )
        else:
            figure.add_bar(
                x=categories,
                y=values,
                name=labels.get(name, name),
                marker_color=colour,
                hovertemplate=f"%{{y:{hover}}}",
            )
    if chart["kind"] == "hbar":
        figure.update_layout(
            xaxis={"tickformat": TICK_FORMATS.get(unit)},
            yaxis={"autorange": "reversed"},
            showlegend=len(chart["series"]) > 1,
        )
        height = max(300, 26 * len(categories) + 90)
        return apply_layout(figure, chart["title"], height=height, hovermode="y unified")
    figure.update_layout(yaxis={"tickformat": TICK_FORMATS.get(unit)}, barmode="group")
    return apply_layout(figure, chart["title"])
