"""Compensation charts: data in, plotly Figure out (amounts arrive as Decimal and are drawn
as floats; nothing computed here is paid)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go

from dashboard.compensation.engine import PlanTerms, pay_curve, sorted_bands
from dashboard.ui.charts import COLOURS, apply_layout

KIND_COLOURS = {
    "commission": COLOURS["bookings"],
    "spiff": "#7c3aed",
    "clawback": COLOURS["bad"],
    "adjustment": COLOURS["warn"],
    "draw_advance": COLOURS["weighted"],
    "draw_recovery": "#64748b",
}
ACTIVITY_COLOURS = {
    "call": "#2563eb",
    "email": "#94a3b8",
    "meeting": "#0f766e",
    "presentation": "#7c3aed",
    "proposal": "#f97316",
    "follow_up": "#16a34a",
    "feedback": "#e11d48",
}


def _float(value: object) -> float | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else float(value)


def pay_curve_chart(
    terms: PlanTerms,
    target_incentive: Decimal | None = None,
    marker: tuple[Decimal, Decimal] | None = None,
    compare: PlanTerms | None = None,
    title: str = "Pay curve",
    names: tuple[str, str] = ("Scenario", "Current plan"),
) -> go.Figure:
    """Payout against attainment, with the bands shaded, 100% and the cap marked; in dollars
    when a target incentive is given (else as a multiple of it). `marker` = (attainment in
    percent, payout) puts a rep on the curve; `compare` draws a second plan dashed."""
    incentive = float(target_incentive) if target_incentive is not None else None
    top = max(Decimal(200), sorted_bands(terms)[-1].floor_pct + 50 if terms.bands else Decimal(200))
    if marker is not None:
        top = max(top, marker[0] + 20)
    figure = go.Figure()
    shades = ["rgba(37,99,235,0.05)", "rgba(37,99,235,0.12)"]
    for number, band in enumerate(sorted_bands(terms)):
        right = float(band.ceiling_pct) if band.ceiling_pct is not None else float(top)
        figure.add_vrect(
            x0=float(band.floor_pct),
            x1=min(right, float(top)),
            fillcolor=shades[number % 2],
            line_width=0,
            annotation_text=f"{float(band.rate):g}×",
            annotation_position="top left",
        )

    def trace(plan: PlanTerms, name: str, dash: str | None, colour: str) -> None:
        points = pay_curve(plan, top)
        scale = incentive if incentive is not None else 1.0
        figure.add_scatter(
            x=[float(x) for x, _ in points],
            y=[float(y) * scale for _, y in points],
            mode="lines+markers",
            name=name,
            line={"color": colour, "dash": dash, "width": 3 if dash is None else 2},
            hovertemplate=(
                "%{x:.1f}% of quota: %{y:$,.0f}<extra></extra>"
                if incentive is not None
                else "%{x:.1f}% of quota: %{y:.2f}× target incentive<extra></extra>"
            ),
        )

    if compare is not None:
        trace(compare, names[1], "dash", COLOURS["pipeline"])
    trace(terms, names[0] if compare is not None else terms.label, None, COLOURS["bookings"])
    figure.add_vline(x=100, line_dash="dot", line_color="#334155")
    if terms.cap_multiple is not None:
        cap = float(terms.cap_multiple) * (incentive if incentive is not None else 1.0)
        figure.add_hline(
            y=cap,
            line_dash="dash",
            line_color=COLOURS["bad"],
            annotation_text="cap",
            annotation_position="bottom right",
        )
    if marker is not None:
        figure.add_scatter(
            x=[float(marker[0])],
            y=[float(marker[1])],
            mode="markers",
            name="This statement",
            marker={"size": 14, "color": COLOURS["goal"], "line": {"width": 2, "color": "white"}},
            hovertemplate="%{x:.1f}% of quota: %{y:$,.2f}<extra></extra>",
        )
    figure.update_layout(
        xaxis={"title": "attainment (% of quota)", "ticksuffix": "%", "range": [0, float(top)]},
        yaxis={
            "title": "commission" if incentive is not None else "× target incentive",
            "tickformat": "$,.2s" if incentive is not None else ".2f",
        },
        hovermode="closest",
    )
    return apply_layout(figure, title, hovermode=None)


def statement_totals_chart(summary: pd.DataFrame) -> go.Figure:
    """Variable pay per rep, stacked by kind (commission, SPIFFs, adjustments, draws; clawbacks
    below zero)."""
    ordered = summary.sort_values("Total")
    figure = go.Figure()
    for column, kind in (
        ("Commission", "commission"),
        ("SPIFFs", "spiff"),
        ("Adjustments", "adjustment"),
        ("Draws", "draw_advance"),
        ("Clawbacks", "clawback"),
    ):
        values = [_float(value) or 0.0 for value in ordered[column]]
        if not any(values):
            continue
        figure.add_bar(
            y=ordered["Rep"],
            x=values,
            orientation="h",
            name=column,
            marker_color=KIND_COLOURS[kind],
            hovertemplate="%{x:$,.2f}<extra>" + column + "</extra>",
        )
    figure.update_layout(barmode="relative", xaxis={"tickformat": "$,.2s"}, hovermode="y unified")
    return apply_layout(
        figure, "Variable pay by rep", height=max(300, 22 * len(ordered) + 100), hovermode=None
    )


def whatif_by_rep_chart(rows: pd.DataFrame, quarter: str) -> go.Figure:
    """Current and scenario pay per rep for one quarter, side by side."""
    part = rows[rows["Quarter"] == quarter].sort_values("Rep")
    figure = go.Figure()
    figure.add_bar(
        x=part["Rep"],
        y=[_float(value) for value in part["Current pay"]],
        name="Current plan",
        marker_color=COLOURS["pipeline"],
        hovertemplate="%{y:$,.2f}<extra>Current</extra>",
    )
    figure.add_bar(
        x=part["Rep"],
        y=[_float(value) for value in part["Scenario pay"]],
        name="Scenario",
        marker_color=COLOURS["bookings"],
        hovertemplate="%{y:$,.2f}<extra>Scenario</extra>",
    )
    figure.update_layout(barmode="group", yaxis={"tickformat": "$,.2s"}, xaxis={"tickangle": -45})
    return apply_layout(figure, f"Pay per rep, {quarter}", height=420, hovermode=None)


def whatif_distribution_chart(rows: pd.DataFrame, quarter: str) -> go.Figure:
    """How pay is spread over the reps, current plan vs scenario (overlaid histograms)."""
    part = rows[rows["Quarter"] == quarter]
    figure = go.Figure()
    for column, name, colour in (
        ("Current pay", "Current plan", COLOURS["pipeline"]),
        ("Scenario pay", "Scenario", COLOURS["bookings"]),
    ):
        figure.add_histogram(
            x=[_float(value) for value in part[column]],
            name=name,
            marker_color=colour,
            opacity=0.6,
            nbinsx=15,
            hovertemplate="%{x}: %{y} reps<extra>" + name + "</extra>",
        )
    figure.update_layout(
        barmode="overlay",
        xaxis={"title": "pay per rep", "tickformat": "$,.2s"},
        yaxis={"title": "reps"},
        hovermode="closest",
    )
    return apply_layout(figure, f"Distribution of pay, {quarter}", height=360, hovermode=None)


def leaderboard_chart(
    frame: pd.DataFrame, metric: str, label: str, club: float | None
) -> go.Figure:
    """Reps ranked on one metric (best on top); club members highlighted on attainment."""
    shown = frame.dropna(subset=[metric]).sort_values(metric)
    colours = [COLOURS["good"] if is_club else COLOURS["bookings"] for is_club in shown["is_club"]]
    is_ratio = metric in ("attainment", "win_rate")
    figure = go.Figure()
    figure.add_bar(
        y=shown["rep_name"],
        x=shown[metric].astype(float),
        orientation="h",
        marker_color=colours,
        customdata=shown[["team_name", "badges"]].fillna("").to_numpy(),
        hovertemplate=("%{x:.0%}" if is_ratio else "%{x:$,.0f}" if metric == "bookings" else "%{x}")
        + " · %{customdata[0]}<br>%{customdata[1]}<extra></extra>",
    )
    if metric == "attainment" and club is not None:
        figure.add_vline(
            x=club,
            line_dash="dash",
            line_color=COLOURS["good"],
            annotation_text=f"club {club:.0%}",
            annotation_position="top",
        )
        figure.add_vline(x=1, line_dash="dot", line_color="#334155")
    figure.update_layout(
        xaxis={"tickformat": ".0%" if is_ratio else "$,.2s" if metric == "bookings" else ","},
        showlegend=False,
        hovermode="y unified",
    )
    return apply_layout(
        figure, f"Leaderboard: {label}", height=max(300, 24 * len(shown) + 100), hovermode=None
    )


def activity_weeks_chart(frame: pd.DataFrame) -> go.Figure:
    """Activities done per week, stacked by type."""
    figure = go.Figure()
    for kind, colour in ACTIVITY_COLOURS.items():
        part = frame[frame["activity_type"] == kind]
        if part.empty:
            continue
        figure.add_bar(
            x=part["week_start"],
            y=part["activities"],
            name=kind.replace("_", "-"),
            marker_color=colour,
            hovertemplate="%{y}<extra>" + kind.replace("_", "-") + "</extra>",
        )
    figure.update_layout(barmode="stack", xaxis={"tickformat": "%d %b"}, yaxis={"title": "done"})
    return apply_layout(figure, "Activities per week", hovermode=None)
