"""What each kind of imported record holds: its fields, their types, and the column names
that usually carry them (aliases, compared after normalising case and punctuation)."""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("deals", "accounts", "reps", "products", "orders", "returns")
KIND_LABELS = {
    "deals": "Deals (opportunities)",
    "accounts": "Accounts (customers)",
    "reps": "Reps and teams",
    "products": "Products",
    "orders": "Order lines",
    "returns": "Returns",
}
# the order files load in when several come at once: what others refer to goes first
LOAD_ORDER = {"reps": 0, "accounts": 1, "products": 2, "deals": 3, "orders": 4, "returns": 5}
FIELD_TYPES = ("text", "id", "money", "number", "integer", "percent", "date", "datetime", "boolean")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""


def normalise_header(header: str) -> str:
    """'Deal - Title' -> 'deal title'; 'Probability (%)' -> 'probability'; 'StageName' -> 'stagename'."""
    text = re.sub(r"\(\d+\)$", "", header.strip())  # our numbering of repeated names
    text = re.sub(r"[^0-9a-z]+", " ", text.casefold())
    return " ".join(text.split())


FIELDS: dict[str, tuple[Field, ...]] = {
    "deals": (
        Field(
            "external_id",
            "Deal id",
            "id",
            aliases=(
                "opportunity id",
                "deal id",
                "id",
                "record id",
                "opportunity_id",
                "external id",
            ),
        ),
        Field(
            "opportunity_name",
            "Deal name",
            "text",
            aliases=("opportunity name", "deal name", "name", "title", "deal title", "opportunity"),
        ),
        Field(
            "owner",
            "Owner (rep name or email)",
            "text",
            True,
            (
                "opportunity owner",
                "deal owner",
                "owner",
                "sales agent",
                "sales rep",
                "rep",
                "salesperson",
                "owner name",
                "owner email",
                "account executive",
            ),
        ),
        Field(
            "account",
            "Account name",
            "text",
            aliases=(
                "account name",
                "account",
                "company",
                "company name",
                "organization",
                "customer",
                "associated company",
                "deal organization",
            ),
        ),
        Field(
            "account_external_id",
            "Account id",
            "id",
            aliases=("account id", "accountid", "company id"),
        ),
        Field("product", "Product", "text", aliases=("product", "product name")),
        Field(
            "stage",
            "Stage",
            "text",
            True,
            ("stage", "deal stage", "stage name", "stagename", "pipeline stage", "status stage"),
        ),
        Field("status", "Status (open / won / lost)", "text", aliases=("status", "deal status")),
        Field("is_closed", "Is closed", "boolean", aliases=("isclosed", "is closed", "closed")),
        Field("is_won", "Is won", "boolean", aliases=("iswon", "is won", "won")),
        Field(
            "amount",
            "Amount",
            "money",
            aliases=(
                "amount",
                "value",
                "deal value",
                "close value",
                "deal amount",
                "revenue",
                "opportunity amount",
            ),
        ),
        Field(
            "currency",
            "Currency",
            "text",
            aliases=(
                "currency",
                "currency code",
                "deal currency",
                "opportunity currency",
                "amount currency",
                "currencyisocode",
            ),
        ),
        Field(
            "probability",
            "Probability (%)",
            "percent",
            aliases=("probability", "deal probability", "win probability"),
        ),
        Field(
            "forecast_category",
            "Forecast category",
            "text",
            aliases=("forecast category", "forecastcategory", "forecast category name"),
        ),
        Field(
            "expected_close_date",
            "Close date",
            "date",
            aliases=(
                "close date",
                "expected close date",
                "closedate",
                "deal expected close date",
                "close_date",
            ),
        ),
        Field(
            "closed_at",
            "Closed on (won / lost time)",
            "datetime",
            aliases=(
                "won time",
                "lost time",
                "close time",
                "closed date",
                "date closed",
                "deal won time",
                "deal lost time",
                "deal close time",
            ),
        ),
        Field(
            "created_at",
            "Created on",
            "datetime",
            aliases=(
                "created date",
                "create date",
                "createddate",
                "created",
                "deal created",
                "deal deal created",
                "engage date",
                "created at",
                "date created",
            ),
        ),
        Field(
            "lead_source",
            "Lead source",
            "text",
            aliases=("lead source", "leadsource", "source", "deal source"),
        ),
        Field("next_step", "Next step", "text", aliases=("next step", "nextstep")),
        Field(
            "loss_reason",
            "Loss reason",
            "text",
            aliases=("loss reason", "lost reason", "closed lost reason", "deal lost reason"),
        ),
        Field(
            "lead_rating",
            "Lead rating (cold / warm / hot)",
            "text",
            aliases=("lead rating", "rating"),
        ),
        Field("discount_pct", "Discount (%)", "percent", aliases=("discount", "discount pct")),
        Field(
            "is_deleted",
            "Deleted in the source",
            "boolean",
            aliases=("isdeleted", "is deleted", "deleted"),
        ),
    ),
    "accounts": (
        Field(
            "external_id",
            "Account id",
            "id",
            aliases=("id", "account id", "record id", "company id"),
        ),
        Field(
            "account_name",
            "Account name",
            "text",
            True,
            (
                "account name",
                "account",
                "name",
                "company",
                "company name",
                "customer",
                "organization",
            ),
        ),
        Field("industry", "Industry", "text", aliases=("industry", "sector")),
        Field(
            "employee_count",
            "Employees",
            "integer",
            aliases=("employees", "numberofemployees", "number of employees", "employee count"),
        ),
        Field(
            "billing_country",
            "Country",
            "text",
            aliases=(
                "billingcountry",
                "billing country",
                "country",
                "office location",
                "country region",
            ),
        ),
        Field(
            "billing_state",
            "State / province",
            "text",
            aliases=("billingstate", "billing state", "state", "state province", "province"),
        ),
        Field("owner", "Owner (rep name or email)", "text", aliases=("account owner", "owner")),
        Field("credit_limit", "Credit limit", "money", aliases=("credit limit",)),
        Field(
            "is_deleted", "Deleted in the source", "boolean", aliases=("isdeleted", "is deleted")
        ),
    ),
    "reps": (
        Field(
            "rep_name",
            "Rep name",
            "text",
            True,
            (
                "sales agent",
                "rep",
                "rep name",
                "sales rep",
                "name",
                "full name",
                "regional manager",
                "salesperson",
                "employee",
            ),
        ),
        Field("email", "Email", "text", aliases=("email", "email address", "e mail")),
        Field(
            "team", "Team", "text", aliases=("team", "team name", "manager", "sales team", "region")
        ),
        Field(
            "region",
            "Region (the team's parent)",
            "text",
            aliases=("regional office", "office", "region name", "division"),
        ),
        Field("hire_date", "Hire date", "date", aliases=("hire date", "start date", "hired")),
        Field("base_salary", "Base salary", "money", aliases=("base salary", "salary")),
    ),
    "products": (
        Field("product_name", "Product name", "text", True, ("product", "product name", "name")),
        Field("sku", "SKU", "id", aliases=("sku", "product code", "code", "product id")),
        Field(
            "family", "Family", "text", aliases=("family", "series", "product family", "category")
        ),
        Field(
            "list_price",
            "List price",
            "money",
            aliases=("list price", "sales price", "price", "unit price"),
        ),
    ),
    "orders": (
        Field(
            "line_external_id",
            "Line id",
            "id",
            aliases=("row id", "line id", "order line id", "line number"),
        ),
        Field(
            "order_external_id",
            "Order id",
            "id",
            True,
            ("order id", "order number", "order no", "sales order"),
        ),
        Field("order_date", "Order date", "date", True, ("order date", "date", "ordered on")),
        Field(
            "ship_date", "Ship date", "date", aliases=("ship date", "shipped on", "shipping date")
        ),
        Field(
            "ship_mode",
            "Ship mode",
            "text",
            aliases=("ship mode", "shipping mode", "shipping method"),
        ),
        Field(
            "customer_name",
            "Customer",
            "text",
            aliases=("customer name", "customer", "account", "account name"),
        ),
        Field("segment", "Segment", "text", aliases=("segment", "customer segment")),
        Field("country", "Country", "text", aliases=("country", "country region")),
        Field("state", "State / province", "text", aliases=("state", "state province", "province")),
        Field("city", "City", "text", aliases=("city",)),
        Field(
            "postal_code",
            "Postal code",
            "text",
            aliases=("postal code", "zip", "zip code", "postcode"),
        ),
        Field("region", "Region", "text", aliases=("region",)),
        Field("product_name", "Product", "text", aliases=("product name", "product")),
        Field("category", "Category", "text", aliases=("category", "product category")),
        Field("quantity", "Quantity", "number", True, ("quantity", "qty", "units")),
        Field("unit_price", "Unit price", "money", aliases=("unit price", "price")),
        Field("discount", "Discount (%)", "percent", aliases=("discount", "discount pct")),
        Field(
            "sales",
            "Sales amount",
            "money",
            True,
            ("sales", "sales amount", "amount", "line amount", "revenue", "net sales"),
        ),
        Field("profit", "Profit", "money", aliases=("profit", "margin")),
        Field("currency", "Currency", "text", aliases=("currency", "currency code")),
    ),
    "returns": (
        Field("order_external_id", "Order id", "id", True, ("order id", "order number")),
        Field("line_external_id", "Line id", "id", aliases=("row id", "line id")),
        Field("returned", "Returned (yes / no)", "boolean", aliases=("returned", "is returned")),
        Field(
            "returned_date",
            "Returned on",
            "date",
            aliases=("returned date", "return date", "returned on"),
        ),
        Field(
            "return_amount", "Return amount", "money", aliases=("return amount", "amount", "refund")
        ),
        Field("reason", "Reason", "text", aliases=("reason", "return reason")),
    ),
}


def fields_of(kind: str) -> tuple[Field, ...]:
    """The fields of a kind of record."""
    return FIELDS[kind]


def field_of(kind: str, name: str) -> Field:
    """One field of a kind by name."""
    for item in FIELDS[kind]:
        if item.name == name:
            return item
    raise KeyError(f"{kind} has no field {name!r}")


def required_fields(kind: str) -> list[str]:
    """Fields a mapping of this kind must give (deals: owner and stage or status)."""
    return [item.name for item in FIELDS[kind] if item.required]
