"""Stakeholder reports: investor, board, partner, government and management packs; their
review (draft -> in review -> approved -> published), restatement, and PDF/XLSX/CSV/JSON."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard.errors import DomainError, ValidationError
from dashboard.reports import inputs, workflow
from dashboard.reports.figures import PACK_DESCRIPTIONS, PACK_KINDS, PACK_TITLES
from dashboard.reports.formatting import format_value
from dashboard.reports.model import find_table, table_frame
from dashboard.reports.periods import parse_period, recent_periods
from dashboard.reports.render import MIME_TYPES, render
from dashboard.ui import loaders, loaders_reports
from dashboard.ui.charts_reports import pack_chart
from dashboard.ui.session import require_viewer
from dashboard.ui.widgets import table

db, viewer = require_viewer(__file__)
today = dt.date.today()
is_approver = viewer.role in workflow.APPROVE_ROLES

VIEWS = ("Packs", "New pack", "Partners & spend")
TABS = ("Pack", "History and comments", "Restatement", "Downloads")
STATUS_COLOURS = {"draft": "orange", "in_review": "blue", "approved": "green", "published": "gray"}
COLUMN_FORMATS = {
    "money": st.column_config.NumberColumn(format="dollar"),
    "ratio": st.column_config.NumberColumn(format="percent"),
    "count": st.column_config.NumberColumn(format="localized"),
}

# a write asks for a view or pack on the next run (widgets cannot change once drawn)
goto = st.session_state.pop("reports_goto", None)
if goto:
    st.session_state["reports_view"], st.session_state["reports_pack"] = goto
st.session_state.setdefault("reports_view", "Packs")

st.title("Stakeholder reports")
st.caption(
    "Investor, board, partner, government and management packs. Managers and analysts prepare "
    "drafts and submit them; executives and administrators review, approve and publish. A "
    "published pack's figures are frozen."
)
notice = st.container()  # always drawn, so what follows keeps its place (and open tab)
flash = st.session_state.pop("reports_flash", None)
if flash:
    notice.success(flash)

view = st.segmented_control("Show", VIEWS, key="reports_view") or "Packs"


def after_write(message: str, pack_id: int | None = None, to_view: str = "Packs") -> None:
    """Refresh every cached figure, say what happened, and show the pack concerned."""
    loaders.clear_caches()
    st.session_state["reports_flash"] = message
    st.session_state["reports_goto"] = (to_view, pack_id or st.session_state.get("reports_pack"))
    st.rerun()


def progress_bar(text: str):
    bar = st.progress(0.0, text=text)
    return bar, lambda fraction, message: bar.progress(min(fraction, 1.0), text=message)


def show_section(section: dict, pack: workflow.ReportPack) -> None:
    st.subheader(section["title"], divider="gray")
    figures = section["figures"]
    for start in range(0, len(figures), 4):
        columns = st.columns(4)
        for column, item in zip(columns, figures[start : start + 4], strict=False):
            column.metric(
                item["label"],
                format_value(item["value"], item["unit"]),
                delta=item.get("note"),
                delta_color="off",
                delta_arrow="off",
            )
    for note in section["notes"]:
        st.caption(note)
    for chart in section["charts"]:
        source = find_table(section, chart["table"])
        if source is not None and source["rows"]:
            st.plotly_chart(
                pack_chart(chart, source), key=f"reports_chart_{section['key']}_{chart['key']}"
            )
    for item in section["tables"]:
        st.markdown(f"**{item['title']}**")
        if not item["rows"]:
            st.caption("No rows for this period and scope.")
            continue
        table(
            table_frame(item),
            f"reports_table_{section['key']}_{item['key']}",
            f"{pack.file_stem}_{item['key']}",
            column_config={
                col["label"]: COLUMN_FORMATS[col["unit"]]
                for col in item["columns"]
                if col["unit"] in COLUMN_FORMATS
            },
        )


def show_review(pack: workflow.ReportPack, shown: workflow.PackFigures) -> None:
    actions = workflow.allowed_actions(viewer, pack)
    steps = [
        f"**{label}**" if status == pack.status else label
        for status, label in workflow.STATUS_LABELS.items()
    ]
    with st.container(border=True):
        st.markdown("Review: " + " → ".join(steps))
        if "submit" in actions:
            comment = st.text_area("Note for the reviewers (optional)", key="reports_submit_note")
            if st.button("Submit for review", key="reports_submit", type="primary"):
                bar, progress = progress_bar("Freezing the figures…")
                try:
                    with db.transaction() as cur:
                        workflow.submit_pack(cur, viewer, pack.pack_id, comment, today, progress)
                except DomainError as error:
                    bar.empty()
                    st.error(str(error))
                else:
                    after_write(f"Pack #{pack.pack_id} is in review; its figures are frozen.")
        if "approve" in actions:
            note = st.text_area("Comment (required to request changes)", key="reports_review_note")
            approve, send_back, _ = st.columns([1, 1, 3])
            if approve.button("Approve", key="reports_approve", type="primary"):
                try:
                    with db.transaction() as cur:
                        workflow.approve_pack(cur, viewer, pack.pack_id, shown.snapshot_id, note)
                except DomainError as error:
                    st.error(str(error))
                else:
                    after_write(f"Pack #{pack.pack_id} is approved; it can be published now.")
            if send_back.button("Request changes", key="reports_request_changes"):
                try:
                    with db.transaction() as cur:
                        workflow.request_changes(cur, viewer, pack.pack_id, note)
                except DomainError as error:
                    st.error(str(error))
                else:
                    after_write(f"Pack #{pack.pack_id} went back to draft with your comment.")
        elif pack.status == "in_review":
            st.info("Waiting for an executive or administrator to approve these figures.")
        if "publish" in actions:
            if st.button("Publish", key="reports_publish", type="primary"):
                try:
                    with db.transaction() as cur:
                        digest = workflow.publish_pack(cur, viewer, pack.pack_id)
                except DomainError as error:
                    st.error(str(error))
                else:
                    after_write(f"Pack #{pack.pack_id} is published (sha256 {digest[:16]}…).")
        elif pack.status == "approved":
            st.info("Approved; an executive or administrator publishes it.")
        if pack.status == "published":
            st.success(
                f"Published. These figures are frozen (sha256 {shown.content_hash}); the "
                "Restatement tab shows what today's data would change."
            )
        if "withdraw" in actions:
            with st.expander("Withdraw to draft (to refresh the figures)"):
                reason = st.text_input("Why", key="reports_withdraw_reason")
                if st.button("Withdraw", key="reports_withdraw"):
                    try:
                        with db.transaction() as cur:
                            workflow.withdraw_pack(cur, viewer, pack.pack_id, reason)
                    except DomainError as error:
                        st.error(str(error))
                    else:
                        after_write(f"Pack #{pack.pack_id} is a draft again.")


def show_history(pack: workflow.ReportPack) -> None:
    history = loaders_reports.pack_history(viewer, pack.pack_id)
    history = history.assign(
        action=history["action"].map(workflow.ACTION_LABELS),
        content_hash=history["content_hash"].str.slice(0, 16),
    )
    table(
        history[
            [
                "occurred_at",
                "actor",
                "actor_role",
                "action",
                "from_status",
                "to_status",
                "content_hash",
                "comment",
            ]
        ],
        "reports_history",
        f"{pack.file_stem}_history",
    )
    comment = st.text_area("Add a comment", key="reports_comment")
    if st.button("Add comment", key="reports_add_comment"):
        try:
            with db.transaction() as cur:
                workflow.comment_on_pack(cur, viewer, pack.pack_id, comment)
        except DomainError as error:
            st.error(str(error))
        else:
            after_write("Your comment is in the pack's history.")


def show_restatement(pack: workflow.ReportPack) -> None:
    if pack.reference_snapshot_id is None:
        st.info(
            "A restatement compares frozen figures with today's data. This pack has none yet: "
            "they are taken when it is submitted for review."
        )
        return
    frozen = "published" if pack.published_snapshot_id else "last submitted"
    st.caption(
        f"Figure by figure: the {frozen} value, the value computed from today's data, and the "
        "difference. The published pack itself never changes."
    )
    changed_only = st.toggle(
        "Only figures that would change", value=True, key="reports_restate_changed"
    )
    if st.button("Compare with today's data", key="reports_restate"):
        st.session_state["reports_restate_for"] = pack.pack_id
    if st.session_state.get("reports_restate_for") != pack.pack_id:
        return
    changes = loaders_reports.restatement(
        viewer, pack.pack_id, pack.reference_snapshot_id, today, changed_only
    )
    moved = changes[changes["change"] != "same"]
    if moved.empty:
        st.success("Nothing would change: today's data gives exactly the frozen figures.")
    else:
        st.warning(f"{len(moved):,} figures would change with today's data.")
    table(
        changes,
        "reports_restatement",
        f"{pack.file_stem}_restatement",
        column_config={
            "published": st.column_config.NumberColumn("Published"),
            "now": st.column_config.NumberColumn("Now"),
            "difference": st.column_config.NumberColumn("Difference"),
        },
    )


def show_downloads(pack: workflow.ReportPack, shown: workflow.PackFigures, meta: dict) -> None:
    if not shown.is_frozen:
        st.caption("A draft downloads with today's figures and is marked as not reviewed.")
    columns = st.columns(4)
    for column, fmt in zip(columns[1:], ("xlsx", "csv", "json"), strict=True):
        column.download_button(
            f"Download {fmt.upper()}",
            loaders_reports.rendered(shown.figures, meta, fmt),
            file_name=f"{pack.file_stem}.{fmt}",
            mime=MIME_TYPES[fmt],
            key=f"reports_download_{fmt}",
            icon=":material/download:",
        )
    pdf_key = (pack.pack_id, pack.status, shown.content_hash)
    ready = st.session_state.get("reports_pdf")
    if ready and ready[0] == pdf_key:
        columns[0].download_button(
            "Download PDF",
            ready[1],
            file_name=f"{pack.file_stem}.pdf",
            mime=MIME_TYPES["pdf"],
            key="reports_download_pdf",
            icon=":material/picture_as_pdf:",
            type="primary",
        )
    elif columns[0].button(
        "Prepare PDF", key="reports_prepare_pdf", icon=":material/picture_as_pdf:"
    ):
        bar, progress = progress_bar("Drawing the charts and laying out the PDF…")
        data = render(shown.figures, meta, "pdf", progress)
        bar.empty()
        st.session_state["reports_pdf"] = (pdf_key, data)
        st.rerun()


def show_packs() -> None:
    listing = loaders_reports.packs(viewer)
    if listing.empty:
        st.info("No report packs yet. Create one under New pack.")
        return
    if is_approver:
        waiting = listing[listing["status"].isin(["in_review", "approved"])]
        if len(waiting):
            st.info(f"{len(waiting)} pack(s) wait for review or publication.")
    shown_list = listing.assign(
        pack_kind=listing["pack_kind"].map(PACK_TITLES),
        status=listing["status"].map(workflow.STATUS_LABELS),
        last_action=listing["last_action"].map(workflow.ACTION_LABELS),
    ).rename(
        columns={
            "pack_id": "Pack",
            "pack_kind": "Kind",
            "period_label": "Period",
            "title": "Title",
            "scope_name": "Scope",
            "status": "Status",
            "created_by_name": "Prepared by",
            "created_at": "Created",
            "last_action": "Last action",
            "last_action_at": "When",
        }
    )
    with st.expander(f"All packs ({len(listing)})", expanded=len(listing) <= 8):
        table(shown_list, "reports_packs", "report_packs")
    labels = {
        int(row.pack_id): f"#{row.pack_id} · {row.title} · {workflow.STATUS_LABELS[row.status]}"
        for row in listing.itertuples()
    }
    if st.session_state.get("reports_pack") not in labels:
        st.session_state["reports_pack"] = next(iter(labels))
    pack_id = st.selectbox("Open pack", list(labels), format_func=labels.get, key="reports_pack")
    try:
        pack = loaders_reports.pack(viewer, pack_id)
        shown, meta = loaders_reports.pack_figures(
            viewer, pack_id, pack.status, pack.shown_snapshot_id, today
        )
    except DomainError as error:
        st.error(str(error))
        return
    st.header(pack.title, divider="blue")
    st.badge(pack.status_label, color=STATUS_COLOURS[pack.status])
    st.caption(
        f"{PACK_TITLES[pack.kind]} · {pack.period.label} ({pack.period.start} to "
        f"{pack.period.last_day}) · {pack.scope.label} · amounts in USD"
    )
    if shown.is_frozen:
        st.caption(
            f"Frozen figures · data as of {shown.data_as_of} · taken {shown.taken_at:%Y-%m-%d %H:%M} "
            f"by {shown.taken_by_name or 'the command line'} · sha256 {shown.content_hash}"
        )
    else:
        st.warning(
            "Draft: these figures are computed from today's data and change with it. Submitting "
            "the pack for review freezes them."
        )
    show_review(pack, shown)
    # only the open tab runs (the others would compute for nothing)
    pack_tab, history_tab, restatement_tab, download_tab = st.tabs(
        list(TABS), key="reports_tab", on_change="rerun"
    )
    if pack_tab.open:
        with pack_tab:
            for section in shown.figures["sections"]:
                show_section(section, pack)
            with st.expander("Definitions"):
                table(
                    pd.DataFrame(shown.figures["definitions"]).rename(
                        columns={"term": "Term", "definition": "Definition"}
                    ),
                    "reports_definitions",
                    f"{pack.file_stem}_definitions",
                )
    if history_tab.open:
        with history_tab:
            show_history(pack)
    if restatement_tab.open:
        with restatement_tab:
            show_restatement(pack)
    if download_tab.open:
        with download_tab:
            show_downloads(pack, shown, meta)


def show_new_pack() -> None:
    teams = loaders_reports.scope_teams(viewer)
    team_labels = {
        int(row.team_id): "\u2003" * int(row.depth) + str(row.team_name)
        for row in teams.itertuples()
    }
    scope_options = ([None] if viewer.scope_kind == "all" else []) + list(team_labels)
    periods = [period.label for period in recent_periods(today)]
    with st.form("reports_new_form"):
        kind = st.selectbox(
            "Kind of pack",
            PACK_KINDS,
            format_func=lambda value: f"{PACK_TITLES[value]}: {PACK_DESCRIPTIONS[value]}",
            key="reports_new_kind",
        )
        period_choice = st.selectbox("Period", [*periods, "Other"], key="reports_new_period")
        other = st.text_input(
            "Other period: 2026-Q3, 2026-07, 2026 or 2026-01-01..2026-06-30",
            key="reports_new_other",
        )
        team_id = st.selectbox(
            "Covers",
            scope_options,
            format_func=lambda value: "The whole company" if value is None else team_labels[value],
            key="reports_new_scope",
        )
        title = st.text_input("Title (optional)", key="reports_new_title")
        if st.form_submit_button("Create draft", type="primary"):
            try:
                period = parse_period(other if period_choice == "Other" else period_choice)
                with db.transaction() as cur:
                    pack_id = workflow.create_pack(cur, viewer, kind, period, team_id, title)
            except DomainError as error:
                st.error(str(error))
            else:
                after_write(f"Draft pack #{pack_id} created.", pack_id)


def show_partners() -> None:
    st.subheader("Partners on deals", divider="gray")
    st.caption(
        "Link deals to the partners who sourced or influenced them; the partner pack counts "
        "them. A deal has at most one sourcing partner. Removed links stay on record."
    )
    partner_list = loaders_reports.partners(viewer)
    table(partner_list, "reports_partners", "partners")
    add_column, link_column = st.columns(2)
    with add_column, st.form("reports_partner_form", clear_on_submit=True):
        st.markdown("**Add a partner**")
        name = st.text_input("Name", key="reports_partner_name")
        kind = st.selectbox("Kind", inputs.PARTNER_KINDS, key="reports_partner_kind")
        if st.form_submit_button("Add partner"):
            try:
                with db.transaction() as cur:
                    inputs.add_partner(cur, viewer, name, kind)
            except DomainError as error:
                st.error(str(error))
            else:
                after_write(f"Partner {name.strip()} added.", to_view="Partners & spend")
    with link_column, st.form("reports_link_form", clear_on_submit=True):
        st.markdown("**Link a deal to a partner**")
        names = {
            int(partner_id): str(name)
            for partner_id, name in zip(
                partner_list["partner_id"], partner_list["partner_name"], strict=True
            )
        }
        deal_id = st.number_input("Deal id", min_value=1, step=1, key="reports_link_deal")
        partner_id = st.selectbox(
            "Partner", list(names), format_func=names.get, key="reports_link_partner"
        )
        involvement = st.radio(
            "The partner", inputs.INVOLVEMENTS, horizontal=True, key="reports_link_involvement"
        )
        note = st.text_input("Note", key="reports_link_note")
        if st.form_submit_button("Link"):
            try:
                if partner_id is None:
                    raise ValidationError(
                        "Choose a partner (add one first when the list is empty)."
                    )
                with db.transaction() as cur:
                    inputs.link_deal_partner(
                        cur, viewer, int(deal_id), int(partner_id), involvement, note
                    )
            except DomainError as error:
                st.error(str(error))
            else:
                after_write(
                    f"Deal #{int(deal_id)} linked to {names[partner_id]}.",
                    to_view="Partners & spend",
                )
    with st.expander("Upload links from a CSV file"):
        st.caption(
            "Columns: opportunity_id, partner, involvement (sourced or influenced), and "
            "optionally partner_kind and note. Unknown partners are added. One wrong row and "
            "nothing is saved."
        )
        st.download_button(
            "Download a template",
            "opportunity_id,partner,involvement,partner_kind,note\n1,Acme Resellers,sourced,reseller,\n",
            file_name="partner_links_template.csv",
            mime="text/csv",
            key="reports_links_template",
        )
        upload = st.file_uploader("CSV file", type=["csv"], key="reports_links_file")
        if upload is not None and st.button("Load links", key="reports_links_load"):
            try:
                with db.transaction() as cur:
                    summary = inputs.upload_deal_partners(cur, viewer, upload.getvalue())
            except DomainError as error:
                st.error(str(error))
            else:
                after_write(
                    f"{summary.written} links saved ({summary.partners_created} new partners).",
                    to_view="Partners & spend",
                )
    links = loaders_reports.deal_partners(viewer)
    table(links, "reports_links", "partner_links")
    active = links[links["removed_at"].isna()]
    if len(active):
        with st.form("reports_unlink_form", clear_on_submit=True):
            st.markdown("**Remove a link**")
            labels = {
                int(
                    row.link_id
                ): f"#{row.link_id}: deal {row.opportunity_id} · {row.partner_name} ({row.involvement})"
                for row in active.itertuples()
            }
            link_id = st.selectbox(
                "Link", list(labels), format_func=labels.get, key="reports_unlink_id"
            )
            reason = st.text_input("Why", key="reports_unlink_reason")
            if st.form_submit_button("Remove link"):
                try:
                    with db.transaction() as cur:
                        inputs.remove_deal_partner(cur, viewer, int(link_id), reason)
                except DomainError as error:
                    st.error(str(error))
                else:
                    after_write(f"Link #{link_id} removed.", to_view="Partners & spend")


def show_spend() -> None:
    st.subheader("Sales & marketing spend", divider="gray")
    if viewer.role not in inputs.SPEND_ROLES:
        st.info(
            "Spend is entered for the whole company by executives, administrators and analysts."
        )
        return
    st.caption(
        "Spend per month drives CAC, CAC payback and the magic number in investor and board "
        "packs. Entries are never changed: correct one with a further (negative) entry."
    )
    months = [dt.date(today.year, today.month, 1)]
    for _ in range(35):
        months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
    with st.form("reports_spend_form", clear_on_submit=True):
        month_column, category_column, amount_column = st.columns(3)
        month = month_column.selectbox(
            "Month", months, format_func=lambda day: f"{day:%Y-%m}", key="reports_spend_month"
        )
        category = category_column.selectbox(
            "Category", inputs.SPEND_CATEGORIES, key="reports_spend_category"
        )
        amount = amount_column.number_input(
            "Amount (USD)", step=1000.0, format="%.2f", key="reports_spend_amount"
        )
        note = st.text_input("Note", key="reports_spend_note")
        if st.form_submit_button("Add entry"):
            try:
                with db.transaction() as cur:
                    inputs.add_spend(cur, viewer, month, category, amount, note)
            except DomainError as error:
                st.error(str(error))
            else:
                after_write(
                    f"{category.capitalize()} spend for {month:%Y-%m} added.",
                    to_view="Partners & spend",
                )
    with st.expander("Upload spend from a CSV file"):
        st.caption(
            "Columns: month (2026-07), category (sales or marketing), amount, and optionally note."
        )
        st.download_button(
            "Download a template",
            "month,category,amount,note\n2026-07,sales,120000,\n2026-07,marketing,45000,\n",
            file_name="spend_template.csv",
            mime="text/csv",
            key="reports_spend_template",
        )
        upload = st.file_uploader("CSV file", type=["csv"], key="reports_spend_file")
        if upload is not None and st.button("Load spend", key="reports_spend_load"):
            try:
                with db.transaction() as cur:
                    summary = inputs.upload_spend(cur, viewer, upload.getvalue())
            except DomainError as error:
                st.error(str(error))
            else:
                after_write(f"{summary.written} spend entries saved.", to_view="Partners & spend")
    table(loaders_reports.spend(viewer), "reports_spend", "sales_marketing_spend")


if view == "New pack":
    show_new_pack()
elif view == "Partners & spend":
    show_partners()
    show_spend()
else:
    show_packs()
