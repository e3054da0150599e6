"""Chart builders for the Funnel, Territory and Forecast pages: data in, plotly Figure out.

Maps use GeoJSON traces with shapes shipped in dashboard/geo. plotly.js still asks for its
base topojson whenever a geo trace is drawn; MAP_CONFIG points that request at an empty
topology inside a data: URL, so no map ever fetches anything from the network.
"""

from __future__ import annotations

import base64
import json

import pandas as pd
import plotly.graph_objects as go

from dashboard.ui.charts import COLOURS, pipeline_by_stage_chart

_EMPTY_TOPOLOGY = base64.b64encode(
    json.dumps({"type": "Topology", "objects": {}, "arcs": []}).encode()
).decode()
# pass as st.plotly_chart(..., config=MAP_CONFIG): plotly appends '<name>.json' after the '#'
MAP_CONFIG = {"topojsonURL": f"data:application/json;base64,{_EMPTY_TOPOLOGY}#"}


def _layout(figure: go.Figure, title: str, height: int = 360) -> go.Figure:
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        template="plotly_white",
    )
    return figure


PERIOD_COLOURS = {1: COLOURS["bookings"], 2: COLOURS["pipeline"]}
WATERFALL_TOTALS = ("start", "end")


def funnel_chart(stages: pd.DataFrame, labels: dict[int, str]) -> go.Figure:
    """Deals that reached each stage as horizontal bars (one colour per period), with the
    conversion to the next stage in the hover."""
    figure = go.Figure()
    for period_no, part in stages.groupby("period_no"):
        ordered = part.sort_values("stage_order", ascending=False)
        figure.add_bar(
            y=ordered["stage_name"],
            x=ordered["reached"],
            orientation="h",
            name=labels.get(int(period_no), str(period_no)),
            marker_color=PERIOD_COLOURS.get(int(period_no), COLOURS["weighted"]),
            customdata=ordered[["reached_amount", "conversion"]].fillna(0).to_numpy(),
            text=[f"{value:.0%}" for value in ordered["conversion"].fillna(0)],
            textposition="outside",
            hovertemplate="%{x:,} deals · %{customdata[0]:$,.0f}<br>"
            "%{customdata[1]:.1%} went on to the next stage<extra></extra>",
        )
    figure.update_layout(barmode="group", hovermode="closest", xaxis={"title": "deals"})
    return _layout(figure, "Deals that reached each stage (conversion to the next)", 420)


def waterfall_chart(steps: pd.DataFrame) -> go.Figure:
    """The pipeline waterfall: start, the flows in and out, end."""
    measures = ["absolute" if step in WATERFALL_TOTALS else "relative" for step in steps["step"]]
    figure = go.Figure(
        go.Waterfall(
            x=steps["label"],
            y=steps["amount"].astype(float),
            measure=measures,
            customdata=steps["deals"],
            text=[f"{value / 1e6:,.2f}M" for value in steps["amount"].astype(float)],
            textposition="outside",
            hovertemplate="%{x}: %{y:$,.0f} in %{customdata} deals<extra></extra>",
            increasing={"marker": {"color": COLOURS["good"]}},
            decreasing={"marker": {"color": COLOURS["bad"]}},
            totals={"marker": {"color": COLOURS["bookings"]}},
            connector={"line": {"color": "#cbd5e1"}},
        )
    )
    figure.update_layout(yaxis={"tickformat": "$,.2s"}, hovermode="closest", showlegend=False)
    return _layout(figure, "Pipeline waterfall", 420)


def time_in_stage_chart(summary: pd.DataFrame) -> go.Figure:
    """Days in stage as box plots per stage (5th-95th percentile whiskers, quartile box,
    median and mean), completed stays and the current ones side by side."""
    figure = go.Figure()
    colours = {"completed": COLOURS["bookings"], "current": COLOURS["warn"]}
    names = {"completed": "Stays ended in the period", "current": "Open deals, so far"}
    for state, part in summary.groupby("state"):
        part = part.sort_values("stage_order")
        figure.add_trace(
            go.Box(
                x=part["stage_name"],
                q1=part["p25_days"],
                median=part["median_days"],
                q3=part["p75_days"],
                lowerfence=part["p05_days"],
                upperfence=part["p95_days"],
                mean=part["mean_days"],
                name=names.get(state, state),
                marker_color=colours.get(state, COLOURS["pipeline"]),
                boxpoints=False,
            )
        )
    figure.update_layout(boxmode="group", yaxis={"title": "days in stage"}, hovermode="closest")
    return _layout(figure, "Time in stage (5th, 25th, 50th, 75th, 95th percentile)", 420)


def pipeline_as_of_chart(stages: pd.DataFrame, day_label: str) -> go.Figure:
    """Open amount and weighted amount per stage at a date."""
    return pipeline_by_stage_chart(stages, f"Open pipeline as of {day_label}")


def territory_map(
    rows: pd.DataFrame, shapes: dict, metric: str, title: str, scope: str
) -> go.Figure:
    """A choropleth of one metric ('bookings', 'attainment', 'open_pipeline') by territory
    code, drawn from shipped GeoJSON (`scope` 'usa' for states, 'world' for countries)."""
    values = rows[metric].astype(float)
    is_share = metric == "attainment"
    figure = go.Figure(
        go.Choropleth(
            geojson=shapes,
            locations=rows["code"],
            featureidkey="id",
            z=values.fillna(0),
            text=rows["territory_name"],
            customdata=rows[["bookings", "goal", "open_pipeline"]].astype(float).fillna(0),
            colorscale="RdYlGn" if is_share else "Blues",
            zmin=0 if is_share else None,
            zmax=1.5 if is_share else None,
            marker_line_color="#ffffff",
            marker_line_width=0.6,
            colorbar={"tickformat": ".0%" if is_share else "$,.2s", "thickness": 12},
            hovertemplate="<b>%{text}</b><br>bookings %{customdata[0]:$,.0f}"
            "<br>goal %{customdata[1]:$,.0f}<br>open pipeline %{customdata[2]:$,.0f}"
            "<extra></extra>",
        )
    )
    figure.update_geos(
        visible=False,
        showland=False,
        showcoastlines=False,
        showcountries=False,
        showlakes=False,
        showocean=False,
        showframe=False,
        showsubunits=False,
        showrivers=False,
        projection_type="albers usa" if scope == "usa" else "natural earth",
        fitbounds="locations" if scope != "usa" else False,
    )
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        height=430,
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
        template="plotly_white",
    )
    return figure


def territory_attainment_chart(frame: pd.DataFrame, title: str) -> go.Figure:
    """Bookings vs goal per territory as bars, attainment in the hover."""
    shown = frame.sort_values("bookings")
    figure = go.Figure()
    figure.add_bar(
        y=shown["territory_name"],
        x=shown["bookings"],
        orientation="h",
        name="Bookings",
        marker_color=COLOURS["bookings"],
        customdata=shown["attainment"].fillna(0),
        hovertemplate="%{x:$,.0f} · %{customdata:.0%} of goal<extra></extra>",
    )
    figure.add_scatter(
        y=shown["territory_name"],
        x=shown["goal"],
        mode="markers",
        name="Goal",
        marker={"color": COLOURS["goal"], "symbol": "line-ns-open", "size": 16},
        hovertemplate="goal %{x:$,.0f}<extra></extra>",
    )
    figure.update_layout(xaxis={"tickformat": "$,.2s"}, hovermode="y unified")
    return _layout(figure, title, height=max(300, 24 * len(shown) + 100))


def workload_chart(reps: pd.DataFrame) -> go.Figure:
    """Each rep's potential (accounts' past bookings) against their goal; the diagonal is
    potential = goal."""
    figure = go.Figure()
    for team, part in reps.groupby("team_name"):
        figure.add_scatter(
            x=part["goal"],
            y=part["potential"],
            mode="markers",
            name=str(team),
            text=part["rep_name"],
            customdata=part[["open_deals", "accounts"]].to_numpy(),
            marker={"size": 10},
            hovertemplate="<b>%{text}</b><br>goal %{x:$,.0f}<br>potential %{y:$,.0f}"
            "<br>%{customdata[0]} open deals · %{customdata[1]} accounts<extra></extra>",
        )
    top = float(pd.concat([reps["goal"], reps["potential"]]).max() or 1)
    figure.add_scatter(
        x=[0, top],
        y=[0, top],
        mode="lines",
        name="potential = goal",
        line={"color": "#94a3b8", "dash": "dot"},
        hoverinfo="skip",
    )
    figure.update_layout(
        xaxis={"title": "goal (capacity)", "tickformat": "$,.2s"},
        yaxis={"title": "potential", "tickformat": "$,.2s"},
        hovermode="closest",
    )
    return _layout(figure, "Workload: potential vs goal per rep", 420)


def forecast_categories_chart(total: pd.Series) -> go.Figure:
    """Closed, commit, best case and pipeline stacked, with the goal as a line."""
    figure = go.Figure()
    parts = [
        ("Closed", "bookings", COLOURS["bookings"]),
        ("Commit", "commit_amount", COLOURS["weighted"]),
        ("Best case", "best_case_amount", COLOURS["warn"]),
        ("Pipeline", "pipeline_amount", COLOURS["pipeline"]),
    ]
    for name, column, colour in parts:
        figure.add_bar(
            x=["This period"],
            y=[float(total[column])],
            name=name,
            marker_color=colour,
            hovertemplate=f"{name}: %{{y:$,.0f}}<extra></extra>",
        )
    for name, column, dash in (
        ("Weighted forecast", "weighted_forecast", "dot"),
        ("Historical forecast", "historical_forecast", "dashdot"),
    ):
        figure.add_hline(
            y=float(total[column]),
            line_dash=dash,
            line_color="#334155",
            annotation_text=name,
            annotation_position="right",
        )
    if pd.notna(total["goal"]):
        figure.add_hline(
            y=float(total["goal"]),
            line_color=COLOURS["goal"],
            annotation_text="Goal",
            annotation_position="left",
        )
    figure.update_layout(barmode="stack", yaxis={"tickformat": "$,.2s"}, hovermode="closest")
    return _layout(figure, "Forecast by category vs goal", 420)


def forecast_history_chart(history: pd.DataFrame) -> go.Figure:
    """Per quarter: actual bookings as bars; goal, the forecast at the quarter's start and the
    submitted forecast as markers."""
    figure = go.Figure()
    figure.add_bar(
        x=history["period"],
        y=history["actual"],
        name="Actual",
        marker_color=COLOURS["bookings"],
        hovertemplate="actual %{y:$,.0f}<extra></extra>",
    )
    for name, column, colour, symbol in (
        ("Goal", "goal", COLOURS["goal"], "line-ew-open"),
        ("Weighted at start", "weighted_at_start", COLOURS["weighted"], "circle"),
        ("Commit at start", "commit_at_start", COLOURS["pipeline"], "diamond"),
        ("Submitted", "submitted", COLOURS["bad"], "star"),
    ):
        if history[column].notna().any():
            figure.add_scatter(
                x=history["period"],
                y=history[column],
                mode="markers",
                name=name,
                marker={"color": colour, "symbol": symbol, "size": 14},
                hovertemplate=f"{name.lower()} %{{y:$,.0f}}<extra></extra>",
            )
    figure.update_layout(yaxis={"tickformat": "$,.2s"}, hovermode="x unified")
    return _layout(figure, "Forecast vs goal vs actual by quarter", 400)


def gap_bridge_chart(effects: dict, base_label: str) -> go.Figure:
    """From the goal (last year's mix scaled to the goal) to actual bookings: volume, mix,
    deal size and discount effects."""
    steps = [
        ("Goal" if effects.get("scale", 1.0) != 1.0 else base_label, effects["base"], "absolute"),
        ("Volume", effects["volume"], "relative"),
        ("Mix", effects["mix"], "relative"),
        ("Deal size", effects["size"], "relative"),
        ("Discount", effects["discount"], "relative"),
        ("Actual", effects["actual"], "total"),
    ]
    figure = go.Figure(
        go.Waterfall(
            x=[name for name, _, _ in steps],
            y=[value for _, value, _ in steps],
            measure=[measure for _, _, measure in steps],
            text=[f"{value / 1e6:,.2f}M" for _, value, _ in steps],
            textposition="outside",
            increasing={"marker": {"color": COLOURS["good"]}},
            decreasing={"marker": {"color": COLOURS["bad"]}},
            totals={"marker": {"color": COLOURS["bookings"]}},
            hovertemplate="%{x}: %{y:$,.0f}<extra></extra>",
        )
    )
    figure.update_layout(yaxis={"tickformat": "$,.2s"}, showlegend=False, hovermode="closest")
    return _layout(figure, "From goal to actual: volume, mix, deal size and discount", 400)


def contribution_chart(frame: pd.DataFrame, title: str, limit: int = 12) -> go.Figure:
    """The largest contributions to a gap (negative red, positive green)."""
    shown = frame.reindex(frame["gap"].abs().sort_values(ascending=False).index).head(limit)
    shown = shown.sort_values("gap")
    figure = go.Figure(
        go.Bar(
            y=shown["key"].astype(str),
            x=shown["gap"],
            orientation="h",
            marker_color=[
                COLOURS["bad"] if value < 0 else COLOURS["good"] for value in shown["gap"]
            ],
            hovertemplate="%{y}: %{x:$,.0f}<extra></extra>",
        )
    )
    figure.update_layout(xaxis={"tickformat": "$,.2s"}, showlegend=False, hovermode="closest")
    return _layout(figure, title, height=max(260, 26 * len(shown) + 90))
