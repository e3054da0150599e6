"""Territory: bookings and attainment on a map and along the territory hierarchy, workload
across reps, and territory boundaries (assignment rules, manual moves, preview, history)."""

import datetime as dt

import streamlit as st

from dashboard import territory
from dashboard.errors import DomainError
from dashboard.geo import load_shapes
from dashboard.ui import loaders
from dashboard.ui import loaders_analytics as analytics
from dashboard.ui.charts_analytics import (
    MAP_CONFIG,
    territory_attainment_chart,
    territory_map,
    workload_chart,
)
from dashboard.ui.session import get_database, require_viewer
from dashboard.ui.widgets import deal_filters, money, percent, period_picker, table

db, viewer = require_viewer(__file__)
today = dt.date.today()

st.sidebar.header("Filters")
period = period_picker("territory", today)
filters = deal_filters("territory", viewer)

st.title("Territory")
st.caption(f"{period.label} · amounts in USD · goals: set per territory, or derived")

if period.start is None or period.end is None:
    st.error("Choose a period with a first and a last day.")
    st.stop()
try:
    frame = analytics.territories(viewer, period, filters, today)
except DomainError as error:
    st.error(str(error))
    st.stop()

if frame.empty:
    st.info("No territory has accounts or deals in your scope.")
    st.stop()
top = frame.iloc[0]
cards = st.columns(5)
cards[0].metric(
    f"Bookings · {top.territory_name}",
    money(top.bookings),
    delta=f"{percent(top.attainment)} of goal {money(top.goal)}" if top.goal else "no goal",
    delta_color="off",
    help=territory.TERRITORY_DEFINITIONS["Bookings"],
)
cards[1].metric(
    "Sales per selling day",
    money(top.sales_per_selling_day),
    help=territory.TERRITORY_DEFINITIONS["Sales per selling day"],
)
cards[2].metric("Win rate", percent(top.win_rate), help=territory.TERRITORY_DEFINITIONS["Win rate"])
cards[3].metric(
    "Open pipeline", money(top.open_pipeline), delta=f"{top.open_deals:,} deals", delta_color="off"
)
cards[4].metric(
    "Accounts · reps",
    f"{top.accounts:,} · {top.reps_assigned}",
    help=territory.TERRITORY_DEFINITIONS["Reps assigned"],
)

metric_labels = {
    "attainment": "Attainment",
    "bookings": "Bookings",
    "open_pipeline": "Open pipeline",
}
metric = (
    st.segmented_control(
        "Map shows",
        list(metric_labels),
        format_func=metric_labels.get,
        default="attainment",
        key="territory_map_metric",
    )
    or "attainment"
)
areas = territory.map_figures(frame)
left, right = st.columns(2)
with left:
    if areas["states"].empty:
        st.info("No US states in view.")
    else:
        st.plotly_chart(
            territory_map(
                areas["states"],
                load_shapes("states"),
                metric,
                f"{metric_labels[metric]} by US state",
                "usa",
            ),
            config=MAP_CONFIG,
            key="territory_us_map",
        )
with right:
    if areas["countries"].empty:
        st.info("No countries in view.")
    else:
        st.plotly_chart(
            territory_map(
                areas["countries"],
                load_shapes("countries"),
                metric,
                f"{metric_labels[metric]} by country",
                "world",
            ),
            config=MAP_CONFIG,
            key="territory_world_map",
        )

st.subheader("Territories along the hierarchy")
levels = {0: "World", 1: "Regions", 2: "Districts", 3: "States and countries"}
level = st.segmented_control(
    "Level",
    [depth for depth in levels if depth in set(frame["depth"])],
    format_func=levels.get,
    default=1 if 1 in set(frame["depth"]) else int(frame["depth"].min()),
    key="territory_level",
)
level = int(frame["depth"].min()) if level is None else level
shown = frame[frame["depth"] == level]
st.plotly_chart(
    territory_attainment_chart(shown, f"Bookings vs goal: {levels[level].lower()}"),
    key="territory_level_chart",
)
columns = {
    "territory_name": "Territory",
    "territory_kind": "Kind",
    "bookings": "Bookings",
    "goal": "Goal",
    "goal_source": "Goal is",
    "attainment": "Attainment",
    "sales_per_selling_day": "Per selling day",
    "won": "Won",
    "lost": "Lost",
    "win_rate": "Win rate",
    "open_deals": "Open deals",
    "open_pipeline": "Open pipeline",
    "weighted_pipeline": "Weighted",
    "accounts": "Accounts",
    "reps_assigned": "Reps",
    "potential": "Potential",
}
money_format = st.column_config.NumberColumn(format="dollar")
table(
    frame.assign(
        territory_name=frame["depth"].map(lambda depth: "\u2003" * depth) + frame["territory_name"]
    )[list(columns)].rename(columns=columns),
    "territory_table",
    f"territories_{period.label}",
    column_config={
        **{
            name: money_format
            for name in (
                "Bookings",
                "Goal",
                "Per selling day",
                "Open pipeline",
                "Weighted",
                "Potential",
            )
        },
        "Attainment": st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1.5),
        "Win rate": st.column_config.NumberColumn(format="percent"),
    },
)
with st.expander("Definitions"):
    for name, text in territory.TERRITORY_DEFINITIONS.items():
        st.markdown(f"**{name}**: {text}")

st.subheader("Workload across reps")
reps = analytics.rep_workload(viewer, period, filters)
if reps.empty:
    st.info("No reps work this territory in your scope.")
else:
    st.plotly_chart(workload_chart(reps.fillna({"goal": 0})), key="territory_workload_chart")
    table(
        reps.drop(columns=["rep_id"]),
        "territory_workload",
        f"workload_{period.label}",
        column_config={
            "open_pipeline": money_format,
            "potential": money_format,
            "goal": money_format,
            "bookings": money_format,
            "attainment": st.column_config.NumberColumn(format="percent"),
            "potential_index": st.column_config.NumberColumn(format="%.2f"),
            "open_deals_index": st.column_config.NumberColumn(format="%.2f"),
        },
    )
    st.caption(territory.TERRITORY_DEFINITIONS["Potential index"])

st.subheader("Deals behind a territory")
names = {int(row.territory_id): str(row.territory_name) for row in frame.itertuples()}
pick = st.columns(2)
chosen = pick[0].selectbox(
    "Territory", list(names), format_func=names.get, key="territory_drill_territory"
)
kind = pick[1].selectbox(
    "Deals",
    list(territory.DEAL_KINDS),
    format_func=territory.DEAL_KINDS.get,
    key="territory_drill_kind",
)
deals = analytics.territory_deals(viewer, int(chosen), kind, period, filters)
table(
    deals,
    "territory_deals",
    f"deals_{names[chosen]}_{kind}_{period.label}".replace(" ", "_"),
    column_config={"amount": money_format},
)

st.subheader("Territory boundaries")
is_editor = viewer.role in territory.EDITORS
tabs = st.tabs(["Move accounts", "Assignment rules", "History"])
options = loaders.filter_options(viewer)
territory_names = {
    int(row.id): str(row.label) for row in options[options["kind"] == "territory"].itertuples()
}
rep_names = {int(row.id): str(row.label) for row in options[options["kind"] == "rep"].itertuples()}
with tabs[0]:
    source_territory = st.selectbox(
        "Accounts in",
        list(territory_names),
        format_func=territory_names.get,
        key="territory_move_from",
    )
    accounts = analytics.accounts(viewer, source_territory)
    account_names = {int(row.account_id): str(row.account_name) for row in accounts.itertuples()}
    moving = st.multiselect(
        "Accounts to move",
        list(account_names),
        format_func=account_names.get,
        key="territory_move_accounts",
    )
    target = st.selectbox(
        "To territory",
        list(territory_names),
        format_func=territory_names.get,
        key="territory_move_to",
    )
    owner = st.selectbox(
        "New owner",
        [None, *rep_names],
        format_func=lambda rep: "Keep the owner" if rep is None else rep_names[rep],
        key="territory_move_owner",
    )
    manual = tuple(territory.Move(int(account), int(target), owner) for account in moving)
    if manual:
        preview = analytics.reassignment_preview(viewer, manual, period)
        st.markdown("**Preview** — nothing changes until you apply.")
        table(
            preview.drop(columns=["territory_id"]),
            "territory_preview",
            "reassignment_preview",
            column_config={
                column: money_format
                for column in preview.columns
                if "pipeline" in column or "potential" in column or "goal" in column
            },
        )
        note = st.text_input("Why (kept in the history)", key="territory_move_note")
        if st.button(
            "Apply the move", type="primary", key="territory_apply", disabled=not is_editor
        ):
            try:
                with get_database().transaction() as cur:
                    applied = territory.apply_reassignment(
                        cur, viewer, list(manual), "manual", note
                    )
            except DomainError as error:
                st.error(str(error))
            else:
                loaders.clear_caches()
                st.success(
                    f"Moved {applied.accounts_moved} accounts and {applied.deals_moved} open "
                    "deals; the history keeps where they were."
                )
        if not is_editor:
            st.caption("Only an administrator can apply a move; you can preview it.")
with tabs[1]:
    rules = analytics.territory_rules(viewer)
    table(rules, "territory_rules", "territory_rules")
    if is_editor:
        with st.form("territory_rule_form"):
            st.markdown(
                "**New rule**: accounts matching every condition given go to the territory."
            )
            form = st.columns(3)
            rule_territory = form[0].selectbox(
                "Territory",
                list(territory_names),
                format_func=territory_names.get,
                key="territory_rule_target",
            )
            country = form[1].text_input("Billing country (e.g. US)", key="territory_rule_country")
            state = form[2].text_input("Billing state (e.g. NJ)", key="territory_rule_state")
            segment = form[0].selectbox(
                "Segment",
                [None, 1, 2, 3],
                format_func=lambda value: {None: "Any", 1: "SMB", 2: "Mid-Market", 3: "Enterprise"}[
                    value
                ],
                key="territory_rule_segment",
            )
            minimum = form[1].number_input(
                "Employees from", min_value=0, value=None, key="territory_rule_min"
            )
            priority = form[2].number_input(
                "Priority (lower wins)", min_value=1, value=100, key="territory_rule_priority"
            )
            note = st.text_input("Why", key="territory_rule_note")
            if st.form_submit_button("Add rule"):
                try:
                    with get_database().transaction() as cur:
                        rule_id = territory.save_rule(
                            cur,
                            viewer,
                            territory.Rule(
                                territory_id=int(rule_territory),
                                priority=int(priority),
                                match_country=country or None,
                                match_state=state or None,
                                match_segment_id=segment,
                                min_employees=None if minimum is None else int(minimum),
                                note=note or None,
                            ),
                        )
                except DomainError as error:
                    st.error(str(error))
                else:
                    loaders.clear_caches()
                    st.success(f"Rule {rule_id} added.")
    proposed = analytics.rule_moves(viewer)
    st.markdown(f"**Running the rules would move {len(proposed)} accounts.**")
    if not proposed.empty:
        table(proposed, "territory_rule_moves", "rule_moves")
        rule_moves = tuple(
            territory.Move(
                int(row.account_id),
                int(row.to_territory_id),
                None if row.to_owner_rep_id is None else int(row.to_owner_rep_id),
                int(row.rule_id),
            )
            for row in proposed.itertuples()
        )
        table(
            analytics.reassignment_preview(viewer, rule_moves, period).drop(
                columns=["territory_id"]
            ),
            "territory_rule_preview",
            "rule_preview",
        )
        if is_editor and st.button("Apply the rules", key="territory_apply_rules"):
            try:
                with get_database().transaction() as cur:
                    applied = territory.apply_reassignment(cur, viewer, list(rule_moves), "rules")
            except DomainError as error:
                st.error(str(error))
            else:
                loaders.clear_caches()
                st.success(f"Moved {applied.accounts_moved} accounts by rule.")
with tabs[2]:
    table(analytics.reassignments(viewer), "territory_history", "territory_history")
