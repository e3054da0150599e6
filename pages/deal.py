"""Deal: one deal's details and stage actions, its edit form, its whole history as a table and
a chart, its activities, and after-sales follow-ups and customer feedback."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import pipeline
from dashboard.errors import NotFoundError
from dashboard.ui import loaders_pipeline
from dashboard.ui.charts_pipeline import deal_timeline_chart
from dashboard.ui.session import require_viewer
from dashboard.ui.widgets import money, table
from dashboard.ui.widgets_pipeline import (
    DealChoices,
    conflict_panel,
    deal_choices,
    deal_inputs,
    plain,
    rating_badge,
    run_write,
    saved_message,
    show_notice,
    typed_values,
)

db, viewer = require_viewer(__file__)
writer = pipeline.can_edit(viewer)
today = dt.date.today()

NOTICE = "deal_notice"
CONFLICT = "deal_conflict"
SELECTED = "deal_opportunity_id"

st.title("Deal")


def select(opportunity_id: int) -> None:
    st.session_state[SELECTED] = int(opportunity_id)
    st.query_params["id"] = str(int(opportunity_id))


asked = st.query_params.get("id")
if asked:
    try:
        st.session_state[SELECTED] = int(asked)
    except ValueError:
        st.query_params.clear()
chosen = st.session_state.get(SELECTED)

with st.expander("Find a deal", expanded=chosen is None, icon=":material/search:"):
    search = st.text_input(
        "Deal or account name contains", key="deal_search", placeholder="e.g. Atlas"
    )
    if search.strip():
        found = loaders_pipeline.deal_page(
            viewer, pipeline.PipelineFilter(search_text=search), "all", "updated", 1, 25
        ).rows
        if found.empty:
            st.info("No deal you can see matches.")
        else:
            labels = {
                int(row.opportunity_id): f"{row.opportunity_name} · {row.stage_name} · "
                f"{money(float(row.amount_rc))}"
                for row in found.itertuples()
            }
            pick = st.selectbox("Deal", list(labels), format_func=labels.get, key="deal_pick")
            st.button("Open", key="deal_pick_open", on_click=select, args=(pick,))

if chosen is None:
    st.info("Find a deal above, or open one from the Pipeline page.")
    st.stop()

try:
    deal = loaders_pipeline.deal(viewer, int(chosen))
except NotFoundError as error:
    st.error(str(error))
    st.stop()

deal_id = int(deal["opportunity_id"])
version = int(deal["row_version"])
name = str(deal["opportunity_name"])
is_open = not deal["is_won"] and not deal["is_lost"]

show_notice(NOTICE)
conflict_panel(CONFLICT, NOTICE, viewer)

st.subheader(name)
st.caption(
    plain(
        " · ".join(
            str(part)
            for part in (
                deal.get("account_name") or "no account",
                f"{deal['owner_name']} ({deal['team_name']})",
                deal.get("territory_name") or "no territory",
                deal.get("product_name") or "no product",
                f"created {deal['created_at']:%Y-%m-%d}",
                f"version {version}",
            )
        )
    )
)
st.markdown(
    " ".join(
        part
        for part in (
            f":blue-badge[{plain(deal['stage_name'])}]",
            rating_badge(deal["lead_rating"]),
            f":gray-badge[forecast: {plain(str(deal['forecast_category']).replace('_', ' '))}]",
        )
        if part
    )
)
figures = st.columns(4)
figures[0].metric(
    "Amount",
    money(float(deal["amount_rc"])),
    delta=None
    if deal["currency_code"] == "USD"
    else f"{float(deal['amount']):,.2f} {deal['currency_code']}",
    delta_color="off",
    delta_arrow="off",
)
figures[1].metric("Probability", f"{float(deal['probability']):.0f}%")
figures[2].metric("Weighted", money(float(deal["amount_rc"]) * float(deal["probability"]) / 100))
figures[3].metric(
    "Expected close",
    "—" if deal["expected_close_date"] is None else f"{deal['expected_close_date']:%Y-%m-%d}",
)
if deal["next_step"]:
    st.markdown(f"**Next step:** {plain(deal['next_step'])}")
if deal["is_won"]:
    st.success(f"Won on {deal['closed_at']:%Y-%m-%d}.")
elif deal["is_lost"]:
    st.warning(f"Lost on {deal['closed_at']:%Y-%m-%d}: {deal['loss_reason'] or 'no reason'}.")

# what the user sees now: the deal, the version their actions start from, and its name
target = (deal_id, version, name)


def advance(target: tuple[int, int, str], seen_stage_id: int, next_name: str) -> None:
    deal_id, version, name = target
    run_write(
        NOTICE,
        lambda cur: pipeline.advance_stage(cur, viewer, deal_id, version, seen_stage_id),
        lambda move: f"Moved {name} from {move.from_stage} to {move.to_stage}.",
        CONFLICT,
        {"opportunity_id": deal_id, "name": name, "labels": {"stage_id": next_name}},
    )


def win(target: tuple[int, int, str]) -> None:
    deal_id, version, name = target
    run_write(
        NOTICE,
        lambda cur: pipeline.mark_won(cur, viewer, deal_id, version),
        lambda saved: (
            f"{name} is won. Its after-sales follow-up is due in {pipeline.FOLLOW_UP_DAYS} days."
        ),
        CONFLICT,
        {"opportunity_id": deal_id, "name": name, "labels": {"stage_id": "Won"}},
    )


def lose(target: tuple[int, int, str], reason_key: str) -> None:
    deal_id, version, name = target
    reason = st.session_state.get(reason_key)
    run_write(
        NOTICE,
        lambda cur: pipeline.mark_lost(cur, viewer, deal_id, version, reason),
        lambda saved: f"{name} is lost ({reason}).",
        CONFLICT,
        {
            "opportunity_id": deal_id,
            "name": name,
            "labels": {"stage_id": "Lost", "loss_reason": reason or "(empty)"},
        },
    )


if writer and is_open:
    next_name = pipeline.following_stage(loaders_pipeline.stages(), int(deal["stage_order"]))
    actions = st.container(horizontal=True, vertical_alignment="bottom")
    if next_name:
        actions.button(
            f"Move to {next_name}",
            key="deal_next",
            type="primary",
            icon=":material/arrow_forward:",
            on_click=advance,
            args=(target, int(deal["stage_id"]), next_name),
        )
    actions.button(
        "Mark won", key="deal_won", icon=":material/emoji_events:", on_click=win, args=(target,)
    )
    with actions.popover("Mark lost", icon=":material/cancel:"):
        reason_key = f"deal_loss_reason_{deal_id}_v{version}"
        with st.form(f"deal_lost_form_{deal_id}_v{version}", border=False):
            st.selectbox(
                "Loss reason",
                loaders_pipeline.loss_reasons(viewer),
                index=None,
                accept_new_options=True,
                placeholder="Why was it lost?",
                key=reason_key,
            )
            st.form_submit_button("Mark lost", on_click=lose, args=(target, reason_key))


def save_edit(
    target: tuple[int, int, str], original: dict, prefix: str, choices: DealChoices
) -> None:
    deal_id, version, name = target
    changes = pipeline.diff_changes(original, typed_values(prefix))
    if not changes:
        st.session_state[NOTICE] = ("info", "Nothing changed, so nothing was saved.")
        return
    labels = {field: choices.label(field, value) for field, value in changes.items()}
    run_write(
        NOTICE,
        lambda cur: pipeline.save_deal_changes(cur, viewer, deal_id, version, changes),
        saved_message(name),
        CONFLICT,
        {"opportunity_id": deal_id, "name": name, "labels": labels},
    )


def show_edit() -> None:
    search = st.text_input(
        "Find another account",
        key=f"deal_account_search_{deal_id}",
        placeholder="Part of the account's name",
    )
    choices = deal_choices(viewer, search, deal)
    prefix = f"deal_edit_{deal_id}_v{version}"
    with st.form(prefix):
        deal_inputs(prefix, deal, choices, viewer, is_new=False)
        st.form_submit_button(
            "Save changes",
            type="primary",
            icon=":material/save:",
            on_click=save_edit,
            args=(target, dict(deal), prefix, choices),
        )
    st.caption(
        "Every change is kept in the deal's history. If someone changes the deal while you "
        "edit it, your edit is not saved over theirs: you see what changed and can re-apply it."
    )


def show_history() -> None:
    events = loaders_pipeline.timeline(viewer, deal_id)
    st.plotly_chart(deal_timeline_chart(events, dt.datetime.now()), key="deal_timeline_chart")
    shown = events[
        [
            "occurred_at",
            "changed_by",
            "event_type",
            "field_name",
            "old_value",
            "new_value",
            "stage_name",
            "amount_rc",
            "probability",
            "expected_close_date",
            "row_version",
        ]
    ]
    table(
        shown,
        "deal_events",
        f"deal_{deal_id}_history",
        column_config={
            "occurred_at": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm"),
            "changed_by": "Who",
            "event_type": "Event",
            "field_name": "Field",
            "old_value": "Before",
            "new_value": "After",
            "stage_name": "Stage after",
            "amount_rc": st.column_config.NumberColumn("Amount after (USD)", format="dollar"),
            "probability": st.column_config.NumberColumn("Probability after", format="%.0f%%"),
            "expected_close_date": st.column_config.DateColumn("Close date after"),
            "row_version": st.column_config.NumberColumn("Version", format="%d"),
        },
    )


def log(deal_id: int, name: str, prefix: str) -> None:
    state = st.session_state
    when = dt.datetime.combine(state[f"{prefix}_date"], state[f"{prefix}_time"] or dt.time())
    run_write(
        NOTICE,
        lambda cur: pipeline.log_activity(
            cur,
            viewer,
            deal_id,
            state[f"{prefix}_type"],
            when,
            state[f"{prefix}_subject"],
            state[f"{prefix}_notes"],
        ),
        lambda activity_id: (
            f"Logged a {pipeline.ACTIVITY_LABELS[state[f'{prefix}_type']].lower()} on {name}."
        ),
        on_success=lambda _: bump("deal_activity_round"),
    )


def bump(key: str) -> None:
    st.session_state[key] = st.session_state.get(key, 0) + 1


ACTIVITY_COLUMNS = {
    "occurred_at": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm"),
    "activity_type": "Type",
    "subject": "Subject",
    "notes": "Notes",
    "due_date": st.column_config.DateColumn("Due"),
    "is_done": st.column_config.CheckboxColumn("Done"),
    "done_at": st.column_config.DatetimeColumn("Done at", format="YYYY-MM-DD HH:mm"),
    "done_by_name": "Done by",
    "rep_name": "Rep",
    "logged_by_name": "Logged by",
}


def show_activities(activities: pd.DataFrame) -> None:
    if activities.empty:
        st.info("No activity on this deal yet.")
    else:
        table(
            activities[list(ACTIVITY_COLUMNS)],
            "deal_activities",
            f"deal_{deal_id}_activities",
            column_config=ACTIVITY_COLUMNS,
        )
    if not writer:
        return
    prefix = f"deal_activity_{deal_id}_{st.session_state.get('deal_activity_round', 0)}"
    with st.form(prefix):
        st.markdown("**Log an activity**")
        left, middle, right = st.columns(3)
        left.selectbox(
            "Type",
            list(pipeline.ACTIVITY_TYPES),
            format_func=pipeline.ACTIVITY_LABELS.get,
            key=f"{prefix}_type",
        )
        middle.date_input("Date", value=today, format="YYYY-MM-DD", key=f"{prefix}_date")
        right.time_input("Time", value=dt.time(dt.datetime.now().hour), key=f"{prefix}_time")
        st.text_input("Subject", key=f"{prefix}_subject", placeholder="e.g. Pricing call")
        st.text_area("Notes", key=f"{prefix}_notes", height=80)
        st.form_submit_button("Log activity", on_click=log, args=(deal_id, name, prefix))


def complete(activity_id: int) -> None:
    run_write(
        NOTICE,
        lambda cur: pipeline.complete_follow_up(cur, viewer, activity_id),
        lambda _: "Follow-up marked done.",
    )


def schedule(deal_id: int, prefix: str) -> None:
    state = st.session_state
    run_write(
        NOTICE,
        lambda cur: pipeline.schedule_follow_up(
            cur,
            viewer,
            deal_id,
            state[f"{prefix}_due"],
            state[f"{prefix}_subject"],
            state[f"{prefix}_notes"],
        ),
        lambda _: f"Follow-up scheduled for {state[f'{prefix}_due']}.",
        on_success=lambda _: bump("deal_follow_up_round"),
    )


def give_feedback(deal_id: int, prefix: str) -> None:
    state = st.session_state
    run_write(
        NOTICE,
        lambda cur: pipeline.record_feedback(
            cur, viewer, deal_id, state[f"{prefix}_score"], state[f"{prefix}_comment"]
        ),
        lambda _: f"Recorded the customer's feedback ({state[f'{prefix}_score']} of 5).",
        on_success=lambda _: bump("deal_feedback_round"),
    )


def show_after_sales(activities: pd.DataFrame) -> None:
    st.markdown("**Follow-up tasks**")
    tasks = activities[activities["activity_type"] == "follow_up"]
    if tasks.empty:
        st.caption(
            f"No follow-up yet. Winning a deal schedules one {pipeline.FOLLOW_UP_DAYS} days later."
        )
    for task in tasks.itertuples():
        due = None if pd.isna(task.due_date) else pd.Timestamp(task.due_date).date()
        with st.container(border=True, horizontal=True, vertical_alignment="center"):
            state = (
                f"done {pd.Timestamp(task.done_at):%Y-%m-%d}"
                if task.is_done and not pd.isna(task.done_at)
                else "done"
                if task.is_done
                else "overdue"
                if due is not None and due < today
                else "open"
            )
            st.markdown(plain(f"{task.subject or 'Follow-up'} · due {due or '—'} · {state}"))
            if writer and not task.is_done:
                st.button(
                    "Mark done",
                    key=f"deal_done_{task.activity_id}",
                    on_click=complete,
                    args=(int(task.activity_id),),
                )
    if writer:
        prefix = f"deal_follow_up_{deal_id}_{st.session_state.get('deal_follow_up_round', 0)}"
        with st.form(prefix):
            st.markdown("**Schedule a follow-up**")
            left, right = st.columns([1, 2])
            left.date_input(
                "Due",
                value=today + dt.timedelta(days=pipeline.FOLLOW_UP_DAYS),
                format="YYYY-MM-DD",
                key=f"{prefix}_due",
            )
            right.text_input(
                "Subject", key=f"{prefix}_subject", placeholder="e.g. Check the installation"
            )
            st.text_area("Notes", key=f"{prefix}_notes", height=68)
            st.form_submit_button("Schedule follow-up", on_click=schedule, args=(deal_id, prefix))

    st.markdown("**Customer feedback**")
    feedback = loaders_pipeline.feedback(viewer, deal_id)
    if not feedback.empty:
        st.metric(
            "Average score",
            f"{feedback['score'].mean():.1f} / 5",
            delta=f"{len(feedback)} responses",
            delta_color="off",
        )
        table(
            feedback.drop(columns=["feedback_id"]),
            "deal_feedback",
            f"deal_{deal_id}_feedback",
            column_config={
                "received_at": st.column_config.DatetimeColumn("Received", format="YYYY-MM-DD"),
                "score": "Score",
                "comment": "Comment",
                "entered_by": "Entered by",
            },
        )
    if not deal["is_won"]:
        st.caption("Customer feedback is recorded once the deal is won.")
    elif writer:
        prefix = f"deal_feedback_{deal_id}_{st.session_state.get('deal_feedback_round', 0)}"
        with st.form(prefix):
            st.radio(
                "Score (1 poor – 5 excellent)",
                list(pipeline.FEEDBACK_SCORES),
                index=None,
                horizontal=True,
                key=f"{prefix}_score",
            )
            st.text_area("What the customer said", key=f"{prefix}_comment", height=68)
            st.form_submit_button("Record feedback", on_click=give_feedback, args=(deal_id, prefix))


activities = loaders_pipeline.activities(viewer, deal_id)
tab_names = (["Edit"] if writer else []) + ["History", "Activities", "After-sales"]
tabs = dict(zip(tab_names, st.tabs(tab_names), strict=True))
if writer:
    with tabs["Edit"]:
        show_edit()
with tabs["History"]:
    show_history()
with tabs["Activities"]:
    show_activities(activities)
with tabs["After-sales"]:
    show_after_sales(activities)
