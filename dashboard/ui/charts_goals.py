"""Chart builders for goals and plans: data in, plotly Figure out (no Streamlit here)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.ui.charts import COLOURS, apply_layout

PRODUCT_COLOURS = [
    "#2563eb",
    "#0f766e",
    "#f97316",
    "#7c3aed",
    "#db2777",
    "#65a30d",
    "#0891b2",
    "#b45309",
    "#475569",
]


def _band(value: float | None) -> str:
    if value is None or pd.isna(value):
        return COLOURS["pipeline"]
    if value >= 1:
        return COLOURS["good"]
    return COLOURS["warn"] if value >= 0.8 else COLOURS["bad"]


def goal_attainment_chart(frame: pd.DataFrame, money: bool = True) -> go.Figure:
    """Attainment to date per goal (bars coloured by the projected attainment) with the
    run-rate projection as a marker and the 100% line."""
    shown = frame.sort_values("attainment", na_position="first")
    labels = [f"{row.scope} · {row.period}" for row in shown.itertuples()]
    value_format = "$,.0f" if money else ",.0f"
    figure = go.Figure()
    figure.add_bar(
        y=labels,
        x=shown["attainment"],
        orientation="h",
        name="Actual to date",
        marker_color=[_band(value) for value in shown["projected_attainment"]],
        customdata=shown[["actual", "target"]].to_numpy(),
        hovertemplate=f"%{{x:.0%}} of goal: %{{customdata[0]:{value_format}}} of "
        f"%{{customdata[1]:{value_format}}}<extra></extra>",
    )
    figure.add_scatter(
        y=labels,
        x=shown["projected_attainment"],
        mode="markers",
        name="Run-rate projection",
        marker={"symbol": "diamond", "size": 10, "color": "#334155"},
        customdata=shown[["projection"]].to_numpy(),
        hovertemplate=f"projected %{{x:.0%}} (%{{customdata[0]:{value_format}}})<extra></extra>",
    )
    figure.add_vline(x=1, line_dash="dot", line_color="#334155")
    figure.update_layout(xaxis={"tickformat": ".0%"}, hovermode="closest")
    return apply_layout(
        figure, "Attainment to date and projected", height=max(300, 26 * len(shown) + 110)
    )


def split_chart(frame: pd.DataFrame, parent_target: float, money: bool = True) -> go.Figure:
    """A split's child targets as bars next to last year's actuals, with the parent's goal and
    the children's sum in the title."""
    figure = go.Figure()
    value_format = "$,.0f" if money else ",.0f"
    if "basis" in frame and frame["basis"].notna().any():
        figure.add_bar(
            x=frame["child"],
            y=frame["basis"],
            name="Last year",
            marker_color=COLOURS["pipeline"],
            hovertemplate=f"%{{y:{value_format}}}<extra>last year</extra>",
        )
    figure.add_bar(
        x=frame["child"],
        y=frame["target"],
        name="Target",
        marker_color=COLOURS["bookings"],
        hovertemplate=f"%{{y:{value_format}}}<extra>target</extra>",
    )
    total = float(pd.to_numeric(frame["target"], errors="coerce").fillna(0).sum())
    figure.update_layout(
        barmode="group", yaxis={"tickformat": "$,.2s" if money else ",.0f"}, hovermode="x"
    )
    money_text = (lambda value: f"${value:,.0f}") if money else (lambda value: f"{value:,.0f}")
    return apply_layout(
        figure,
        f"Split: children total {money_text(total)} of {money_text(parent_target)}",
        height=340,
    )


def capacity_funnel_chart(funnel: pd.DataFrame) -> go.Figure:
    """The reverse funnel: deals needed at each stage to win what the goal needs."""
    figure = go.Figure(
        go.Funnel(
            y=funnel["stage_name"],
            x=funnel["deals_needed"],
            textinfo="value+percent initial",
            marker={"color": COLOURS["bookings"]},
            connector={"line": {"color": COLOURS["pipeline"]}},
            hovertemplate="%{y}: %{x} deals<extra></extra>",
        )
    )
    figure.update_layout(hovermode="closest")
    return apply_layout(figure, "Deals needed at each stage", height=380)


def demand_chart(
    by_product: pd.DataFrame, totals: pd.DataFrame, capacity_label: str = "Capacity"
) -> go.Figure:
    """Expected bookings per month from the open pipeline, stacked by product, with last
    year's bookings, the trailing average and (when given) the planned team's capacity."""
    figure = go.Figure()
    for index, (product, rows) in enumerate(by_product.groupby("product_name", sort=False)):
        figure.add_bar(
            x=rows["month_start"],
            y=rows["pipeline_expected"],
            name=str(product),
            marker_color=PRODUCT_COLOURS[index % len(PRODUCT_COLOURS)],
            hovertemplate="%{y:$,.0f}",
        )
    figure.add_scatter(
        x=totals["month_start"],
        y=totals["last_year"],
        name="Same month last year",
        mode="lines+markers",
        line={"color": COLOURS["goal"]},
        hovertemplate="%{y:$,.0f}",
    )
    figure.add_scatter(
        x=totals["month_start"],
        y=totals["trailing_average"],
        name="Trailing 12-month average",
        mode="lines",
        line={"color": "#334155", "dash": "dot"},
        hovertemplate="%{y:$,.0f}",
    )
    if "capacity" in totals and totals["capacity"].notna().any():
        figure.add_scatter(
            x=totals["month_start"],
            y=totals["capacity"],
            name=capacity_label,
            mode="lines",
            line={"color": COLOURS["good"], "dash": "dash"},
            hovertemplate="%{y:$,.0f}",
        )
    figure.update_layout(
        barmode="stack",
        yaxis={"tickformat": "$,.2s", "title": "per month"},
        xaxis={"dtick": "M1", "tickformat": "%b %Y"},
    )
    apply_layout(figure, "Expected bookings by month (open pipeline x probability)", height=460)
    figure.update_layout(
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left", "x": 0},
        margin={"l": 10, "r": 10, "t": 50, "b": 90},
    )
    return figure
