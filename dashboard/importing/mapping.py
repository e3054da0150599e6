"""The mapping a user confirms for a file, and named profiles that map the next one alike.

A mapping says which column loads into which field, how to read ambiguous dates, which
workspace stage each source stage means, which rep each source owner is, and what to create
when something is missing. Profiles are matched on the header signature, so next week's
export of the same report maps itself.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal

import duckdb
import pandas as pd

from dashboard import sql
from dashboard.auth import Viewer
from dashboard.errors import PermissionDenied, ValidationError
from dashboard.importing.fields import FIELDS, KINDS, normalise_header
from dashboard.importing.sources import LAYOUTS_BY_SOURCE, Detection, header_signature

IMPORTERS = ("admin", "analyst")
DEFAULT_REP_TEAM = "Imported reps"
LOST_REASON_DEFAULT = "Not given in the import"

# Source stage names (normalised) -> the default pipeline's stage they mean.
STAGE_SYNONYMS = {
    "prospecting": "Prospecting",
    "prospect": "Prospecting",
    "lead in": "Prospecting",
    "new": "Prospecting",
    "qualification": "Qualifying",
    "qualified": "Qualifying",
    "qualify": "Qualifying",
    "contact made": "Qualifying",
    "appointment scheduled": "Qualifying",
    "appointmentscheduled": "Qualifying",
    "needs analysis": "Gathering information",
    "discovery": "Gathering information",
    "qualified to buy": "Gathering information",
    "qualifiedtobuy": "Gathering information",
    "engaging": "Approach",
    "value proposition": "Approach",
    "id decision makers": "Presentation",
    "demo scheduled": "Presentation",
    "presentation scheduled": "Presentation",
    "presentationscheduled": "Presentation",
    "perception analysis": "Needs research",
    "decision maker bought in": "Needs research",
    "decisionmakerboughtin": "Needs research",
    "proposal price quote": "Closing",
    "proposal made": "Closing",
    "proposal": "Closing",
    "negotiation review": "Closing",
    "negotiation": "Closing",
    "negotiations started": "Closing",
    "contract sent": "Closing",
    "contractsent": "Closing",
    "commit": "Closing",
    "closed won": "Won",
    "closedwon": "Won",
    "won": "Won",
    "closed lost": "Lost",
    "closedlost": "Lost",
    "lost": "Lost",
}
FORECAST_SYNONYMS = {
    "pipeline": "pipeline",
    "best case": "best_case",
    "bestcase": "best_case",
    "upside": "best_case",
    "commit": "commit",
    "most likely": "commit",
    "closed": "closed",
    "omitted": "omitted",
    "omit": "omitted",
}


@dataclass
class Mapping:
    """Everything needed to turn one table into records of one kind."""

    kind: str
    source: str
    source_system: str
    columns: dict[str, str]
    date_order: str | None = None
    stage_map: dict[str, int | None] = field(default_factory=dict)
    owner_map: dict[str, int | None] = field(default_factory=dict)
    create_reps: bool = False
    rep_team: str = DEFAULT_REP_TEAM
    create_accounts: bool = True
    create_products: bool = True
    as_of: dt.datetime | None = None
    profile_name: str | None = None

    def to_json(self) -> str:
        """The mapping as JSON (stored with the batch and in profiles)."""
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat() if self.as_of else None
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Mapping:
        data = json.loads(text)
        as_of = data.pop("as_of", None)
        known = {name for name in cls.__dataclass_fields__}
        mapping = cls(**{key: value for key, value in data.items() if key in known})
        mapping.as_of = dt.datetime.fromisoformat(as_of) if as_of else None
        return mapping

    def mapped(self, field_name: str) -> bool:
        return field_name in self.columns.values()


def check_importer(viewer: Viewer) -> None:
    """Only administrators and analysts import (and undo imports)."""
    if viewer.role not in IMPORTERS:
        raise PermissionDenied(f"The {viewer.role} role cannot import files.")


def default_source_system(source: str, family: str) -> str:
    """The system name deals are keyed by: salesforce, hubspot, pipedrive, or the family."""
    layout = LAYOUTS_BY_SOURCE.get(source)
    return layout.family if layout else family


def mapping_from_detection(detection: Detection) -> Mapping:
    """A first mapping from what detection proposed (value maps are filled later)."""
    if detection.kind is None:
        raise ValidationError("the layout of this file is unknown; map its columns first")
    return Mapping(
        kind=detection.kind,
        source=detection.source,
        source_system=default_source_system(detection.source, detection.family),
        columns=dict(detection.columns),
        profile_name=detection.profile_name,
    )


def validate_mapping(mapping: Mapping, headers: list[str]) -> None:
    """Refuse a mapping that names unknown fields or columns or lacks a required field."""
    from dashboard.importing.sources import missing_fields

    if mapping.kind not in KINDS:
        raise ValidationError(f"unknown kind of record {mapping.kind!r}")
    names = {item.name for item in FIELDS[mapping.kind]}
    for header, target in mapping.columns.items():
        if target and target not in names:
            raise ValidationError(f"{mapping.kind} have no field {target!r} (column {header})")
        if target and header not in headers:
            raise ValidationError(f"the file has no column {header!r}")
    missing = missing_fields(mapping.kind, mapping.columns)
    if missing:
        labels = {item.name: item.label for item in FIELDS[mapping.kind]}
        raise ValidationError(
            "map a column to each of: " + ", ".join(labels[name] for name in missing)
        )
    if not mapping.source_system.strip():
        raise ValidationError("name the source system (it keys the records for the next import)")
    if mapping.date_order not in (None, "dmy", "mdy", "ymd"):
        raise ValidationError(f"unknown date order {mapping.date_order!r}")


# ---------------------------------------------------------------- value maps


def _key(text: str) -> str:
    return normalise_header(text)


def propose_stage_map(
    stages: pd.DataFrame, observed: dict[str, Decimal | None], given: dict[str, int | None]
) -> dict[str, int | None]:
    """Source stage -> workspace stage id: given choices, then names, synonyms, won/lost words,
    then the open stage nearest the source's probability; None when nothing says."""
    active = stages[stages["is_active"]]
    by_name = {_key(row.stage_name): int(row.stage_id) for row in active.itertuples()}
    won = active[active["is_won"]].sort_values("sort_order")
    lost = active[active["is_lost"]].sort_values("sort_order")
    open_stages = active[~active["is_won"] & ~active["is_lost"]]
    proposal: dict[str, int | None] = {}
    for value, probability in observed.items():
        key = _key(value)
        if value in given:
            proposal[value] = given[value]
        elif key in by_name:
            proposal[value] = by_name[key]
        elif key in STAGE_SYNONYMS and _key(STAGE_SYNONYMS[key]) in by_name:
            proposal[value] = by_name[_key(STAGE_SYNONYMS[key])]
        elif re.search(r"\bwon\b", key) and not won.empty:
            proposal[value] = int(won.iloc[0].stage_id)
        elif re.search(r"\blost\b", key) and not lost.empty:
            proposal[value] = int(lost.iloc[0].stage_id)
        elif probability is not None and not open_stages.empty:
            distance = (open_stages["default_probability"].astype(float) - float(probability)).abs()
            proposal[value] = int(open_stages.loc[distance.idxmin()].stage_id)
        else:
            proposal[value] = None
    return proposal


def owner_key(text: str) -> str:
    """How owner names are compared: case, accents of spacing and dots do not matter."""
    return " ".join(re.sub(r"[.\s]+", " ", text.casefold()).split())


def propose_owner_map(
    reps: pd.DataFrame, observed: list[str], given: dict[str, int | None]
) -> dict[str, int | None]:
    """Source owner -> rep id by email, then by name (None = unknown: create or reject)."""
    by_email: dict[str, list[int]] = {}
    by_name: dict[str, list[int]] = {}
    for row in reps.itertuples():
        if isinstance(row.email, str) and row.email:
            by_email.setdefault(row.email.casefold(), []).append(int(row.rep_id))
        by_name.setdefault(owner_key(row.full_name), []).append(int(row.rep_id))
    proposal: dict[str, int | None] = {}
    for value in observed:
        if value in given:
            proposal[value] = given[value]
            continue
        matches = by_email.get(value.casefold()) or by_name.get(owner_key(value)) or []
        proposal[value] = matches[0] if len(matches) == 1 else None
    return proposal


def forecast_category_of(text: str | None) -> str | None:
    """A source forecast category in the workspace's terms (None when unknown or blank)."""
    if not text:
        return None
    return FORECAST_SYNONYMS.get(_key(text))


# ---------------------------------------------------------------- profiles


def list_profiles(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Saved mapping profiles, newest first."""
    return sql.fetch_df(cur, "imports/list_profiles")


def find_profile(cur: duckdb.DuckDBPyConnection, headers: list[str]) -> Mapping | None:
    """The saved mapping for files with these column names, if one was saved."""
    row = sql.fetch_one(
        cur, "imports/get_profile_by_signature", header_signature=header_signature(headers)
    )
    if row is None:
        return None
    mapping = Mapping.from_json(row["mapping"])
    mapping.profile_name = row["profile_name"]
    mapping.as_of = None
    return mapping


def save_profile(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    name: str,
    headers: list[str],
    mapping: Mapping,
) -> None:
    """Save (or replace) a named mapping profile for files with these column names."""
    check_importer(viewer)
    name = " ".join(name.split())
    if not name:
        raise ValidationError("give the mapping profile a name")
    if len(name) > 100:
        raise ValidationError("a profile name has at most 100 characters")
    validate_mapping(mapping, headers)
    stored = Mapping.from_json(mapping.to_json())
    stored.as_of = None
    stored.profile_name = name
    sql.execute(cur, "imports/delete_profile", profile_name=name)
    sql.execute(
        cur,
        "imports/delete_profile_by_signature",
        header_signature=header_signature(headers),
    )
    sql.execute(
        cur,
        "imports/insert_profile",
        profile_name=name,
        header_signature=header_signature(headers),
        kind=mapping.kind,
        source=mapping.source,
        mapping=stored.to_json(),
        created_by=viewer.user_id or None,
    )
    sql.execute(
        cur,
        "audit/insert_audit",
        user_id=viewer.user_id or None,
        action="save_profile",
        entity="import_profiles",
        entity_id=name,
        detail=None,
    )


def delete_profile(cur: duckdb.DuckDBPyConnection, viewer: Viewer, name: str) -> None:
    """Forget a saved mapping profile."""
    check_importer(viewer)
    sql.execute(cur, "imports/delete_profile", profile_name=name)
    sql.execute(
        cur,
        "audit/insert_audit",
        user_id=viewer.user_id or None,
        action="delete_profile",
        entity="import_profiles",
        entity_id=name,
        detail=None,
    )
