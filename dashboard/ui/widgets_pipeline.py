"""Page pieces the Pipeline and Deal pages share: filters, the deal form, writes with their
messages, and the panel that shows a stale edit with what changed meanwhile."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from dashboard import auth, deals, pipeline
from dashboard.errors import DomainError
from dashboard.ui import loaders, loaders_pipeline
from dashboard.ui.session import get_database
from dashboard.ui.widgets import deal_filters, table

RATING_COLOURS = {"hot": "red", "warm": "orange", "cold": "blue"}
# the deal form's inputs, in the order they are laid out
FORM_FIELDS = (
    "opportunity_name",
    "account_id",
    "owner_rep_id",
    "product_id",
    "territory_id",
    "stage_id",
    "amount",
    "currency_code",
    "discount_pct",
    "probability",
    "forecast_category",
    "expected_close_date",
    "lead_rating",
    "lead_source",
    "next_step",
    "loss_reason",
    "is_recurring",
)
_MARKDOWN_SPECIALS = "\\`*_{}[]()#+-.!|$<>~"


def plain(text: Any) -> str:
    """Text shown as it is inside markdown (no formatting, no maths from '$')."""
    return "".join("\\" + char if char in _MARKDOWN_SPECIALS else char for char in str(text))


def scope_label(viewer: auth.Viewer) -> str:
    return {"rep": "your deals", "team": "your team's deals", "all": "every deal"}[
        viewer.scope_kind
    ]


# --- messages and writes ---------------------------------------------------------------------


def show_notice(key: str) -> None:
    """The outcome of the last write on this page (shown once)."""
    notice = st.session_state.pop(key, None)
    if notice is None:
        return
    kind, message = notice
    # a '$' in a deal's name must not start maths in the message
    {"success": st.success, "error": st.error, "info": st.info}[kind](message.replace("$", "\\$"))


def run_write(
    notice_key: str,
    write: Callable[[duckdb.DuckDBPyConnection], Any],
    describe: Callable[[Any], str],
    conflict_key: str | None = None,
    context: Mapping[str, Any] | None = None,
    on_success: Callable[[Any], None] | None = None,
) -> bool:
    """Run one write in a transaction and remember its outcome for the page: a success
    message (and fresh figures on every page), the error, or a stale edit with what changed
    meanwhile and the user's own changes (under `conflict_key`, with `context`)."""
    try:
        with get_database().transaction() as cur:
            result = write(cur)
    except pipeline.StaleEditError as error:
        if conflict_key is None:
            st.session_state[notice_key] = ("error", str(error))
        else:
            st.session_state[conflict_key] = {
                **(context or {}),
                "message": str(error),
                "changes": error.changes,
                "pending": error.pending,
            }
        return False
    except DomainError as error:
        st.session_state[notice_key] = ("error", str(error))
        return False
    loaders.clear_caches()
    st.session_state[notice_key] = ("success", describe(result))
    if on_success is not None:
        on_success(result)
    return True


def saved_message(name: str) -> Callable[[deals.SavedDeal], str]:
    def describe(saved: deals.SavedDeal) -> str:
        if not saved.events:
            return f"Nothing to change on {name}."
        return f"Saved {name} (version {saved.row_version})."

    return describe


def _reapply(conflict_key: str, notice_key: str, viewer: auth.Viewer) -> None:
    conflict = st.session_state.get(conflict_key)
    if not conflict:
        return
    done = run_write(
        notice_key,
        lambda cur: pipeline.reapply_changes(
            cur, viewer, conflict["opportunity_id"], conflict["pending"]
        ),
        saved_message(conflict["name"]),
        conflict_key,
        {key: conflict[key] for key in ("opportunity_id", "name", "labels")},
    )
    if done:
        st.session_state.pop(conflict_key, None)


def _discard(conflict_key: str, notice_key: str) -> None:
    conflict = st.session_state.pop(conflict_key, None)
    if conflict:
        st.session_state[notice_key] = ("info", f"Your edit of {conflict['name']} was discarded.")


def conflict_panel(conflict_key: str, notice_key: str, viewer: auth.Viewer) -> None:
    """A stale edit: the message, what changed meanwhile, the user's edit (kept), and the
    choice to re-apply it on the current version or to discard it."""
    conflict = st.session_state.get(conflict_key)
    if not conflict:
        return
    with st.container(border=True, key=f"{conflict_key}_panel"):
        st.error(f"{conflict['name']}: {conflict['message']}".replace("$", "\\$"))
        left, right = st.columns(2)
        with left:
            st.markdown("**What changed since you opened it**")
            changes = conflict["changes"][
                ["occurred_at", "changed_by", "field_name", "old_value", "new_value"]
            ].rename(
                columns={
                    "occurred_at": "When",
                    "changed_by": "Who",
                    "field_name": "Field",
                    "old_value": "Before",
                    "new_value": "After",
                }
            )
            table(changes, f"{conflict_key}_changes", "changed_meanwhile")
        with right:
            st.markdown("**Your edit, not saved yet**")
            labels = conflict.get("labels") or {}
            yours = pd.DataFrame(
                {
                    "Field": [
                        pipeline.FIELD_LABELS.get(name, name) for name in conflict["pending"]
                    ],
                    "Your value": [
                        str(labels.get(name, "" if value is None else value))
                        for name, value in conflict["pending"].items()
                    ],
                }
            )
            table(yours, f"{conflict_key}_yours", "your_edit")
        buttons = st.container(horizontal=True)
        buttons.button(
            "Re-apply my edit on the current version",
            key=f"{conflict_key}_reapply",
            type="primary",
            icon=":material/replay:",
            on_click=_reapply,
            args=(conflict_key, notice_key, viewer),
        )
        buttons.button(
            "Discard my edit",
            key=f"{conflict_key}_discard",
            on_click=_discard,
            args=(conflict_key, notice_key),
        )


# --- filters ---------------------------------------------------------------------------------


def pipeline_filters(key: str, viewer: auth.Viewer) -> pipeline.PipelineFilter:
    """Sidebar filters: team, territory, product, owner, lead rating and source, close dates,
    and a search on deal or account name."""
    search = st.sidebar.text_input(
        "Search deal or account name", key=f"{key}_search", placeholder="e.g. Atlas"
    )
    base = deal_filters(key, viewer)
    owner = None
    if viewer.scope_kind != "rep":
        options = loaders.filter_options(viewer)
        reps = {int(row.id): str(row.label) for row in options[options.kind == "rep"].itertuples()}
        owner = st.sidebar.selectbox(
            "Owner",
            [None, *reps],
            format_func=lambda value: "All" if value is None else reps[value],
            key=f"{key}_owner",
        )
    ratings = st.sidebar.multiselect(
        "Lead rating", list(deals.LEAD_RATINGS), key=f"{key}_ratings", placeholder="All"
    )
    sources = st.sidebar.multiselect(
        "Lead source",
        loaders_pipeline.lead_sources(viewer),
        key=f"{key}_sources",
        placeholder="All",
    )
    dates = st.sidebar.date_input(
        "Close date from – to",
        value=(),
        key=f"{key}_close",
        format="YYYY-MM-DD",
        help="Open deals: the expected close date. Closed deals: the day they closed.",
    )
    dates = tuple(dates) if isinstance(dates, list | tuple) else (dates,) if dates else ()
    return pipeline.PipelineFilter(
        team_id=base.team_id,
        territory_id=base.territory_id,
        product_id=base.product_id,
        owner_rep_id=owner,
        lead_ratings=tuple(ratings),
        lead_sources=tuple(sources),
        close_from=dates[0] if dates else None,
        close_to=dates[1] if len(dates) > 1 else None,
        search_text=search.strip() or None,
    )


# --- the deal form ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DealChoices:
    """What the deal form offers in its select boxes (id -> label)."""

    stages: dict[int, str]
    reps: dict[int, str]
    accounts: dict[int, str]
    products: dict[int, str]
    territories: dict[int, str]
    currencies: list[str]
    lead_sources: list[str]
    loss_reasons: list[str]

    def label(self, name: str, value: Any) -> str:
        """A typed value as the form shows it."""
        lists = {
            "stage_id": self.stages,
            "owner_rep_id": self.reps,
            "account_id": self.accounts,
            "product_id": self.products,
            "territory_id": self.territories,
        }
        if value is None:
            return "(empty)"
        if name in lists:
            return lists[name].get(int(value), str(value)).strip()
        return str(value)


def deal_choices(
    viewer: auth.Viewer, account_search: str, current: Mapping[str, Any] | None = None
) -> DealChoices:
    """The select-box options of the deal form (the current deal's own values included)."""
    current = current or {}
    options = loaders.filter_options(viewer)

    def of(kind: str) -> dict[int, str]:
        rows = options[options.kind == kind]
        return {
            int(row.id): "\u2003" * int(row.depth) + str(row.label) for row in rows.itertuples()
        }

    stages = loaders_pipeline.stages()
    active = stages[stages.is_active]
    reps = of("rep")
    if current.get("owner_rep_id") is not None:
        reps.setdefault(int(current["owner_rep_id"]), str(current.get("owner_name")))
    accounts = {}
    if current.get("account_id") is not None:
        accounts[int(current["account_id"])] = str(current.get("account_name"))
    for row in loaders_pipeline.accounts(viewer, account_search).itertuples():
        accounts.setdefault(int(row.account_id), str(row.account_name))
    currencies = loaders_pipeline.currencies()
    if current.get("currency_code") and current["currency_code"] not in currencies:
        currencies = [*currencies, current["currency_code"]]
    return DealChoices(
        stages={int(row.stage_id): str(row.stage_name) for row in active.itertuples()},
        reps=reps,
        accounts=accounts,
        products=of("product"),
        territories=of("territory"),
        currencies=currencies,
        lead_sources=loaders_pipeline.lead_sources(viewer),
        loss_reasons=loaders_pipeline.loss_reasons(viewer),
    )


def _pick(
    label: str,
    choices: Mapping[int, str],
    value: Any,
    key: str,
    optional: bool = True,
    empty: str = "—",
    **extra: Any,
) -> None:
    options = ([None] if optional else []) + list(choices)
    index = options.index(int(value)) if value is not None and int(value) in choices else 0
    st.selectbox(
        label,
        options,
        index=index,
        format_func=lambda option: empty if option is None else choices[option],
        key=key,
        **extra,
    )


def _choose_text(
    label: str, options: list[str], value: Any, key: str, empty: str = "—", **extra: Any
) -> None:
    listed = [None, *options]
    if value and value not in listed:
        listed.append(value)
    st.selectbox(
        label,
        listed,
        index=listed.index(value) if value in listed else 0,
        format_func=lambda option: empty if option is None else option,
        accept_new_options=True,
        key=key,
        **extra,
    )


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def deal_inputs(
    prefix: str,
    values: Mapping[str, Any],
    choices: DealChoices,
    viewer: auth.Viewer,
    is_new: bool,
) -> None:
    """The deal form's inputs (inside an st.form), keyed f'{prefix}_<field>'."""
    left, middle, right = st.columns(3)
    with left:
        st.text_input(
            "Deal name",
            value=values.get("opportunity_name") or "",
            key=f"{prefix}_opportunity_name",
        )
        _pick("Account", choices.accounts, values.get("account_id"), f"{prefix}_account_id")
        _pick(
            "Owner",
            choices.reps,
            values.get("owner_rep_id") or viewer.rep_id,
            f"{prefix}_owner_rep_id",
            optional=False,
            disabled=viewer.scope_kind == "rep",
        )
        _pick("Product", choices.products, values.get("product_id"), f"{prefix}_product_id")
        _pick(
            "Territory",
            choices.territories,
            values.get("territory_id"),
            f"{prefix}_territory_id",
            empty="— (the account's territory)" if is_new else "—",
        )
    with middle:
        _pick(
            "Stage",
            choices.stages,
            values.get("stage_id") or next(iter(choices.stages)),
            f"{prefix}_stage_id",
            optional=False,
        )
        st.number_input(
            "Amount",
            value=_number(values.get("amount")) or 0.0,
            step=100.0,
            format="%.2f",
            key=f"{prefix}_amount",
        )
        currency = values.get("currency_code") or choices.currencies[0]
        st.selectbox(
            "Currency",
            choices.currencies,
            index=choices.currencies.index(currency) if currency in choices.currencies else 0,
            key=f"{prefix}_currency_code",
        )
        st.number_input(
            "Discount %",
            value=_number(values.get("discount_pct")) or 0.0,
            step=1.0,
            format="%.2f",
            key=f"{prefix}_discount_pct",
        )
        st.number_input(
            "Probability %",
            value=None if is_new else _number(values.get("probability")),
            step=5.0,
            format="%.2f",
            placeholder="the stage's default",
            key=f"{prefix}_probability",
            help="Left empty, a deal takes its stage's probability; a stage change resets it "
            "unless you change it too.",
        )
        categories = (
            [None, *deals.FORECAST_CATEGORIES] if is_new else list(deals.FORECAST_CATEGORIES)
        )
        current = values.get("forecast_category")
        st.selectbox(
            "Forecast category",
            categories,
            index=categories.index(current) if current in categories else 0,
            format_func=lambda option: (
                "the stage's default" if option is None else option.replace("_", " ")
            ),
            key=f"{prefix}_forecast_category",
        )
    with right:
        close = values.get("expected_close_date")
        st.date_input(
            "Expected close date",
            value=close.date() if isinstance(close, dt.datetime) else close,
            format="YYYY-MM-DD",
            key=f"{prefix}_expected_close_date",
        )
        ratings = [None, *deals.LEAD_RATINGS]
        st.selectbox(
            "Lead rating",
            ratings,
            index=ratings.index(values.get("lead_rating"))
            if values.get("lead_rating") in ratings
            else 0,
            format_func=lambda option: "—" if option is None else option,
            key=f"{prefix}_lead_rating",
        )
        _choose_text(
            "Lead source", choices.lead_sources, values.get("lead_source"), f"{prefix}_lead_source"
        )
        st.text_input("Next step", value=values.get("next_step") or "", key=f"{prefix}_next_step")
        _choose_text(
            "Loss reason",
            choices.loss_reasons,
            values.get("loss_reason"),
            f"{prefix}_loss_reason",
            help="Needed when the stage is Lost.",
        )
        st.checkbox(
            "Recurring revenue",
            value=bool(values.get("is_recurring")),
            key=f"{prefix}_is_recurring",
        )


def typed_values(prefix: str) -> dict[str, Any]:
    """What the user typed into the deal form keyed by `prefix`."""
    return {name: st.session_state.get(f"{prefix}_{name}") for name in FORM_FIELDS}


def rating_badge(rating: Any) -> str:
    """A deal's lead rating as a coloured markdown badge ('' when it has none)."""
    if not isinstance(rating, str) or not rating:
        return ""
    return f":{RATING_COLOURS.get(rating, 'gray')}-badge[{plain(rating)}]"
