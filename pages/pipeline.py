"""Pipeline: open deals by stage as a board, every deal as a searchable table, bulk edits in a
grid, overdue follow-ups and customer feedback, and new deals."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import deals, pipeline
from dashboard.errors import ValidationError
from dashboard.ui import loaders, loaders_pipeline
from dashboard.ui.charts_pipeline import board_chart, feedback_chart
from dashboard.ui.session import get_database, require_viewer
from dashboard.ui.widgets import money, table
from dashboard.ui.widgets_pipeline import (
    conflict_panel,
    deal_choices,
    deal_inputs,
    pipeline_filters,
    plain,
    rating_badge,
    run_write,
    scope_label,
    show_notice,
    typed_values,
)

db, viewer = require_viewer(__file__)
today = dt.date.today()
writer = pipeline.can_edit(viewer)

NOTICE = "pipeline_notice"
CONFLICT = "pipeline_conflict"
DEAL_PAGE = "pages/deal.py"

st.sidebar.header("Filters")
filters = pipeline_filters("pipeline", viewer)

st.title("Pipeline")
st.caption(
    f"{scope_label(viewer).capitalize()} · amounts in USD"
    + ("" if writer else " · read-only: your role can look but not change deals")
)
show_notice(NOTICE)
conflict_panel(CONFLICT, NOTICE, viewer)

VIEWS = {
    "board": "Board",
    "table": "Table",
    **({"bulk": "Bulk edit"} if writer else {}),
    "follow_ups": "Follow-ups & feedback",
    **({"new": "New deal"} if writer else {}),
}
per_stage = st.session_state.get("pipeline_per_stage") or 10
try:
    board = loaders_pipeline.board(viewer, filters, per_stage)
except ValidationError as error:
    st.error(str(error))
    st.stop()
overdue = loaders_pipeline.overdue_follow_ups(viewer, today)
overdue_count = int(overdue["total_overdue"].iloc[0]) if len(overdue) else 0

figures = st.columns(4)
figures[0].metric("Open deals", f"{int(board.columns['deals'].sum()):,}")
figures[1].metric("Open pipeline", money(float(board.columns["amount"].sum())))
figures[2].metric("Weighted pipeline", money(float(board.columns["weighted_amount"].sum())))
figures[3].metric(
    "Overdue follow-ups",
    f"{overdue_count:,}",
    help="Follow-up tasks not done and due before today, on "
    + scope_label(viewer)
    + ". They are listed under Follow-ups & feedback.",
)

view = (
    st.segmented_control(
        "View", list(VIEWS), format_func=VIEWS.get, default="board", key="pipeline_view"
    )
    or "board"
)


def open_deal(opportunity_id: int) -> None:
    st.session_state["deal_opportunity_id"] = int(opportunity_id)
    st.switch_page(DEAL_PAGE, query_params={"id": str(int(opportunity_id))})


def advance(opportunity_id: int, version: int, stage_id: int, name: str, next_name: str) -> None:
    run_write(
        NOTICE,
        lambda cur: pipeline.advance_stage(cur, viewer, opportunity_id, version, stage_id),
        lambda move: f"Moved {name} from {move.from_stage} to {move.to_stage}.",
        CONFLICT,
        {"opportunity_id": opportunity_id, "name": name, "labels": {"stage_id": next_name}},
    )


def show_board() -> None:
    st.segmented_control(
        "Deals per stage",
        [5, 10, 25, 50],
        default=10,
        key="pipeline_per_stage",
        help="Each column shows its largest deals by amount; the count and total cover all.",
    )
    stages = loaders_pipeline.stages()
    with st.expander("Open deals by stage (chart)"):
        st.plotly_chart(board_chart(board.columns), key="pipeline_board_chart")
    columns = st.columns(len(board.columns))
    for place, stage in zip(columns, board.columns.itertuples(), strict=True):
        cards = board.cards[board.cards["stage_id"] == stage.stage_id]
        next_name = pipeline.following_stage(stages, stage.sort_order)
        with place.container(key=f"pipeline_stage_{stage.stage_id}"):
            st.metric(
                stage.stage_name,
                f"{int(stage.deals):,}",
                delta=money(float(stage.amount)),
                delta_color="off",
                delta_arrow="off",
                help=f"Open deals in {stage.stage_name} and their amount "
                f"({money(float(stage.weighted_amount))} weighted).",
            )
            for card in cards.itertuples():
                show_card(card, next_name)
            if stage.more > 0:
                rest = float(stage.amount) - float(cards["amount_rc"].sum())
                st.caption(
                    f"+ {int(stage.more):,} more ({money(rest)}): narrow the filters or use the "
                    "Table view."
                )


def show_card(card, next_name: str | None) -> None:
    with st.container(border=True, key=f"pipeline_card_{card.opportunity_id}", gap="xsmall"):
        st.markdown(f"**{plain(card.opportunity_name)}**")
        account = card.account_name if isinstance(card.account_name, str) else "no account"
        st.caption(f"{plain(account)} · {plain(card.owner_name)}")
        close = pd.Timestamp(card.expected_close_date)
        closes = "no close date" if pd.isna(close) else f"closes {close:%Y-%m-%d}"
        st.markdown(
            f"{plain(money(float(card.amount_rc)))} · {plain(closes)} "
            f"{rating_badge(card.lead_rating)}"
        )
        buttons = st.container(horizontal=True, gap="xsmall")
        if buttons.button("Open", key=f"pipeline_open_{card.opportunity_id}", type="tertiary"):
            open_deal(card.opportunity_id)
        if writer and next_name:
            buttons.button(
                "Next →",
                key=f"pipeline_next_{card.opportunity_id}",
                help=f"Move to the next stage: {next_name}",
                on_click=advance,
                args=(
                    int(card.opportunity_id),
                    int(card.row_version),
                    int(card.stage_id),
                    str(card.opportunity_name),
                    next_name,
                ),
            )


def table_controls(key: str) -> tuple[str, str, int]:
    left, middle, right = st.columns(3)
    status = left.selectbox(
        "Deals",
        list(pipeline.DEAL_STATUSES),
        format_func=pipeline.DEAL_STATUSES.get,
        key=f"{key}_status",
    )
    sort = middle.selectbox(
        "Sort by", list(pipeline.DEAL_SORTS), format_func=pipeline.DEAL_SORTS.get, key=f"{key}_sort"
    )
    size = right.selectbox("Rows per page", [25, 50, 100, 200], index=1, key=f"{key}_size")
    return status, sort, size


def load_page(key: str) -> pipeline.DealPage:
    status, sort, size = table_controls(key)
    page_number = st.session_state.get(f"{key}_page") or 1
    page = loaders_pipeline.deal_page(viewer, filters, status, sort, page_number, size)
    return page


def pager(key: str, page: pipeline.DealPage) -> None:
    st.caption(
        f"Deals {page.first_row:,}–{page.last_row:,} of {page.total:,} · {money(page.amount)}"
    )
    if page.pages > 1:
        st.pagination(page.pages, default=page.page, key=f"{key}_page")


DEAL_COLUMNS = {
    "opportunity_id": st.column_config.NumberColumn("Id", format="%d"),
    "opportunity_name": "Deal",
    "account_name": "Account",
    "owner_name": "Owner",
    "team_name": "Team",
    "territory_name": "Territory",
    "product_name": "Product",
    "stage_name": "Stage",
    "lead_rating": "Rating",
    "lead_source": "Source",
    "amount_rc": st.column_config.NumberColumn("Amount (USD)", format="dollar"),
    "probability": st.column_config.NumberColumn("Probability", format="%.0f%%"),
    "close_date": st.column_config.DateColumn("Close date"),
    "next_step": "Next step",
    "loss_reason": "Loss reason",
}


def show_table() -> None:
    page = load_page("pipeline_table")
    shown = page.rows[list(DEAL_COLUMNS)]
    table(
        shown,
        "pipeline_deals",
        "pipeline_deals",
        column_config=DEAL_COLUMNS,
        on_select="rerun",
        selection_mode="single-row",
    )
    pager("pipeline_table", page)
    selection = st.session_state.get("pipeline_deals_table")
    rows = selection["selection"]["rows"] if selection else []
    if rows and rows[0] < len(shown):
        chosen = shown.iloc[rows[0]]
        if st.button(
            f"Open {chosen['opportunity_name']}",
            key="pipeline_table_open",
            type="primary",
            icon=":material/open_in_new:",
        ):
            open_deal(int(chosen["opportunity_id"]))
    else:
        st.caption("Select a row to open the deal.")


GRID_READ_ONLY = ["opportunity_id", "account_name", "owner_name", "currency_code", "row_version"]
GRID_ORDER = [
    "opportunity_id",
    "opportunity_name",
    "account_name",
    "owner_name",
    "stage_name",
    "amount",
    "currency_code",
    "probability",
    "forecast_category",
    "expected_close_date",
    "lead_rating",
    "next_step",
    "loss_reason",
    "row_version",
]


def save_grid(grid: pd.DataFrame, editor_key: str) -> None:
    state = st.session_state.get(editor_key) or {}
    edits = pipeline.collect_grid_edits(grid, state.get("edited_rows", {}))
    if not edits:
        st.session_state[NOTICE] = ("info", "There are no changed cells to save.")
        return
    finish_bulk(pipeline.apply_bulk_edits(get_database(), viewer, edits))


def retry_stale(edits: list[pipeline.RowEdit]) -> None:
    finish_bulk(pipeline.apply_bulk_edits(get_database(), viewer, edits, on_current_version=True))


def finish_bulk(outcomes: list[pipeline.RowOutcome]) -> None:
    counts = pd.Series([item.outcome for item in outcomes]).value_counts()
    if counts.get("saved", 0):
        loaders.clear_caches()
    st.session_state["pipeline_bulk_outcome"] = pipeline.describe_outcomes(outcomes)
    st.session_state["pipeline_bulk_stale"] = [item.edit for item in outcomes if item.is_conflict]
    st.session_state["pipeline_bulk_round"] = st.session_state.get("pipeline_bulk_round", 0) + 1
    summary = ", ".join(
        f"{counts[kind]} {kind}" for kind in ("saved", "unchanged", "refused") if counts.get(kind)
    )
    st.session_state[NOTICE] = (
        "error" if counts.get("refused", 0) else "success",
        f"Bulk edit: {summary}. Each row was saved on its own; refused rows changed nothing.",
    )


def show_bulk() -> None:
    st.caption(
        "Edit cells, then save. Each changed row is saved on its own, at the version shown "
        "here: a refused row (bad value, or changed by someone else meanwhile) changes "
        "nothing, and the other rows are still saved."
    )
    page = load_page("pipeline_bulk")
    stage_names = loaders_pipeline.stages()
    stage_names = stage_names[stage_names["is_active"]]["stage_name"].tolist()
    grid = page.rows[GRID_ORDER].reset_index(drop=True)
    editor_key = f"pipeline_bulk_editor_{st.session_state.get('pipeline_bulk_round', 0)}"
    st.data_editor(
        grid,
        key=editor_key,
        hide_index=True,
        num_rows="fixed",
        disabled=GRID_READ_ONLY,
        column_order=GRID_ORDER,
        column_config={
            "opportunity_id": st.column_config.NumberColumn("Id", format="%d"),
            "opportunity_name": st.column_config.TextColumn("Deal"),
            "account_name": "Account",
            "owner_name": "Owner",
            "stage_name": st.column_config.SelectboxColumn("Stage", options=stage_names),
            "amount": st.column_config.NumberColumn("Amount", format="%.2f"),
            "currency_code": "Currency",
            "probability": st.column_config.NumberColumn("Probability %", format="%.0f"),
            "forecast_category": st.column_config.SelectboxColumn(
                "Forecast", options=list(deals.FORECAST_CATEGORIES)
            ),
            "expected_close_date": st.column_config.DateColumn(
                "Expected close", format="YYYY-MM-DD"
            ),
            "lead_rating": st.column_config.SelectboxColumn(
                "Rating", options=list(deals.LEAD_RATINGS)
            ),
            "next_step": st.column_config.TextColumn("Next step"),
            "loss_reason": st.column_config.TextColumn("Loss reason"),
            "row_version": st.column_config.NumberColumn("Version", format="%d"),
        },
    )
    pager("pipeline_bulk", page)
    st.button(
        "Save changes",
        key="pipeline_bulk_save",
        type="primary",
        icon=":material/save:",
        on_click=save_grid,
        args=(grid, editor_key),
    )
    outcome = st.session_state.get("pipeline_bulk_outcome")
    if outcome is not None:
        st.markdown("**Last save, row by row**")
        table(
            outcome.rename(
                columns={
                    "opportunity_id": "Id",
                    "deal": "Deal",
                    "outcome": "Outcome",
                    "reason": "Reason",
                    "changes": "Your changes",
                    "row_version": "Version now",
                }
            ),
            "pipeline_bulk_outcome",
            "bulk_edit_outcome",
        )
        stale = st.session_state.get("pipeline_bulk_stale") or []
        if stale:
            st.button(
                f"Re-apply the {len(stale)} stale row(s) on the current version",
                key="pipeline_bulk_retry",
                icon=":material/replay:",
                on_click=retry_stale,
                args=(stale,),
                help="Look at what changed meanwhile (in each row's reason) first.",
            )


def complete(ids: list[int]) -> None:
    def write(cur) -> int:
        for activity_id in ids:
            pipeline.complete_follow_up(cur, viewer, activity_id)
        return len(ids)

    run_write(
        NOTICE,
        write,
        lambda count: f"Marked {count} follow-up(s) done.",
        on_success=lambda _: st.session_state.update(pipeline_done_select=[]),
    )


def show_follow_ups() -> None:
    st.subheader("Overdue follow-ups")
    st.caption(
        f"Follow-up tasks not done and due before today ({today.isoformat()}), on "
        f"{scope_label(viewer)}, oldest first."
    )
    if overdue.empty:
        st.success("No follow-up is overdue.")
    else:
        shown = overdue[
            [
                "due_date",
                "days_overdue",
                "opportunity_name",
                "account_name",
                "owner_name",
                "team_name",
                "subject",
                "activity_id",
            ]
        ]
        table(
            shown,
            "pipeline_overdue",
            "overdue_follow_ups",
            column_config={
                "due_date": st.column_config.DateColumn("Due"),
                "days_overdue": st.column_config.NumberColumn("Days overdue"),
                "opportunity_name": "Deal",
                "account_name": "Account",
                "owner_name": "Owner",
                "team_name": "Team",
                "subject": "Task",
                "activity_id": st.column_config.NumberColumn("Task id", format="%d"),
            },
        )
        if overdue_count > len(overdue):
            st.caption(f"The {len(overdue):,} oldest of {overdue_count:,} are shown.")
        if writer:
            labels = {
                int(
                    row.activity_id
                ): f"{row.due_date:%Y-%m-%d} · {row.opportunity_name} · {row.subject}"
                for row in overdue.itertuples()
            }
            chosen = st.multiselect(
                "Follow-ups done",
                list(labels),
                format_func=labels.get,
                key="pipeline_done_select",
                placeholder="Pick the follow-ups that were done",
            )
            st.button(
                "Mark done",
                key="pipeline_done_button",
                icon=":material/task_alt:",
                disabled=not chosen,
                on_click=complete,
                args=(list(chosen),),
            )
    st.subheader("Customer feedback")
    summary = loaders_pipeline.feedback_summary(viewer)
    if summary.empty:
        st.info("No customer feedback yet. Record it on a won deal's page, under After-sales.")
        return
    responses = int(summary["responses"].sum())
    average = float(summary["score_total"].sum()) / responses
    left, right = st.columns(2)
    left.metric(
        "Average score", f"{average:.2f} / 5", delta=f"{responses:,} responses", delta_color="off"
    )
    right.metric("Low scores (1–2)", f"{int(summary['low_scores'].sum()):,}")
    st.plotly_chart(feedback_chart(summary), key="pipeline_feedback_chart")
    table(
        summary.drop(columns=["rep_id", "score_total"]),
        "pipeline_feedback",
        "customer_feedback_by_owner",
    )


def create(form_key: str) -> None:
    typed = typed_values(form_key)

    def created(saved: deals.SavedDeal) -> None:
        st.session_state["pipeline_new_round"] = st.session_state.get("pipeline_new_round", 0) + 1
        st.session_state["pipeline_created_id"] = saved.opportunity_id

    run_write(
        NOTICE,
        lambda cur: pipeline.save_new_deal(cur, viewer, typed),
        lambda saved: f"Created {typed['opportunity_name']} (deal {saved.opportunity_id}).",
        on_success=created,
    )


def show_new() -> None:
    created = st.session_state.get("pipeline_created_id")
    if created:
        if st.button("Open the deal just created", key="pipeline_open_created"):
            open_deal(created)
    search = st.text_input(
        "Find the account",
        key="pipeline_new_account_search",
        placeholder="Part of the account's name",
        help="The account list below shows up to 200 matches, your reps' accounts first.",
    )
    choices = deal_choices(viewer, search)
    form_key = f"pipeline_new_{st.session_state.get('pipeline_new_round', 0)}"
    with st.form(form_key):
        st.subheader("New deal")
        deal_inputs(
            form_key,
            {"expected_close_date": today + dt.timedelta(days=30), "owner_rep_id": viewer.rep_id},
            choices,
            viewer,
            is_new=True,
        )
        st.form_submit_button("Create deal", type="primary", on_click=create, args=(form_key,))


{
    "board": show_board,
    "table": show_table,
    "bulk": show_bulk,
    "follow_ups": show_follow_ups,
    "new": show_new,
}[view if view in VIEWS else "board"]()
