"""Statements: each rep's statement for a quarter, traced line by line to deals, orders and
returns; disputes on lines; closing a quarter freezes its statements."""

import datetime as dt
from decimal import Decimal

import streamlit as st

from dashboard.compensation import statements as comp
from dashboard.compensation.engine import LINE_KINDS, MEASURES
from dashboard.errors import DomainError
from dashboard.ui import loaders
from dashboard.ui import loaders_compensation as lc
from dashboard.ui.charts_compensation import pay_curve_chart, statement_totals_chart
from dashboard.ui.session import require_viewer
from dashboard.ui.widgets import table

db, viewer = require_viewer(__file__)
today = dt.date.today()

st.sidebar.header("Statements")
quarter = lc.quarter_picker("compensation", today)
closed = lc.closed_periods()
is_closed = quarter.start in set(closed["period_start"].tolist())

st.title("Statements")
st.caption(
    f"{quarter.label} · "
    + (
        "closed: these statements are frozen and never change"
        if is_closed
        else "open: computed from today's deals, orders and returns"
    )
    + " · amounts in USD"
)

notice = st.session_state.pop("compensation_notice", None)
if notice:
    st.success(notice)

statements = lc.statements(viewer, quarter)
money = lc.money_text
money_columns = {
    name: st.column_config.NumberColumn(name, format="dollar")
    for name in (
        "Quota",
        "Credited",
        "Commission",
        "SPIFFs",
        "Clawbacks",
        "Adjustments",
        "Draws",
        "Total",
        "Amount",
    )
}

if not statements:
    st.info(
        f"No statements for {quarter.label}: no compensation plan is assigned"
        + (" to you" if viewer.role == "rep" else " in your scope")
        + " for this quarter."
    )
    chosen = None
elif viewer.role == "rep":
    chosen = statements[0]
else:
    summary = comp.statements_summary(statements)
    totals = {
        column: sum(summary[column], start=Decimal(0))
        for column in ("Commission", "SPIFFs", "Clawbacks", "Total")
    }
    columns = st.columns(5)
    columns[0].metric("Statements", len(statements))
    for column, (label, name) in zip(
        columns[1:],
        (
            ("Commission", "Commission"),
            ("SPIFFs", "SPIFFs"),
            ("Clawbacks", "Clawbacks"),
            ("Variable pay", "Total"),
        ),
        strict=True,
    ):
        column.metric(label, lc.money_short(totals[name]), help=lc.exactly(totals[name]))
    st.plotly_chart(statement_totals_chart(summary), key="compensation_totals_chart")
    table(
        summary.drop(columns=["rep_id"]),
        "compensation_summary",
        f"statements_{quarter.label}",
        column_config={
            **money_columns,
            "Attainment": st.column_config.NumberColumn(format="percent"),
        },
    )
    names = {s.rep_id: f"{s.rep_name} ({s.team_name})" for s in statements}
    rep_id = st.selectbox(
        "Statement of", list(names), format_func=names.get, key="compensation_rep"
    )
    chosen = next(s for s in statements if s.rep_id == rep_id)

if chosen is not None:
    statement_totals = chosen.totals
    st.subheader(f"{chosen.rep_name} · {quarter.label}")
    plan_text = (
        f"{chosen.plan_name} v{chosen.plan_version}, commission on "
        f"{MEASURES[chosen.measure].lower()}, quota {money(chosen.quota)}, target incentive "
        f"{money(chosen.target_incentive)}"
        if chosen.plan_name
        else "no plan this quarter"
    )
    st.caption(
        f"{chosen.team_name} · {plan_text} · base salary {money(chosen.base_salary)} · "
        f"total pay {money(chosen.total_pay)}"
    )
    columns = [*st.columns(3), *st.columns(3)]
    columns[0].metric(
        "Attainment",
        lc.percent_text(chosen.attainment),
        delta=(chosen.tier_label or "–") + (" · capped" if chosen.is_capped else ""),
        delta_color="off",
        help="Credited amount / quota. The tier is the band the final attainment falls in.",
    )
    columns[1].metric("Commission", money(statement_totals["commission"]))
    columns[2].metric("SPIFFs", money(statement_totals["spiff"]))
    columns[3].metric("Clawbacks", money(statement_totals["clawback"]))
    columns[4].metric(
        "Adjustments · draws",
        money(
            statement_totals["adjustment"]
            + statement_totals["draw_advance"]
            + statement_totals["draw_recovery"]
        ),
        help="Corrections of closed quarters, and draw advances less draws recovered.",
    )
    columns[5].metric(
        "Variable pay",
        money(chosen.total),
        help="The exact sum of the statement's lines.",
    )
    if chosen.status == "closed":
        st.caption(
            f"Frozen on {chosen.closed_at:%Y-%m-%d %H:%M}; content hash `{chosen.content_hash[:16]}…`"
            + (" (verified)" if comp.verify_statement(chosen) else " (DOES NOT MATCH)")
        )
    for note in chosen.notes:
        st.info(note)
    if chosen.plan_id is not None and chosen.attainment is not None:
        terms = lc.plan_terms(chosen.plan_id, chosen.plan_version)
        st.plotly_chart(
            pay_curve_chart(
                terms,
                chosen.target_incentive,
                marker=(chosen.attainment * 100, statement_totals["commission"]),
                title=f"Pay curve of {terms.label} and where this statement stands",
            ),
            key="compensation_curve_chart",
        )
    lines = comp.statement_lines_frame(chosen)
    table(
        lines,
        "compensation_lines",
        f"statement_{chosen.rep_name.replace(' ', '_')}_{quarter.label}",
        column_config={
            **money_columns,
            "Attainment before": st.column_config.NumberColumn(format="percent"),
            "Attainment after": st.column_config.NumberColumn(format="percent"),
        },
    )

    st.subheader("Disputes")
    disputes = lc.disputes(viewer, quarter, chosen.rep_id)
    if disputes.empty:
        st.caption("No line of this statement is disputed.")
    else:
        table(
            disputes[
                [
                    "dispute_id",
                    "line_description",
                    "line_amount",
                    "comment",
                    "raised_by_name",
                    "raised_at",
                    "status",
                    "outcome",
                    "reply",
                    "replied_by_name",
                    "replied_at",
                ]
            ],
            "compensation_disputes",
            f"disputes_{quarter.label}",
            column_config={"line_amount": st.column_config.NumberColumn(format="dollar")},
        )
    if viewer.role == "rep" and chosen.lines:
        with st.form("compensation_dispute_form", clear_on_submit=True):
            labels = {
                line.key: f"Line {line.line_no} · {LINE_KINDS[line.kind]} · "
                f"{line.description[:70]} · {money(line.amount)}"
                for line in chosen.lines
            }
            line_key = st.selectbox(
                "Line to dispute", list(labels), format_func=labels.get, key="compensation_line"
            )
            comment = st.text_area("What is wrong?", key="compensation_comment")
            if st.form_submit_button("Flag this line", type="primary"):
                try:
                    with db.transaction() as cur:
                        comp.raise_dispute(cur, viewer, quarter, line_key, comment)
                except DomainError as error:
                    st.error(str(error))
                else:
                    loaders.clear_caches()
                    st.session_state["compensation_notice"] = (
                        "Your dispute was sent to your manager."
                    )
                    st.rerun()
    open_disputes = disputes[disputes["status"] == "open"] if not disputes.empty else disputes
    if viewer.role in ("manager", "admin") and not open_disputes.empty:
        with st.form("compensation_resolve_form", clear_on_submit=True):
            st.markdown("**Answer a dispute**")
            labels = {
                int(row.dispute_id): f"#{row.dispute_id} · {row.line_description[:60]} · "
                f"“{row.comment[:60]}”"
                for row in open_disputes.itertuples()
            }
            dispute_id = st.selectbox(
                "Dispute", list(labels), format_func=labels.get, key="compensation_dispute"
            )
            outcome = st.radio(
                "Outcome",
                ["accepted", "declined"],
                horizontal=True,
                format_func=str.capitalize,
                key="compensation_outcome",
            )
            reply = st.text_area("Reply to the rep", key="compensation_reply")
            if st.form_submit_button("Send reply", type="primary"):
                try:
                    with db.transaction() as cur:
                        comp.resolve_dispute(cur, viewer, dispute_id, outcome, reply)
                except DomainError as error:
                    st.error(str(error))
                else:
                    loaders.clear_caches()
                    st.session_state["compensation_notice"] = (
                        f"Dispute #{dispute_id} {outcome}; the rep sees your reply."
                    )
                    st.rerun()

if viewer.role in ("admin", "executive"):
    st.subheader("Close a quarter")
    next_to_close = lc.first_open_quarter()
    if next_to_close is None:
        st.caption("Nothing to close: no plan is assigned yet.")
    elif next_to_close.end > today:
        st.caption(f"{next_to_close.label} is the next to close, from {next_to_close.end}.")
    else:
        st.write(
            f"Closing **{next_to_close.label}** freezes its statements: later corrections "
            "become adjustments in the next open quarter. Quarters close in order."
        )
        confirmed = st.checkbox(
            f"I have checked the {next_to_close.label} statements", key="compensation_confirm"
        )
        if st.button(
            f"Close {next_to_close.label}",
            disabled=not confirmed,
            type="primary",
            key="compensation_close",
        ):
            bar = st.progress(0.0, text=f"Closing {next_to_close.label}…")
            try:
                with db.transaction() as cur:
                    result = comp.close_period(
                        cur,
                        viewer,
                        next_to_close,
                        today,
                        progress=lambda fraction, message: bar.progress(fraction, text=message),
                    )
            except DomainError as error:
                bar.empty()
                st.error(str(error))
            else:
                loaders.clear_caches()
                st.session_state["compensation_notice"] = (
                    f"{result.period.label} is closed: {result.statements} statements frozen, "
                    f"{money(result.total)} in variable pay."
                )
                st.rerun()
    if not closed.empty:
        with st.expander("Closed quarters"):
            table(closed, "compensation_closed", "closed_quarters")
