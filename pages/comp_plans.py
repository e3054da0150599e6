"""Comp plans: define versioned commission plans (rate bands, cap, clawbacks, draw, SPIFFs)
with validation and their pay curve, and assign them with a quota to reps per quarter."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard.compensation import plans as comp
from dashboard.compensation.common import PLAN_EDIT_ROLES, quarter_of
from dashboard.compensation.engine import MEASURES, plan_problems
from dashboard.errors import DomainError
from dashboard.ui import loaders
from dashboard.ui import loaders_compensation as lc
from dashboard.ui.charts_compensation import pay_curve_chart
from dashboard.ui.session import require_viewer
from dashboard.ui.widgets import table

db, viewer = require_viewer(__file__)
today = dt.date.today()
can_edit = viewer.role in PLAN_EDIT_ROLES
NEW = 0
TEMPLATE_BANDS = [
    {"floor_pct": 0.0, "ceiling_pct": 50.0, "rate": 0.5},
    {"floor_pct": 50.0, "ceiling_pct": 100.0, "rate": 1.0},
    {"floor_pct": 100.0, "ceiling_pct": 150.0, "rate": 1.5},
    {"floor_pct": 150.0, "ceiling_pct": None, "rate": 2.0},
]

st.title("Comp plans")
st.caption(
    "A band's rate is the payout per 100% of quota inside the band, as a multiple of the "
    "target incentive, applied marginally. Saving a change makes a new version; statements "
    "of closed quarters keep the version they were computed with."
)

notice = st.session_state.pop("comp_plans_notice", None)
if notice:
    st.success(notice)

current = quarter_of(today)
plans = lc.plans(viewer, current)
if plans.empty:
    st.info("No compensation plan yet." + (" Create the first one below." if can_edit else ""))
else:
    table(
        plans.drop(columns=["description"]).rename(
            columns={
                "plan_id": "Plan ID",
                "plan_name": "Plan",
                "version": "Version",
                "versions": "Versions",
                "measure": "Measure",
                "target_incentive": "Target incentive",
                "cap_multiple": "Cap (× TI)",
                "clawback_days": "Clawback days",
                "draw_amount": "Draw",
                "draw_is_recoverable": "Recoverable draw",
                "saved_at": "Saved",
                "reps_assigned": f"Reps in {current.label}",
            }
        ),
        "comp_plans_list",
        "comp_plans",
        column_config={
            "Target incentive": st.column_config.NumberColumn(format="dollar"),
            "Draw": st.column_config.NumberColumn(format="dollar"),
        },
    )

names = {int(row.plan_id): f"{row.plan_name} (v{row.version})" for row in plans.itertuples()}
options = ([NEW] if can_edit else []) + list(names)
if not options:
    st.stop()
if st.session_state.get("comp_plans_show") in options:
    st.session_state["comp_plans_plan"] = st.session_state.pop("comp_plans_show")
plan_id = st.selectbox(
    "Plan",
    options,
    index=1 if can_edit and names else 0,
    format_func=lambda value: "New plan…" if value == NEW else names[value],
    key="comp_plans_plan",
)
saved = lc.plan_terms(plan_id) if plan_id != NEW else None

if saved is not None:
    left, right = st.columns([2, 3])
    with left:
        st.subheader(saved.label)
        for sentence in comp.describe_terms(saved):
            st.markdown(f"- {sentence}")
    with right:
        st.plotly_chart(
            pay_curve_chart(saved, saved.target_incentive, title=f"Pay curve of {saved.label}"),
            key="comp_plans_saved_curve",
        )
    with st.expander("Versions"):
        table(lc.plan_versions(viewer, plan_id), "comp_plans_versions", f"plan_{plan_id}_versions")

if can_edit:
    st.subheader("New plan" if saved is None else f"Change {saved.name}")
    key = f"comp_plans_{plan_id}"
    first, second, third = st.columns(3)
    name = first.text_input(
        "Name", value=saved.name if saved else "", disabled=saved is not None, key=f"{key}_name"
    )
    description = first.text_input("Description", key=f"{key}_description") if saved is None else ""
    measure = first.selectbox(
        "Commission measured on",
        list(MEASURES),
        index=list(MEASURES).index(saved.measure) if saved else 0,
        format_func=MEASURES.get,
        key=f"{key}_measure",
    )
    incentive = second.number_input(
        "Target incentive per quarter ($)",
        min_value=0.0,
        value=float(saved.target_incentive) if saved else 15000.0,
        step=500.0,
        key=f"{key}_incentive",
    )
    has_cap = second.checkbox(
        "Cap commission",
        value=saved is None or saved.cap_multiple is not None,
        key=f"{key}_has_cap",
    )
    cap = second.number_input(
        "Cap (× target incentive)",
        value=float(saved.cap_multiple) if saved and saved.cap_multiple else 3.0,
        step=0.25,
        disabled=not has_cap,
        key=f"{key}_cap",
    )
    has_clawback = third.checkbox(
        "Claw back returns and cancellations",
        value=saved is None or saved.clawback_days is not None,
        key=f"{key}_has_clawback",
    )
    clawback_days = third.number_input(
        "within days of the order",
        min_value=0,
        value=saved.clawback_days if saved and saved.clawback_days is not None else 90,
        disabled=not has_clawback,
        key=f"{key}_clawback_days",
    )
    draw = third.number_input(
        "Draw per quarter ($, 0 = none)",
        min_value=0.0,
        value=float(saved.draw_amount) if saved else 0.0,
        step=500.0,
        key=f"{key}_draw",
    )
    recoverable = third.checkbox(
        "Draw is recoverable",
        value=saved.draw_is_recoverable if saved else True,
        key=f"{key}_recoverable",
    )

    st.markdown("**Rate table** (attainment bands in % of quota; leave the last ceiling empty)")
    band_rows = (
        [
            {
                "floor_pct": float(band.floor_pct),
                "ceiling_pct": None if band.ceiling_pct is None else float(band.ceiling_pct),
                "rate": float(band.rate),
            }
            for band in saved.bands
        ]
        if saved
        else TEMPLATE_BANDS
    )
    bands_frame = st.data_editor(
        pd.DataFrame(band_rows, columns=["floor_pct", "ceiling_pct", "rate"]),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "floor_pct": st.column_config.NumberColumn("From (% of quota)", min_value=0.0),
            "ceiling_pct": st.column_config.NumberColumn("To (% of quota, empty = no end)"),
            "rate": st.column_config.NumberColumn("Rate (× target incentive per 100%)"),
        },
        key=f"{key}_bands",
    )

    st.markdown("**SPIFFs** (a bonus per won deal of a product and/or inside a window)")
    products = lc.products()
    product_ids = {row.product_name: int(row.product_id) for row in products.itertuples()}
    product_names = {value: name for name, value in product_ids.items()}
    spiff_rows = [
        {
            "spiff_name": spiff.name,
            "product": product_names.get(spiff.product_id),
            "starts_on": spiff.starts_on,
            "ends_on": spiff.ends_on,
            "amount_per_deal": float(spiff.amount_per_deal),
            "pct_of_amount": float(spiff.pct_of_amount),
        }
        for spiff in (saved.spiffs if saved else ())
    ]
    spiffs_frame = st.data_editor(
        pd.DataFrame(
            spiff_rows,
            columns=[
                "spiff_name",
                "product",
                "starts_on",
                "ends_on",
                "amount_per_deal",
                "pct_of_amount",
            ],
        ).astype({"starts_on": "datetime64[ns]", "ends_on": "datetime64[ns]"}),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "spiff_name": st.column_config.TextColumn("Name"),
            "product": st.column_config.SelectboxColumn(
                "Product (empty = any)", options=list(product_ids)
            ),
            "starts_on": st.column_config.DateColumn("Won from"),
            "ends_on": st.column_config.DateColumn("Won before"),
            "amount_per_deal": st.column_config.NumberColumn("$ per deal", min_value=0.0),
            "pct_of_amount": st.column_config.NumberColumn("% of amount", min_value=0.0),
        },
        key=f"{key}_spiffs",
    )

    terms = None
    try:
        spiff_records = [
            {**row, "product_id": product_ids.get(row.get("product"))}
            for row in spiffs_frame.to_dict("records")
        ]
        terms = comp.build_terms(
            name,
            measure,
            incentive,
            comp.bands_from_rows(bands_frame.to_dict("records")),
            cap if has_cap else None,
            clawback_days if has_clawback else None,
            draw,
            recoverable,
            comp.spiffs_from_rows(spiff_records),
        )
        problems = plan_problems(terms)
    except DomainError as error:
        problems = [str(error)]
    if problems:
        st.warning("Fix these before saving:\n\n" + "\n".join(f"- {p}" for p in problems))
    if terms is not None and terms.bands and not any("Band" in p or "band" in p for p in problems):
        st.plotly_chart(
            pay_curve_chart(
                terms,
                terms.target_incentive,
                compare=saved,
                names=("As edited", f"Saved: {saved.label}" if saved else ""),
                title="Pay curve as edited" + (" (dashed: the saved version)" if saved else ""),
            ),
            key="comp_plans_edit_curve",
        )

    note = st.text_input("What changed and why", key=f"{key}_note") if saved else None
    move = (
        st.checkbox(
            "Use the new version for the open quarters' assignments of this plan",
            value=True,
            key=f"{key}_move",
        )
        if saved
        else False
    )
    if st.button(
        "Save plan" if saved is None else "Save as new version", type="primary", key=f"{key}_save"
    ):
        try:
            if terms is None:
                raise DomainError(problems[0])
            with db.transaction() as cur:
                result = comp.save_plan(
                    cur,
                    viewer,
                    terms,
                    description=description,
                    change_note=note,
                    plan_id=None if saved is None else plan_id,
                    apply_to_open_quarters=move,
                    today=today,
                )
        except DomainError as error:
            st.error(str(error))
        else:
            loaders.clear_caches()
            moved = (
                f"; {result.reassigned} open assignments moved to it" if result.reassigned else ""
            )
            st.session_state["comp_plans_notice"] = (
                f"Saved {terms.name} version {result.version}{moved}."
            )
            st.session_state["comp_plans_show"] = result.plan_id
            st.rerun()

st.divider()
st.subheader("Assignments")
quarter = lc.quarter_picker("comp_plans", today, sidebar=False)
assigned = lc.assignments(viewer, quarter)
if assigned.empty:
    st.caption(f"No plan is assigned for {quarter.label} in your scope.")
else:
    table(
        assigned.drop(columns=["assignment_id", "period_end"]),
        "comp_plans_assigned",
        f"assignments_{quarter.label}",
        column_config={
            "quota": st.column_config.NumberColumn("Quota", format="dollar"),
            "base_salary": st.column_config.NumberColumn("Base salary (year)", format="dollar"),
        },
    )

if can_edit and names:
    quotas = lc.default_quotas(viewer, quarter)
    reps = {int(row.rep_id): f"{row.rep_name} ({row.team_name})" for row in quotas.itertuples()}
    unassigned = [rep for rep in reps if rep not in set(assigned["rep_id"].tolist())]
    with st.form("comp_plans_assign_form"):
        st.markdown(f"**Assign a plan for {quarter.label}**")
        chosen_plan = st.selectbox(
            "Plan", list(names), format_func=names.get, key="comp_plans_assign_plan"
        )
        chosen_reps = st.multiselect(
            "Reps",
            list(reps),
            default=unassigned,
            format_func=reps.get,
            key="comp_plans_assign_reps",
        )
        quota = st.text_input(
            "Quota (empty = each rep's bookings goal for the quarter)",
            key="comp_plans_assign_quota",
        )
        reason = st.text_input("Note", key="comp_plans_assign_note")
        if st.form_submit_button("Assign", type="primary"):
            try:
                with db.transaction() as cur:
                    ids = comp.assign_plan(
                        cur, viewer, chosen_reps, quarter, chosen_plan, None, quota or None, reason
                    )
            except DomainError as error:
                st.error(str(error))
            else:
                loaders.clear_caches()
                st.session_state["comp_plans_notice"] = (
                    f"Assigned {names[chosen_plan]} to {len(ids)} reps for {quarter.label}."
                )
                st.rerun()
    with st.expander(f"Bookings goals for {quarter.label} (the default quotas)"):
        table(
            quotas,
            "comp_plans_quotas",
            f"default_quotas_{quarter.label}",
            column_config={"goal": st.column_config.NumberColumn("Goal", format="dollar")},
        )
elif not can_edit:
    st.caption("Administrators and executives define plans and assign them.")
