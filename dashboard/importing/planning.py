"""From an upload to a load: read, detect, propose a mapping, preview, load.

The Imports page and `python -m dashboard import` call these same functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from dashboard import sql
from dashboard.auth import Viewer
from dashboard.db import Database
from dashboard.errors import ValidationError
from dashboard.importing import ImportRefused
from dashboard.importing.fields import FIELDS, KIND_LABELS
from dashboard.importing.loading import LoadAgain, LoadResult, find_earlier_loads, load_tables
from dashboard.importing.mapping import (
    Mapping,
    check_importer,
    find_profile,
    mapping_from_detection,
    propose_owner_map,
    propose_stage_map,
)
from dashboard.importing.records import (
    ColumnFormat,
    ambiguous_dates,
    column_formats,
    describe_columns,
)
from dashboard.importing.sources import Detection, detect, map_by_aliases
from dashboard.importing.tables import RawTable, read_tables
from dashboard.importing.values import parse_percent, text_of


@dataclass
class FilePlan:
    """One table of an upload: what it looks like and the mapping proposed for it."""

    table: RawTable
    detection: Detection
    mapping: Mapping | None
    formats: list[ColumnFormat] = field(default_factory=list)
    ambiguous: dict[str, str] = field(default_factory=dict)
    earlier: list[dict[str, Any]] = field(default_factory=list)

    @property
    def refusal(self) -> str | None:
        """Why this table cannot be loaded as it is mapped (None when it can)."""
        label = self.table.label
        if self.detection.refuse:
            return f"{label}: {self.detection.refuse}"
        if self.mapping is None:
            shown = ", ".join(self.table.headers[:8])
            return (
                f"{label}: the columns ({shown}{', …' if len(self.table.headers) > 8 else ''}) "
                "do not match any kind of record the workspace loads (deals, accounts, reps, "
                "products, order lines, returns). Map them on the Imports page and save the "
                "mapping as a profile to import such files from the command line."
            )
        from dashboard.importing.sources import missing_fields

        missing = missing_fields(self.mapping.kind, self.mapping.columns)
        if missing:
            labels = {item.name: item.label for item in FIELDS[self.mapping.kind]}
            return (
                f"{label}: no column gives "
                + ", ".join(labels[name] for name in missing)
                + ". Map one on the Imports page."
            )
        return None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.mapping.kind if self.mapping else "", "Unknown")

    def describe(self) -> pd.DataFrame:
        """The columns of the file with the field each loads into and its detected type."""
        mapping = self.mapping
        return describe_columns(
            self.table, mapping.kind if mapping else None, mapping.columns if mapping else {}
        )


def plan_file(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    file_name: str,
    data: bytes,
    family: str = "auto",
) -> list[FilePlan]:
    """Read an upload and propose how to load each of its tables (ImportRefused if unreadable)."""
    check_importer(viewer)
    plans = []
    for table in read_tables(file_name, data):
        plans.append(plan_table(cur, table, family))
    return plans


def plan_table(cur: duckdb.DuckDBPyConnection, table: RawTable, family: str = "auto") -> FilePlan:
    """Detection and a proposed mapping for one table (a saved profile wins)."""
    profile = find_profile(cur, table.headers) if family == "auto" else None
    detection = detect(table.headers, family)
    if profile is not None:
        mapping = profile
        detection = Detection(
            kind=profile.kind,
            source=profile.source,
            family=detection.family,
            label=f"Saved profile “{profile.profile_name}”",
            columns={header: profile.columns.get(header, "") for header in table.headers},
            missing=[],
            profile_name=profile.profile_name,
        )
        mapping.columns = dict(detection.columns)
    elif detection.kind is not None and detection.refuse is None:
        mapping = mapping_from_detection(detection)
    else:
        mapping = None
    plan = FilePlan(table, detection, mapping, earlier=find_earlier_loads(cur, table))
    refresh_formats(plan)
    return plan


def mapping_for(plan: FilePlan, kind: str) -> Mapping:
    """A mapping of the plan's table as records of `kind` (the current one kept if it is that
    kind; otherwise columns matched by the kind's usual names)."""
    if plan.mapping is not None and plan.mapping.kind == kind:
        return plan.mapping
    family = plan.detection.family if plan.detection.family != "auto" else "generic"
    return Mapping(
        kind=kind,
        source=f"{family}_{kind}",
        source_system=family,
        columns=map_by_aliases(plan.table.headers, kind),
    )


def refresh_formats(plan: FilePlan) -> None:
    """Re-read the formats of the mapped columns (after the mapping changed)."""
    if plan.mapping is None:
        plan.formats, plan.ambiguous = [], {}
        return
    plan.formats = column_formats(plan.table, plan.mapping.kind, plan.mapping.columns)
    plan.ambiguous = ambiguous_dates(plan.formats)


def distinct_values(table: RawTable, mapping: Mapping, field_name: str) -> list[str]:
    """The distinct texts of the columns mapped to a field, in order of first appearance."""
    seen: dict[str, None] = {}
    for header, target in mapping.columns.items():
        if target != field_name or header not in table.headers:
            continue
        for cell in table.columns[table.headers.index(header)]:
            text = text_of(cell)
            if text is not None:
                seen.setdefault(text, None)
    return list(seen)


def stage_choices(cur: duckdb.DuckDBPyConnection, plan: FilePlan) -> pd.DataFrame:
    """Each source stage with its rows, typical probability and the proposed workspace stage."""
    table, mapping = plan.table, plan.mapping
    stages = sql.fetch_df(cur, "imports/list_stages")
    if mapping is None or mapping.kind != "deals" or not mapping.mapped("stage"):
        return pd.DataFrame(columns=["source stage", "rows", "probability", "stage_id"])
    stage_header = next(h for h, target in mapping.columns.items() if target == "stage")
    probability_header = next(
        (h for h, target in mapping.columns.items() if target == "probability"), None
    )
    stage_cells = table.columns[table.headers.index(stage_header)]
    probability_cells = (
        table.columns[table.headers.index(probability_header)] if probability_header else None
    )
    counts: dict[str, int] = {}
    probabilities: dict[str, list] = {}
    for index, cell in enumerate(stage_cells):
        text = text_of(cell)
        if text is None:
            continue
        counts[text] = counts.get(text, 0) + 1
        if probability_cells is not None:
            try:
                value = parse_percent(probability_cells[index])
            except ValueError:
                value = None
            if value is not None:
                probabilities.setdefault(text, []).append(value)
    typical = {
        text: sorted(values)[len(values) // 2] if values else None
        for text, values in ((text, probabilities.get(text, [])) for text in counts)
    }
    proposal = propose_stage_map(stages, typical, mapping.stage_map)
    return pd.DataFrame(
        {
            "source stage": list(counts),
            "rows": [counts[text] for text in counts],
            "probability": pd.Series(
                [float(typical[text]) if typical[text] is not None else None for text in counts],
                dtype="float64",
            ),
            "stage_id": [proposal[text] for text in counts],
        }
    )


def owner_choices(cur: duckdb.DuckDBPyConnection, plan: FilePlan) -> pd.DataFrame:
    """Each source owner with its rows and the rep it maps to (None: create or reject)."""
    table, mapping = plan.table, plan.mapping
    if mapping is None or mapping.kind not in ("deals", "accounts") or not mapping.mapped("owner"):
        return pd.DataFrame(columns=["source owner", "rows", "rep_id"])
    header = next(h for h, target in mapping.columns.items() if target == "owner")
    counts: dict[str, int] = {}
    for cell in table.columns[table.headers.index(header)]:
        text = text_of(cell)
        if text is not None:
            counts[text] = counts.get(text, 0) + 1
    reps = sql.fetch_df(cur, "imports/list_reps")
    proposal = propose_owner_map(reps, list(counts), mapping.owner_map)
    return pd.DataFrame(
        {
            "source owner": list(counts),
            "rows": [counts[text] for text in counts],
            "rep_id": [proposal[text] for text in counts],
        }
    )


def list_stage_options(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The workspace's stages (for the stage mapping editor)."""
    return sql.fetch_df(cur, "imports/list_stages")


def list_rep_options(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The workspace's reps with their teams (for the owner mapping editor)."""
    return sql.fetch_df(cur, "imports/list_reps")


def list_team_options(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The workspace's teams (where new reps go)."""
    return sql.fetch_df(cur, "imports/list_teams")


def preview(
    db: Database, viewer: Viewer, plans: list[FilePlan], now: dt.datetime | None = None
) -> list[LoadResult]:
    """What loading these tables would do, row by row; nothing is changed."""
    return load_tables(db, viewer, _items(plans), dry_run=True, now=now)


def load(
    db: Database,
    viewer: Viewer,
    plans: list[FilePlan],
    allow_duplicate: LoadAgain = False,
    now: dt.datetime | None = None,
    progress=None,
) -> list[LoadResult]:
    """Load these tables, each as a batch, in one transaction (`allow_duplicate` as in
    load_tables)."""
    return load_tables(
        db, viewer, _items(plans), allow_duplicate=allow_duplicate, now=now, progress=progress
    )


def _items(plans: list[FilePlan]) -> list[tuple[RawTable, Mapping]]:
    items = []
    for plan in plans:
        reason = plan.refusal
        if reason:
            raise ImportRefused(reason)
        if plan.mapping is None:
            raise ValidationError(f"{plan.table.label} has no mapping")
        items.append((plan.table, plan.mapping))
    return items
