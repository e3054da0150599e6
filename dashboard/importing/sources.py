"""Which system a file comes from, what kind of records it holds, and the mapping that implies.

Known layouts are recognised by a signature (column names that must all be there); the
longest matching signature wins. Anything else is matched column by column against each
kind's aliases; a layout that maps no kind's required fields needs the mapping screen.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from dashboard.importing.fields import FIELDS, KINDS, normalise_header, required_fields

FAMILIES = ("auto", "salesforce", "hubspot", "pipedrive", "generic", "orders")
FAMILY_KINDS = {
    "salesforce": KINDS,
    "hubspot": KINDS,
    "pipedrive": KINDS,
    "generic": KINDS,
    "orders": ("orders", "returns", "reps"),
}


@dataclass(frozen=True)
class Layout:
    """A known export layout."""

    source: str
    family: str
    label: str
    kind: str
    signature: tuple[str, ...]
    columns: dict[str, str] = field(default_factory=dict)
    refuse: str | None = None  # recognised, but not something we load: why


def _sig(*names: str) -> tuple[str, ...]:
    return tuple(normalise_header(name) for name in names)


def _cols(**mapping: str | tuple[str, ...]) -> dict[str, str]:
    """field=header(s) -> {normalised header: field}."""
    result = {}
    for target, headers in mapping.items():
        for header in (headers,) if isinstance(headers, str) else headers:
            result[normalise_header(header)] = target
    return result


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "salesforce_report",
        "salesforce",
        "Salesforce opportunity report",
        "deals",
        _sig("Opportunity Owner", "Stage"),
        _cols(
            owner="Opportunity Owner",
            account="Account Name",
            opportunity_name="Opportunity Name",
            stage="Stage",
            amount=("Amount", "Amount (converted)"),
            currency=("Amount Currency", "Opportunity Currency"),
            probability="Probability (%)",
            expected_close_date="Close Date",
            created_at="Created Date",
            next_step="Next Step",
            lead_source="Lead Source",
            forecast_category="Forecast Category",
            external_id=("Opportunity ID", "Opportunity ID (18)"),
            account_external_id=("Account ID", "Account ID (18)"),
            loss_reason="Loss Reason",
            is_closed="Closed",
            is_won="Won",
        ),
    ),
    Layout(
        "salesforce_opportunity",
        "salesforce",
        "Salesforce data export: Opportunity",
        "deals",
        _sig("Id", "StageName", "IsClosed", "IsWon"),
        _cols(
            external_id="Id",
            account_external_id="AccountId",
            opportunity_name="Name",
            stage="StageName",
            amount="Amount",
            currency="CurrencyIsoCode",
            probability="Probability",
            expected_close_date="CloseDate",
            created_at="CreatedDate",
            lead_source="LeadSource",
            next_step="NextStep",
            is_closed="IsClosed",
            is_won="IsWon",
            forecast_category="ForecastCategory",
            owner="OwnerId",
            is_deleted="IsDeleted",
        ),
    ),
    Layout(
        "salesforce_account",
        "salesforce",
        "Salesforce data export: Account",
        "accounts",
        _sig("Id", "Name", "BillingState", "BillingCountry"),
        _cols(
            external_id="Id",
            account_name="Name",
            industry="Industry",
            employee_count="NumberOfEmployees",
            billing_country="BillingCountry",
            billing_state="BillingState",
            is_deleted="IsDeleted",
        ),
    ),
    Layout(
        "salesforce_opportunity_history",
        "salesforce",
        "Salesforce data export: OpportunityHistory",
        "deals",
        _sig("OpportunityId", "StageName", "CreatedDate", "CloseDate"),
        refuse=(
            "This is Salesforce's OpportunityHistory (past stage changes). It is not loaded: "
            "the workspace builds each deal's history from successive Opportunity exports "
            "(import Opportunity.csv each week), and past changes cannot be slotted in "
            "before the current state without rewriting it."
        ),
    ),
    Layout(
        "salesforce_object",
        "salesforce",
        "Salesforce data export (another object)",
        "deals",
        _sig("Id", "IsDeleted", "SystemModstamp"),
        refuse=(
            "This Salesforce data export is of an object the workspace does not load; "
            "import Opportunity.csv (deals) and Account.csv (accounts)."
        ),
    ),
    Layout(
        "salesforce_competitor",
        "salesforce",
        "Salesforce data export: OpportunityCompetitor",
        "deals",
        _sig("OpportunityId", "CompetitorName"),
        refuse="Competitor lists (OpportunityCompetitor) are not loaded into the workspace.",
    ),
    Layout(
        "hubspot_deals",
        "hubspot",
        "HubSpot deals export",
        "deals",
        _sig("Record ID", "Deal Name", "Deal Stage"),
        _cols(
            external_id="Record ID",
            opportunity_name="Deal Name",
            stage="Deal Stage",
            amount="Amount",
            currency="Currency",
            expected_close_date="Close Date",
            created_at="Create Date",
            owner="Deal owner",
            account=("Associated Company", "Associated Company (Primary)", "Company name"),
            probability="Deal probability",
            loss_reason="Closed lost reason",
            forecast_category="Forecast category",
            next_step="Next step",
            lead_source="Original Source Type",
        ),
    ),
    Layout(
        "pipedrive_deals",
        "pipedrive",
        "Pipedrive deals export",
        "deals",
        _sig("Deal - Title", "Deal - Value"),
        _cols(
            external_id="Deal - ID",
            opportunity_name="Deal - Title",
            amount="Deal - Value",
            currency="Deal - Currency",
            status="Deal - Status",
            stage="Deal - Stage",
            owner="Deal - Owner",
            account="Deal - Organization",
            expected_close_date="Deal - Expected close date",
            created_at="Deal - Deal created",
            closed_at=("Deal - Won time", "Deal - Lost time", "Deal - Close time"),
            loss_reason="Deal - Lost reason",
            probability="Deal - Probability",
            lead_source="Deal - Source",
        ),
    ),
    Layout(
        "maven_pipeline",
        "generic",
        "Deal table (Maven CRM sales_pipeline layout)",
        "deals",
        _sig("opportunity_id", "sales_agent", "deal_stage", "engage_date"),
        _cols(
            external_id="opportunity_id",
            owner="sales_agent",
            product="product",
            account="account",
            stage="deal_stage",
            created_at="engage_date",
            expected_close_date="close_date",
            amount="close_value",
        ),
    ),
    Layout(
        "maven_teams",
        "generic",
        "Sales teams (agent, manager, regional office)",
        "reps",
        _sig("sales_agent", "manager", "regional_office"),
        _cols(rep_name="sales_agent", team="manager", region="regional_office"),
    ),
    Layout(
        "maven_accounts",
        "generic",
        "Accounts (Maven CRM layout)",
        "accounts",
        _sig("account", "sector", "office_location"),
        _cols(
            account_name="account",
            industry="sector",
            employee_count="employees",
            billing_country="office_location",
        ),
    ),
    Layout(
        "maven_products",
        "generic",
        "Products (name, series, price)",
        "products",
        _sig("product", "series", "sales_price"),
        _cols(product_name="product", family="series", list_price="sales_price"),
    ),
    Layout(
        "superstore_orders",
        "orders",
        "Order lines (Tableau Superstore layout)",
        "orders",
        _sig("Row ID", "Order ID", "Order Date", "Sales"),
        _cols(
            line_external_id="Row ID",
            order_external_id="Order ID",
            order_date="Order Date",
            ship_date="Ship Date",
            ship_mode="Ship Mode",
            customer_name="Customer Name",
            segment="Segment",
            country=("Country/Region", "Country"),
            city="City",
            state=("State/Province", "State"),
            postal_code="Postal Code",
            region="Region",
            product_name="Product Name",
            category="Category",
            sales="Sales",
            quantity="Quantity",
            discount="Discount",
            profit="Profit",
        ),
    ),
    Layout(
        "superstore_returns",
        "orders",
        "Returns (order id, returned)",
        "returns",
        _sig("Returned", "Order ID"),
        _cols(returned="Returned", order_external_id="Order ID"),
    ),
    Layout(
        "superstore_people",
        "orders",
        "Regional managers (person per region)",
        "reps",
        _sig("Regional Manager", "Region"),
        _cols(rep_name="Regional Manager", team="Region"),
    ),
)
LAYOUTS_BY_SOURCE = {layout.source: layout for layout in LAYOUTS}


@dataclass
class Detection:
    """What a file looks like: its kind, source and proposed column -> field mapping."""

    kind: str | None
    source: str
    family: str
    label: str
    columns: dict[str, str]  # header -> field ('' = not loaded)
    missing: list[str]  # required fields no column maps to
    refuse: str | None = None
    profile_name: str | None = None

    @property
    def complete(self) -> bool:
        return self.kind is not None and not self.missing and self.refuse is None


def header_signature(headers: list[str]) -> str:
    """A fingerprint of a file's column names (order and case do not matter)."""
    names = sorted({normalise_header(header) for header in headers})
    return hashlib.sha256("|".join(names).encode()).hexdigest()[:32]


def _alias_table(kind: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for item in FIELDS[kind]:
        for alias in (item.name, *item.aliases):
            table.setdefault(normalise_header(alias), item.name)
    return table


def map_by_aliases(
    headers: list[str], kind: str, fixed: dict[str, str] | None = None
) -> dict[str, str]:
    """header -> field by the kind's aliases (each field once, first column wins)."""
    aliases = _alias_table(kind)
    fixed = fixed or {}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        target = fixed.get(normalise_header(header))
        if target:
            mapping[header] = target
            taken.add(target)
    for header in headers:
        if header in mapping:
            continue
        target = aliases.get(normalise_header(header), "")
        if target and target not in taken:
            mapping[header] = target
            taken.add(target)
        else:
            mapping[header] = ""
    return mapping


def missing_fields(kind: str, columns: dict[str, str]) -> list[str]:
    """Required fields of the kind that no column maps to."""
    given = set(columns.values())
    missing = [name for name in required_fields(kind) if name not in given]
    if kind == "deals" and "stage" in missing and given & {"status", "is_won"}:
        missing.remove("stage")
    return missing


def detect(headers: list[str], family: str = "auto") -> Detection:
    """The most likely layout of a table with these headers, within a family of sources."""
    if family not in FAMILIES:
        raise ValueError(f"unknown source {family!r}")
    present = {normalise_header(header) for header in headers}
    candidates = [
        layout
        for layout in LAYOUTS
        if (family == "auto" or layout.family == family) and set(layout.signature) <= present
    ]
    if candidates:
        layout = max(candidates, key=lambda item: len(item.signature))
        columns = map_by_aliases(headers, layout.kind, layout.columns)
        return Detection(
            kind=layout.kind,
            source=layout.source,
            family=layout.family,
            label=layout.label,
            columns=columns,
            missing=missing_fields(layout.kind, columns),
            refuse=layout.refuse,
        )
    kinds = FAMILY_KINDS.get(family, KINDS)
    best: tuple[int, int, str, dict[str, str]] | None = None
    for kind in kinds:
        columns = map_by_aliases(headers, kind)
        matched = sum(1 for target in columns.values() if target)
        complete = 0 if missing_fields(kind, columns) else 1
        score = (complete, matched, kind, columns)
        if matched and (best is None or score[:2] > best[:2]):
            best = score
    chosen_family = "generic" if family == "auto" else family
    if best is None:
        return Detection(
            None, "unknown", chosen_family, "Unknown layout", {h: "" for h in headers}, []
        )
    complete, _, kind, columns = best
    return Detection(
        kind=kind,
        source=f"{chosen_family}_{kind}",
        family=chosen_family,
        label=f"{'Generic' if chosen_family == 'generic' else chosen_family.capitalize()} {kind} table"
        + ("" if complete else " (columns need mapping)"),
        columns=columns,
        missing=missing_fields(kind, columns),
    )
