"""Chart builders: data in, plotly Figure out (no Streamlit here, easy to test)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

COLOURS = {
    "bookings": "#2563eb",
    "goal": "#f97316",
    "pipeline": "#94a3b8",
    "weighted": "#0f766e",
    "good": "#16a34a",
    "warn": "#f59e0b",
    "bad": "#dc2626",
}


def apply_layout(
    figure: go.Figure, title: str, height: int = 360, hovermode: str | None = "x unified"
) -> go.Figure:
    """Every chart's frame: title top left, legend on top, white template, and `hovermode`
    (None keeps the figure's own)."""
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        **({} if hovermode is None else {"hovermode": hovermode}),
        template="plotly_white",
    )
    return figure


def bookings_vs_goal_chart(frame: pd.DataFrame) -> go.Figure:
    """Monthly bookings as bars, the monthly goal as a line, cumulative both on a second axis."""
    figure = go.Figure()
    figure.add_bar(
        x=frame["month_start"],
        y=frame["bookings"],
        name="Bookings",
        marker_color=COLOURS["bookings"],
        hovertemplate="%{y:$,.0f}",
    )
    if frame["target"].notna().any():
        figure.add_scatter(
            x=frame["month_start"],
            y=frame["target"],
            name="Goal",
            mode="lines+markers",
            line={"color": COLOURS["goal"], "dash": "dash"},
            hovertemplate="%{y:$,.0f}",
        )
        figure.add_scatter(
            x=frame["month_start"],
            y=frame["target_cumulative"],
            name="Goal, cumulative",
            mode="lines",
            yaxis="y2",
            line={"color": COLOURS["goal"], "width": 1},
            hovertemplate="%{y:$,.0f}",
        )
    figure.add_scatter(
        x=frame["month_start"],
        y=frame["bookings_cumulative"],
        name="Bookings, cumulative",
        mode="lines",
        yaxis="y2",
        line={"color": COLOURS["bookings"], "width": 1},
        hovertemplate="%{y:$,.0f}",
    )
    figure.update_layout(
        yaxis={"title": "per month", "tickformat": "$,.2s"},
        yaxis2={
            "title": "cumulative",
            "overlaying": "y",
            "side": "right",
            "tickformat": "$,.2s",
            "showgrid": False,
        },
        xaxis={"dtick": "M1", "tickformat": "%b %Y"},
    )
    return apply_layout(figure, "Bookings by month vs goal")


def pipeline_by_stage_chart(
    frame: pd.DataFrame, title: str = "Open pipeline by stage"
) -> go.Figure:
    """Open pipeline per stage (amount and weighted), earliest stage on top."""
    ordered = frame.sort_values("sort_order", ascending=False)
    figure = go.Figure()
    figure.add_bar(
        y=ordered["stage_name"],
        x=ordered["amount"],
        orientation="h",
        name="Open amount",
        marker_color=COLOURS["pipeline"],
        customdata=ordered["deals"],
        hovertemplate="%{x:$,.0f} in %{customdata} deals<extra></extra>",
    )
    figure.add_bar(
        y=ordered["stage_name"],
        x=ordered["weighted_amount"],
        orientation="h",
        name="Weighted",
        marker_color=COLOURS["weighted"],
        hovertemplate="%{x:$,.0f}<extra></extra>",
    )
    figure.update_layout(barmode="overlay", xaxis={"tickformat": "$,.2s"}, hovermode="y unified")
    return apply_layout(figure, title)


def attainment_chart(
    frame: pd.DataFrame, unit_label: str, elapsed: float | None = None
) -> go.Figure:
    """Attainment per team or rep as bars coloured by band, with the 100% line and, for a
    period still running, a line at the share of the period already elapsed (on pace)."""
    shown = frame.dropna(subset=["attainment"]).sort_values("attainment")
    colours = [
        COLOURS["good"] if value >= 1 else COLOURS["warn"] if value >= 0.8 else COLOURS["bad"]
        for value in shown["attainment"]
    ]
    figure = go.Figure()
    figure.add_bar(
        y=shown["unit_name"],
        x=shown["attainment"],
        orientation="h",
        marker_color=colours,
        customdata=shown[["bookings", "goal"]].to_numpy(),
        hovertemplate="%{x:.0%} of goal: %{customdata[0]:$,.0f} of %{customdata[1]:$,.0f}<extra></extra>",
    )
    figure.add_vline(x=1, line_dash="dot", line_color="#334155")
    if elapsed is not None:
        figure.add_vline(
            x=elapsed,
            line_dash="dash",
            line_color=COLOURS["goal"],
            annotation_text=f"{elapsed:.0%} of period elapsed",
            annotation_position="top",
        )
    figure.update_layout(xaxis={"tickformat": ".0%"}, hovermode="y unified", showlegend=False)
    return apply_layout(
        figure, f"Attainment by {unit_label}", height=max(300, 26 * len(shown) + 90)
    )
