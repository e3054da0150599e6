"""Chart builders for the Imports page: data in, plotly Figure out (no Streamlit here)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.ui.charts import COLOURS, apply_layout

STATUS_COLOURS = {
    "new": COLOURS["good"],
    "updated": COLOURS["bookings"],
    "unchanged": COLOURS["pipeline"],
    "rejected": COLOURS["bad"],
}


def row_status_chart(counts: dict[str, int], title: str) -> go.Figure:
    """One horizontal bar per file row status: new, updated, unchanged, rejected."""
    figure = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        figure.add_bar(
            y=["rows"],
            x=[counts.get(status, 0)],
            name=status,
            orientation="h",
            marker_color=colour,
            hovertemplate=f"{status}: %{{x:,}}<extra></extra>",
        )
    figure.update_layout(barmode="stack", yaxis={"visible": False}, hovermode="closest")
    return apply_layout(figure, title, height=170)


def loaded_orders_chart(frame: pd.DataFrame, label: str) -> go.Figure:
    """Sales and profit per group of the orders loaded, largest first (years in order)."""
    shown = frame.sort_values("group_key") if label == "year" else frame.head(15)
    figure = go.Figure()
    figure.add_bar(
        x=shown["group_key"],
        y=shown["sales"],
        name="Sales",
        marker_color=COLOURS["bookings"],
        hovertemplate="%{y:$,.2f}",
    )
    figure.add_bar(
        x=shown["group_key"],
        y=shown["profit"],
        name="Profit",
        marker_color=COLOURS["weighted"],
        hovertemplate="%{y:$,.2f}",
    )
    if shown["returned"].any():
        figure.add_bar(
            x=shown["group_key"],
            y=shown["returned"],
            name="Returned",
            marker_color=COLOURS["bad"],
            hovertemplate="%{y:$,.2f}",
        )
    figure.update_layout(barmode="group", yaxis={"tickformat": "$,.2s"})
    return apply_layout(figure, f"Orders loaded, by {label}")


def loaded_deals_chart(frame: pd.DataFrame, label: str) -> go.Figure:
    """Won, lost and open amounts per group of the deals loaded."""
    shown = frame.head(20)
    figure = go.Figure()
    for column, name, colour in (
        ("won_amount", "Won", COLOURS["good"]),
        ("open_amount", "Open", COLOURS["pipeline"]),
        ("lost_amount", "Lost", COLOURS["bad"]),
    ):
        figure.add_bar(
            x=shown["group_key"].fillna("(none)"),
            y=shown[column],
            name=name,
            marker_color=colour,
            hovertemplate="%{y:$,.0f}",
        )
    figure.update_layout(barmode="stack", yaxis={"tickformat": "$,.2s"})
    return apply_layout(figure, f"Deals loaded, by {label}")
