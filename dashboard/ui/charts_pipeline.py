"""Chart builders for the Pipeline and Deal pages: data in, plotly Figure out."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.ui.charts import COLOURS, apply_layout


def board_chart(columns: pd.DataFrame) -> go.Figure:
    """Open deals per stage as a funnel, earliest stage on top, amount in the hover."""
    figure = go.Figure(
        go.Funnel(
            y=columns["stage_name"],
            x=columns["deals"],
            customdata=columns[["amount", "weighted_amount"]].to_numpy(),
            texttemplate="%{x:,}",
            marker={"color": COLOURS["pipeline"]},
            connector={"line": {"color": "#e2e8f0"}},
            hovertemplate=(
                "%{x:,} open deals<br>%{customdata[0]:$,.0f} open, "
                "%{customdata[1]:$,.0f} weighted<extra></extra>"
            ),
        )
    )
    figure.update_layout(hovermode="closest", showlegend=False)
    return apply_layout(figure, "Open deals by stage", height=300)


def deal_timeline_chart(events: pd.DataFrame, until: dt.datetime) -> go.Figure:
    """A deal's stage and amount over time from its events, each held until the next change
    (the last state is drawn up to `until`)."""
    ordered = events.sort_values(["occurred_at", "event_id"])
    # one point per moment: the state after the last event at that time
    states = ordered.groupby("occurred_at", as_index=False).last()
    if not states.empty and states["occurred_at"].iloc[-1] < pd.Timestamp(until):
        last = states.iloc[[-1]].copy()
        last["occurred_at"] = pd.Timestamp(until)
        states = pd.concat([states, last], ignore_index=True)
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        row_heights=[0.5, 0.5],
        subplot_titles=("Stage", "Amount (USD)"),
    )
    figure.add_scatter(
        x=states["occurred_at"],
        y=states["stage_order"],
        mode="lines+markers",
        line={"shape": "hv", "color": COLOURS["bookings"]},
        customdata=states["stage_name"],
        hovertemplate="%{customdata}<extra></extra>",
        name="Stage",
        row=1,
        col=1,
    )
    figure.add_scatter(
        x=states["occurred_at"],
        y=states["amount_rc"].astype(float),
        mode="lines+markers",
        line={"shape": "hv", "color": COLOURS["weighted"]},
        hovertemplate="%{y:$,.0f}<extra></extra>",
        name="Amount",
        row=2,
        col=1,
    )
    stage_ticks = (
        events.dropna(subset=["stage_order"])
        .drop_duplicates("stage_order")
        .sort_values("stage_order")
    )
    figure.update_yaxes(
        tickmode="array",
        tickvals=stage_ticks["stage_order"].tolist(),
        ticktext=stage_ticks["stage_name"].tolist(),
        row=1,
        col=1,
    )
    figure.update_yaxes(tickformat="$,.2s", rangemode="tozero", row=2, col=1)
    figure.update_layout(showlegend=False, hovermode="x unified")
    return apply_layout(figure, "Stage and amount over time", height=460)


def feedback_chart(summary: pd.DataFrame) -> go.Figure:
    """Average customer score per deal owner (1-5), with the number of responses."""
    shown = summary.sort_values(["average_score", "responses"])
    figure = go.Figure()
    figure.add_bar(
        y=shown["owner_name"],
        x=shown["average_score"],
        orientation="h",
        marker_color=[
            COLOURS["good"] if score >= 4 else COLOURS["warn"] if score >= 3 else COLOURS["bad"]
            for score in shown["average_score"]
        ],
        customdata=shown["responses"],
        hovertemplate="%{x:.2f} from %{customdata} responses<extra></extra>",
    )
    figure.update_layout(xaxis={"range": [0, 5], "dtick": 1}, hovermode="y unified")
    return apply_layout(
        figure, "Customer feedback by owner (average score)", height=max(260, 26 * len(shown) + 90)
    )
