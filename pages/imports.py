"""Imports: upload CSV/XLSX exports, check the detected mapping, preview, load, undo."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard.errors import DomainError
from dashboard.importing import batches, max_upload_bytes, planning
from dashboard.importing.fields import FIELDS, KIND_LABELS, KINDS
from dashboard.importing.loading import DuplicateFile
from dashboard.importing.mapping import DEFAULT_REP_TEAM, delete_profile, save_profile
from dashboard.importing.sources import FAMILIES
from dashboard.importing.values import DATE_ORDER_LABELS
from dashboard.ui import loaders, loaders_imports
from dashboard.ui.charts_imports import loaded_deals_chart, loaded_orders_chart, row_status_chart
from dashboard.ui.session import require_viewer
from dashboard.ui.widgets import table

db, viewer = require_viewer(__file__)

NOT_LOADED = "(not loaded)"
NOT_MAPPED = "(not mapped: reject its rows)"
CREATE_REP = "(not a rep yet)"
SHOWN_ROWS = 2000
FAMILY_LABELS = {
    "auto": "Detect",
    "salesforce": "Salesforce",
    "hubspot": "HubSpot",
    "pipedrive": "Pipedrive",
    "generic": "Other deal, account or people table",
    "orders": "Orders / returns (ERP)",
}

st.title("Imports")
st.caption(
    "Load exports from Salesforce, HubSpot, Pipedrive, spreadsheets and order systems. Each "
    "file becomes a batch you can undo; a later export of the same pipeline records what "
    "changed as deal history."
)
flash = st.session_state.pop("imports_flash", None)
if flash:
    st.success(flash)


def finish(message: str) -> None:
    """After a write: refresh cached figures everywhere and say what happened."""
    loaders.clear_caches()
    st.session_state["imports_flash"] = message
    st.rerun()


def upload_tab() -> None:
    round_ = st.session_state.setdefault("imports_round", 0)
    left, right = st.columns([3, 1])
    uploaded = left.file_uploader(
        "CSV or XLSX files",
        type=["csv", "txt", "tsv", "xlsx"],
        accept_multiple_files=True,
        key=f"imports_files_{round_}",
        max_upload_size=max(1, max_upload_bytes() // (1024 * 1024)),
        help="Several files at once load together, in the order their records depend on.",
    )
    family = right.selectbox(
        "Comes from", FAMILIES, format_func=FAMILY_LABELS.get, key="imports_family"
    )
    if not uploaded:
        st.info("Upload one or more exports. Nothing is loaded before you have seen the preview.")
        return
    files = [(file.name, file.getvalue()) for file in uploaded]
    signature = (family, tuple((name, len(data), hash(data)) for name, data in files))
    if st.session_state.get("imports_signature") != signature:
        plans, refused = [], []
        with db.reading() as cur:
            for name, data in files:
                try:
                    plans.extend(planning.plan_file(cur, viewer, name, data, family))
                except DomainError as error:
                    refused.append(str(error))
        st.session_state["imports_signature"] = signature
        st.session_state["imports_plans"] = plans
        st.session_state["imports_refused"] = refused
        st.session_state.pop("imports_preview", None)
    for reason in st.session_state["imports_refused"]:
        st.error(f"Refused: {reason} Nothing from this file will be loaded.")
    duplicate = st.session_state.pop("imports_duplicate", None)
    if duplicate:
        st.error(duplicate)
    plans: list[planning.FilePlan] = st.session_state["imports_plans"]
    for index, plan in enumerate(plans):
        with st.container(border=True):
            mapping_editor(index, plan)
    ready = [plan for plan in plans if plan.refusal is None and not unanswered(plan)]
    if not ready:
        return
    preview_and_load(ready)


def unanswered(plan: planning.FilePlan) -> bool:
    return bool(plan.ambiguous) and plan.mapping is not None and plan.mapping.date_order is None


def mapping_editor(index: int, plan: planning.FilePlan) -> None:
    key = f"imports_{index}_{plan.table.sha256[:8]}_{plan.table.sheet or ''}"
    st.subheader(plan.table.label)
    st.caption(
        f"Looks like: **{plan.detection.label}** · {plan.table.row_count:,} rows · "
        f"{len(plan.table.headers)} columns"
        + (f" · {plan.table.encoding}" if plan.table.encoding else "")
    )
    for note in plan.table.notes:
        st.caption(f"ℹ️ {note}")
    if plan.table.bad_rows:
        st.warning(
            f"{len(plan.table.bad_rows)} row(s) have the wrong number of fields; they will be "
            "rejected with the reason."
        )
    if plan.earlier:
        first = plan.earlier[0]
        st.warning(
            f"This file was loaded before as batch {first['batch_id']} on "
            f"{first['created_at']:%Y-%m-%d %H:%M}. Load it again only if you mean to."
        )
    if plan.detection.refuse:
        st.error(plan.detection.refuse)
        return
    current = plan.mapping.kind if plan.mapping else None
    kind = st.selectbox(
        "The rows are",
        KINDS,
        index=KINDS.index(current) if current else None,
        format_func=KIND_LABELS.get,
        key=f"{key}_kind",
        placeholder="Choose what the file holds",
    )
    if kind is None:
        st.info("The layout is unknown: choose what the rows are, then map the columns.")
        return
    if plan.mapping is None or plan.mapping.kind != kind:
        plan.mapping = planning.mapping_for(plan, kind)
        planning.refresh_formats(plan)
    mapping = plan.mapping
    labels = {item.name: item.label for item in FIELDS[kind]}
    by_label = {label: name for name, label in labels.items()}
    described = plan.describe()
    described["loads into"] = [
        labels.get(mapping.columns.get(header, ""), NOT_LOADED) for header in described["column"]
    ]
    edited = st.data_editor(
        described,
        hide_index=True,
        disabled=["column", "detected type", "filled", "example"],
        column_config={
            "loads into": st.column_config.SelectboxColumn(
                "Loads into", options=[NOT_LOADED, *labels.values()], required=True
            ),
            "filled": st.column_config.NumberColumn("Filled rows", format="localized"),
        },
        key=f"{key}_columns",
        width="stretch",
    )
    columns = {
        header: by_label.get(target, "")
        for header, target in zip(edited["column"], edited["loads into"], strict=True)
    }
    if columns != mapping.columns:
        mapping.columns = columns
        planning.refresh_formats(plan)
    left, middle, right = st.columns(3)
    mapping.source_system = left.text_input(
        "Source system",
        value=mapping.source_system,
        key=f"{key}_system",
        help="Records are matched to earlier imports by this name and their id in the file.",
    ).strip()
    as_of = middle.date_input(
        "Export taken on",
        value=None,
        key=f"{key}_as_of",
        help="Changes found in this export are dated then (default: now).",
        format="YYYY-MM-DD",
    )
    mapping.as_of = dt.datetime.combine(as_of, dt.time(23, 59)) if as_of else None
    if plan.ambiguous:
        examples = ", ".join(
            f"{header} (e.g. {example})" for header, example in plan.ambiguous.items()
        )
        choice = right.radio(
            "Dates are written as",
            ["dmy", "mdy"],
            index=None,
            format_func=DATE_ORDER_LABELS.get,
            key=f"{key}_dates",
        )
        mapping.date_order = choice
        if choice is None:
            st.warning(
                f"The dates in {examples} read both as day/month and as month/day. Say which "
                "it is before the preview."
            )
    if kind in ("deals", "accounts"):
        value_maps(key, plan)
    if kind == "deals":
        options = st.columns(3)
        mapping.create_accounts = options[0].checkbox(
            "Create missing accounts", value=mapping.create_accounts, key=f"{key}_accounts"
        )
        mapping.create_products = options[1].checkbox(
            "Create missing products", value=mapping.create_products, key=f"{key}_products"
        )
    if kind in ("deals", "reps"):
        reps_options(key, plan)
    problem = plan.refusal
    if problem:
        st.error(problem)
    with st.popover("Save this mapping as a profile", icon=":material/bookmark_add:"):
        name = st.text_input("Profile name", value=mapping.profile_name or "", key=f"{key}_profile")
        if st.button("Save profile", key=f"{key}_save_profile"):
            try:
                with db.transaction() as cur:
                    save_profile(cur, viewer, name, plan.table.headers, mapping)
            except DomainError as error:
                st.error(str(error))
            else:
                loaders.clear_caches()
                st.success(f"Saved. Files with these columns will be mapped as “{name.strip()}”.")


def value_maps(key: str, plan: planning.FilePlan) -> None:
    mapping = plan.mapping
    with db.reading() as cur:
        stages = planning.stage_choices(cur, plan)
        owners = planning.owner_choices(cur, plan)
    if not stages.empty:
        options = loaders_imports.stage_options()
        names = {int(row.stage_id): row.stage_name for row in options.itertuples()}
        ids = {name: stage_id for stage_id, name in names.items()}
        stages["workspace stage"] = [
            names.get(value, NOT_MAPPED) if pd.notna(value) else NOT_MAPPED
            for value in stages["stage_id"]
        ]
        if stages["probability"].isna().all():
            stages = stages.drop(columns=["probability"])
        st.markdown("**Stages** — what each source stage means here (won and lost count as closed)")
        edited = st.data_editor(
            stages.drop(columns=["stage_id"]),
            hide_index=True,
            disabled=[name for name in ("source stage", "rows", "probability") if name in stages],
            column_config={
                "workspace stage": st.column_config.SelectboxColumn(
                    options=[*names.values(), NOT_MAPPED], required=True
                ),
                "probability": st.column_config.NumberColumn("Typical probability %"),
            },
            key=f"{key}_stages",
            width="stretch",
        )
        mapping.stage_map = {
            source: ids.get(target)
            for source, target in zip(
                edited["source stage"], edited["workspace stage"], strict=True
            )
        }
    if not owners.empty:
        reps = loaders_imports.rep_options()
        labels = {
            int(row.rep_id): f"{row.full_name} ({row.team_name})" for row in reps.itertuples()
        }
        ids = {label: rep_id for rep_id, label in labels.items()}
        owners["rep"] = [
            labels.get(int(value), CREATE_REP) if pd.notna(value) else CREATE_REP
            for value in owners["rep_id"]
        ]
        st.markdown("**Owners** — which rep each owner in the file is")
        edited = st.data_editor(
            owners.drop(columns=["rep_id"]),
            hide_index=True,
            disabled=["source owner", "rows"],
            column_config={
                "rep": st.column_config.SelectboxColumn(
                    options=[*labels.values(), CREATE_REP], required=True
                )
            },
            key=f"{key}_owners",
            width="stretch",
        )
        mapping.owner_map = {
            source: ids.get(target)
            for source, target in zip(edited["source owner"], edited["rep"], strict=True)
        }


def reps_options(key: str, plan: planning.FilePlan) -> None:
    mapping = plan.mapping
    left, right = st.columns(2)
    if mapping.kind == "deals":
        mapping.create_reps = left.checkbox(
            "Create missing reps",
            value=mapping.create_reps,
            key=f"{key}_create_reps",
            help="Owners not matched to a rep become new reps; otherwise their rows are rejected.",
        )
    teams = loaders_imports.team_options()
    names = list(dict.fromkeys([DEFAULT_REP_TEAM, *teams["team_name"].tolist()]))
    mapping.rep_team = right.selectbox(
        "New reps join the team",
        names,
        index=names.index(mapping.rep_team) if mapping.rep_team in names else 0,
        key=f"{key}_team",
        help="Created under the company when it does not exist yet.",
    )


def preview_and_load(plans: list[planning.FilePlan]) -> None:
    fingerprint = tuple(plan.mapping.to_json() for plan in plans)
    stored = st.session_state.get("imports_preview")
    if st.button(
        "Preview", type="secondary", key="imports_preview_button", icon=":material/preview:"
    ):
        try:
            with st.spinner("Checking every row…"):
                results = planning.preview(db, viewer, plans)
        except DomainError as error:
            st.error(str(error))
            return
        stored = {"fingerprint": fingerprint, "results": results}
        st.session_state["imports_preview"] = stored
    if not stored or stored["fingerprint"] != fingerprint:
        st.info("Preview the rows to see what will be new, updated, unchanged or rejected.")
        return
    confirmed = True
    for index, result in enumerate(stored["results"]):
        confirmed &= show_preview(index, result)
    # a table loaded before loads again only when the preview showed its earlier loads and "load
    # it again" was ticked; any other second load (say, loaded elsewhere since) is refused
    again = {
        (result.file_sha256, result.sheet): result.duplicate_of
        for result in stored["results"]
        if result.duplicate_of
    }
    if not confirmed:
        st.warning("Tick “load it again” for each file loaded before, or remove it.")
    if st.button(
        "Load",
        type="primary",
        key="imports_load_button",
        disabled=not confirmed,
        icon=":material/upload:",
    ):
        bar = st.progress(0.0, text="Loading…")
        try:
            results = planning.load(
                db,
                viewer,
                plans,
                allow_duplicate=again,
                progress=lambda fraction, message: bar.progress(
                    min(max(fraction, 0.0), 1.0), text=message
                ),
            )
        except DuplicateFile as error:
            # loaded (here or by someone else) since the preview: plan and preview again, which
            # shows the earlier load and asks whether to load it again
            bar.empty()
            for name in ("imports_signature", "imports_preview"):
                st.session_state.pop(name, None)
            st.session_state["imports_duplicate"] = f"{error} Nothing was loaded."
            st.rerun()
        except DomainError as error:
            bar.empty()
            st.error(f"{error} Nothing was loaded.")
            return
        bar.empty()
        st.session_state["imports_round"] = st.session_state.get("imports_round", 0) + 1
        for name in ("imports_signature", "imports_plans", "imports_preview", "imports_refused"):
            st.session_state.pop(name, None)
        st.session_state["imports_batch"] = results[0].batch_id  # show it in the history
        st.session_state["imports_goto"] = "History"
        summary = "; ".join(
            f"{result.file_name}: batch {result.batch_id}, {result.count('new')} new, "
            f"{result.count('updated')} updated, {result.count('rejected')} rejected"
            for result in results
        )
        finish(f"Loaded. {summary}.")


def show_preview(index: int, result) -> bool:
    st.subheader(f"Preview: {result.file_name}" + (f" › {result.sheet}" if result.sheet else ""))
    counts = {
        status: result.count(status) for status in ("new", "updated", "unchanged", "rejected")
    }
    columns = st.columns(4)
    for column, (status, count) in zip(columns, counts.items(), strict=True):
        column.metric(status.capitalize(), f"{count:,}")
    st.plotly_chart(
        row_status_chart(counts, f"{result.rows:,} rows"), key=f"imports_status_chart_{index}"
    )
    if result.created:
        st.caption(
            "Will also create: "
            + ", ".join(f"{count} {name}" for name, count in sorted(result.created.items()))
        )
    for note in result.notes:
        st.caption(f"ℹ️ {note}")
    confirmed = True
    if result.refusal:
        st.error(result.refusal)
        confirmed = False
    if result.duplicate_of:
        confirmed = st.checkbox(
            f"This file was loaded before (batch {', '.join(map(str, result.duplicate_of))}): "
            "load it again",
            key=f"imports_again_{index}",
        )
    frame = result.outcomes_frame()
    statuses = st.segmented_control(
        "Rows",
        ["new", "updated", "unchanged", "rejected"],
        selection_mode="multi",
        default=["new", "updated", "unchanged", "rejected"],
        key=f"imports_rows_{index}",
    )
    shown = frame[frame["status"].isin(statuses or [])]
    if len(shown) > SHOWN_ROWS:
        st.caption(f"The first {SHOWN_ROWS:,} of {len(shown):,} rows are shown.")
    table(shown.head(SHOWN_ROWS), f"imports_outcomes_{index}", f"preview_{index + 1}")
    if result.rejects:
        st.markdown(
            f"**Rejected rows** ({len(result.rejects):,}) — with the reason and the row as read"
        )
        table(
            result.rejects_frame(),
            f"imports_preview_rejects_{index}",
            f"rejects_preview_{index + 1}",
        )
    return confirmed


def history_tab() -> None:
    history = loaders_imports.batch_history(viewer)
    if history.empty:
        st.info("No imports yet.")
        return
    shown = history.drop(columns=["file_sha256"])
    table(shown, "imports_history", "import_batches")
    labels = {
        int(row.batch_id): f"{row.batch_id} · {row.file_name}"
        + (f" › {row.sheet_name}" if isinstance(row.sheet_name, str) else "")
        + f" · {row.kind} · {row.status}"
        for row in history.itertuples()
    }
    batch_id = st.selectbox("Batch", list(labels), format_func=labels.get, key="imports_batch")
    batch = history[history["batch_id"] == batch_id].iloc[0]
    st.caption(
        f"Loaded {batch.created_at:%Y-%m-%d %H:%M} by {batch.loaded_by} · "
        f"{batch.rows_total:,} rows: {batch.inserted:,} new, {batch.updated:,} updated, "
        f"{batch.unchanged:,} unchanged, {batch.rejected:,} rejected"
    )
    left, right = st.columns([1, 2])
    with left:
        st.markdown("**What it created and changed**")
        table(
            loaders_imports.batch_changes(viewer, batch_id),
            "imports_changes",
            f"batch_{batch_id}_changes",
        )
    with right:
        if batch.kind == "deals" and batch.status == "loaded":
            by = st.selectbox(
                "Deals by",
                ["stage", "owner", "account", "account_state", "product"],
                key="imports_deals_by",
            )
            frame = loaders_imports.loaded_deals(viewer, by, batch_id)
            st.plotly_chart(
                loaded_deals_chart(frame, by.replace("_", " ")), key="imports_deals_chart"
            )
        elif batch.kind == "orders" and batch.status == "loaded":
            by = st.selectbox(
                "Orders by", ["region", "state", "year", "category"], key="imports_orders_by"
            )
            frame = loaders_imports.loaded_orders(viewer, by, batch_id)
            st.plotly_chart(loaded_orders_chart(frame, by), key="imports_orders_chart")
    rejects = loaders_imports.batch_rejects(viewer, batch_id)
    if not rejects.empty:
        st.markdown(f"**Rejected rows** ({len(rejects):,})")
        table(rejects, "imports_rejects", f"batch_{batch_id}_rejects")
    if batch.status == "loaded":
        with st.container(border=True):
            st.markdown(f"**Undo batch {batch_id}**")
            st.caption(
                "Removes what the batch created (deals with their history, accounts, reps, "
                "orders...) and puts back what it changed. Batches undo newest first."
            )
            sure = st.checkbox(
                f"Yes, undo batch {batch_id} ({batch.file_name})",
                key=f"imports_undo_sure_{batch_id}",
            )
            if st.button(
                "Undo batch", disabled=not sure, key="imports_undo_button", icon=":material/undo:"
            ):
                try:
                    with db.transaction() as cur:
                        batches.undo_batch(cur, viewer, batch_id)
                except DomainError as error:
                    st.error(str(error))
                else:
                    finish(f"Batch {batch_id} was undone.")
    else:
        st.caption(
            f"Undone on {batch.undone_at:%Y-%m-%d %H:%M} by {batch.undone_by or 'the command line'}."
        )


def profiles_tab() -> None:
    saved = loaders_imports.profiles()
    if saved.empty:
        st.info("No saved mapping profiles. Save one from a file's mapping on the Upload tab.")
        return
    table(saved.drop(columns=["header_signature"]), "imports_profiles", "import_profiles")
    name = st.selectbox("Profile", saved["profile_name"].tolist(), key="imports_profile_pick")
    if st.button("Delete profile", key="imports_profile_delete", icon=":material/delete:"):
        try:
            with db.transaction() as cur:
                delete_profile(cur, viewer, name)
        except DomainError as error:
            st.error(str(error))
        else:
            finish(f"Deleted the profile “{name}”.")


goto = st.session_state.pop("imports_goto", None)
if goto:
    st.session_state["imports_tab"] = goto
upload, history, saved_profiles = st.tabs(
    ["Upload", "History", "Mapping profiles"], key="imports_tab", on_change="rerun"
)
with upload:
    upload_tab()
with history:
    history_tab()
with saved_profiles:
    profiles_tab()
