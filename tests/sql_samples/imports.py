"""Sample values for the parameters of queries/imports, and the staged relations they read."""

import datetime as dt
from decimal import Decimal

import pyarrow as pa

from dashboard import sql
from dashboard.importing import bulk

SAMPLES = {
    "account_name": "Acme",
    "base_salary": Decimal("50000"),
    "billing_country": "US",
    "billing_state": "NY",
    "count": 3,
    "credit_limit": None,
    "employee_count": 10,
    "file_bytes": 100,
    "file_name": "deals.csv",
    "file_sha256": "0" * 64,
    "full_name": "New Rep",
    "header_signature": "abc",
    "hire_date": dt.date(2026, 1, 1),
    "industry": "Energy",
    "inserted": 1,
    "list_price": Decimal("10"),
    "load_path": "row",
    "mapping": "{}",
    "parent_team_id": None,
    "product_family": "Imported",
    "product_name": "Widget",
    "profile_name": "weekly export",
    "rejected": 0,
    "row_number": 2,
    "rows_total": 1,
    "sheet_name": None,
    "sku": "WIDGET",
    "source": "generic_deals",
    "team_level": "team",
    "team_name": "Imported reps",
    "unchanged": 0,
    "undone_at": dt.datetime(2026, 11, 25, 18, 0),
    "undone_by": None,
    "updated": 0,
}

# the relations loaders register (pyarrow tables) before running the statements that read them
STAGES = {
    "import_rejects_stage": {
        "row_number": pa.int32(),
        "raw_row": pa.string(),
        "reason": pa.string(),
    },
    "import_changes_stage": {
        "entity": pa.string(),
        "entity_id": pa.int64(),
        "action": pa.string(),
        "row_number": pa.int32(),
    },
    "import_accounts_stage": {
        "account_id": pa.int32(),
        "account_name": pa.string(),
        "industry": pa.string(),
        "employee_count": pa.int32(),
        "owner_rep_id": pa.int32(),
        "credit_limit": pa.decimal128(18, 2),
        "billing_country": pa.string(),
        "billing_state": pa.string(),
        "source_system": pa.string(),
        "external_id": pa.string(),
    },
    "import_orders_stage": {
        "order_id": pa.int64(),
        "order_date": pa.date32(),
        "ship_date": pa.date32(),
        "ship_mode": pa.string(),
        "currency_code": pa.string(),
        "customer_name": pa.string(),
        "segment_name": pa.string(),
        "country": pa.string(),
        "state": pa.string(),
        "city": pa.string(),
        "postal_code": pa.string(),
        "region": pa.string(),
        "source_system": pa.string(),
        "external_id": pa.string(),
    },
    "import_order_lines_stage": {
        "order_line_id": pa.int64(),
        "order_id": pa.int64(),
        "product_name": pa.string(),
        "category": pa.string(),
        "quantity": pa.decimal128(18, 4),
        "unit_price": pa.decimal128(18, 4),
        "discount_pct": pa.decimal128(7, 4),
        "sales_amount": pa.decimal128(18, 4),
        "profit": pa.decimal128(18, 4),
        "external_id": pa.string(),
    },
    "import_returns_stage": {
        "return_id": pa.int64(),
        "order_id": pa.int64(),
        "order_line_id": pa.int64(),
        "returned_date": pa.date32(),
        "return_amount": pa.decimal128(18, 4),
        "reason": pa.string(),
    },
    "import_deal_ids_stage": {"opportunity_id": pa.int64()},
    "import_deals_stage": bulk.OPPORTUNITY_TYPES,
    "import_deal_updates_stage": bulk.OPPORTUNITY_TYPES,
    "import_events_stage": bulk.EVENT_TYPES,
    "import_audit_stage": bulk.AUDIT_TYPES,
    "import_deals_input_stage": bulk.INPUT_TYPES,
    "import_new_deal_ids_stage": bulk.ID_TYPES,
}


def prepare(cur) -> None:
    """Register an empty relation under each staging name the import queries read, and
    create the temporary table of staged new deals."""
    for name, columns in STAGES.items():
        cur.register(
            name, pa.table({column: pa.array([], kind) for column, kind in columns.items()})
        )
    sql.execute(cur, "imports/stage_new_deals")
