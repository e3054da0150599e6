"""Leaderboard: recognition for the team (attainment, bookings, win rate, new accounts,
activities), the club threshold and badges, and activity statistics per rep."""

import datetime as dt

import streamlit as st

from dashboard.compensation import recognition as comp
from dashboard.compensation.common import PLAN_EDIT_ROLES
from dashboard.compensation.engine import format_number
from dashboard.errors import DomainError
from dashboard.ui import loaders
from dashboard.ui import loaders_compensation as lc
from dashboard.ui.charts_compensation import activity_weeks_chart, leaderboard_chart
from dashboard.ui.session import require_viewer
from dashboard.ui.widgets import table

db, viewer = require_viewer(__file__)
ACTIVITY_COLUMNS = {
    "rep_name": "Rep",
    "team_name": "Team",
    "call": "Calls",
    "email": "Emails",
    "meeting": "Meetings",
    "presentation": "Presentations",
    "proposal": "Proposals",
    "follow_up": "Follow-ups",
    "feedback": "Feedback",
    "total": "Total",
    "call_per_day": "Calls / day",
    "call_per_week": "Calls / week",
    "meeting_per_day": "Meetings / day",
    "meeting_per_week": "Meetings / week",
    "follow_up_per_day": "Follow-ups / day",
    "follow_up_per_week": "Follow-ups / week",
    "working_days": "Working days",
}
today = dt.date.today()

st.sidebar.header("Leaderboard")
quarter = lc.quarter_picker("leaderboard", today, ahead=0)
club_pct = lc.club_threshold()
scope_label = {"rep": "your team", "manager": "your team"}.get(viewer.role, "the whole company")

st.title("Leaderboard")
st.caption(
    f"{quarter.label} · {scope_label} · club at {format_number(club_pct)}% of the bookings goal · "
    "no pay figures here"
)

notice = st.session_state.pop("leaderboard_notice", None)
if notice:
    st.success(notice)

board = lc.leaderboard(viewer, quarter, club_pct)
if board.empty:
    st.info("No reps to rank.")
    st.stop()

club = board[board["is_club"]]
if not club.empty:
    st.info(
        f"**Club for {quarter.label}:** "
        + ", ".join(f"{row.rep_name} ({row.attainment:.0%})" for row in club.itertuples()),
        icon=":material/emoji_events:",
    )

metric = (
    st.segmented_control(
        "Rank by",
        list(comp.LEADERBOARD_METRICS),
        format_func=comp.LEADERBOARD_METRICS.get,
        default="attainment",
        key="leaderboard_metric",
    )
    or "attainment"
)
st.plotly_chart(
    leaderboard_chart(board, metric, comp.LEADERBOARD_METRICS[metric], float(club_pct) / 100),
    key="leaderboard_chart",
)

badges = board[board["badges"] != ""][["rep_name", "team_name", "badges"]]
left, right = st.columns([3, 2])
with left:
    st.subheader("Badges")
    if badges.empty:
        st.caption("No badges yet this quarter.")
    else:
        for row in badges.itertuples():
            st.markdown(f"**{row.rep_name}** ({row.team_name}): {row.badges}")
with right:
    st.subheader("How badges are earned")
    for name, rule in comp.BADGES.items():
        st.markdown(f"- **{name}**: {rule}")

ranked = board.sort_values(f"rank_{metric}", na_position="last")
table(
    ranked[
        [
            f"rank_{metric}",
            "rep_name",
            "team_name",
            "attainment",
            "bookings",
            "goal",
            "won",
            "lost",
            "win_rate",
            "new_accounts",
            "activities",
            "badges",
        ]
    ].rename(
        columns={
            f"rank_{metric}": "Rank",
            "rep_name": "Rep",
            "team_name": "Team",
            "won": "Won",
            "lost": "Lost",
            "new_accounts": "New accounts",
            "activities": "Activities",
            "badges": "Badges",
        }
    ),
    "leaderboard_table",
    f"leaderboard_{quarter.label}",
    column_config={
        "attainment": st.column_config.NumberColumn("Attainment", format="percent"),
        "bookings": st.column_config.NumberColumn("Bookings", format="dollar"),
        "goal": st.column_config.NumberColumn("Goal", format="dollar"),
        "win_rate": st.column_config.NumberColumn("Win rate", format="percent"),
    },
)

if viewer.role in PLAN_EDIT_ROLES:
    with st.expander("Club threshold"):
        with st.form("leaderboard_club_form"):
            value = st.number_input(
                "Attainment that earns the club (%)",
                min_value=1.0,
                value=float(club_pct),
                step=5.0,
                key="leaderboard_club_pct",
            )
            if st.form_submit_button("Save threshold"):
                try:
                    with db.transaction() as cur:
                        saved = comp.set_club_threshold(cur, viewer, value)
                except DomainError as error:
                    st.error(str(error))
                else:
                    loaders.clear_caches()
                    st.session_state["leaderboard_notice"] = (
                        f"The club threshold is now {format_number(saved)}%."
                    )
                    st.rerun()

st.divider()
st.subheader("Activity statistics")
rep_names = {int(row.rep_id): row.rep_name for row in board.itertuples()}
rep_id = st.selectbox(
    "Rep",
    [None, *rep_names],
    format_func=lambda value: "Everyone shown" if value is None else rep_names[value],
    index=[None, *rep_names].index(viewer.rep_id) if viewer.rep_id in rep_names else 0,
    key="leaderboard_rep",
)
stats = lc.activity_stats(viewer, quarter, today, rep_id)
weeks = lc.activity_weeks(viewer, quarter, rep_id)
if not stats.empty:
    days = int(stats["working_days"].iloc[0])
    totals = stats[["call", "meeting", "follow_up"]].sum()
    columns = st.columns(3)
    for column, kind, label in zip(
        columns, ("call", "meeting", "follow_up"), ("Calls", "Meetings", "Follow-ups"), strict=True
    ):
        per_day = totals[kind] / days / max(len(stats), 1) if days else None
        column.metric(
            f"{label} per rep per day",
            "–" if per_day is None else f"{per_day:.2f}",
            delta=f"{int(totals[kind])} in {days} working days",
            delta_color="off",
        )
if not weeks.empty:
    st.plotly_chart(activity_weeks_chart(weeks), key="leaderboard_weeks_chart")
table(
    stats.drop(columns=["rep_id"]).rename(columns=ACTIVITY_COLUMNS),
    "leaderboard_activities",
    f"activities_{quarter.label}",
)
