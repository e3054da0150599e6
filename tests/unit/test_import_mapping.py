"""Detection of the source and the proposed mapping: known layouts by their columns, anything
else by the usual names of each field; stages and owners mapped to the workspace's."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from dashboard.importing import sources
from dashboard.importing.mapping import Mapping, propose_owner_map, propose_stage_map
from tests.unit.test_import_support import make_workspace

HEADERS = {
    "salesforce_report": [
        "Opportunity Owner",
        "Account Name",
        "Opportunity Name",
        "Stage",
        "Fiscal Period",
        "Amount",
        "Probability (%)",
        "Close Date",
        "Created Date",
    ],
    "hubspot_deals": ["Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date", "Deal owner"],
    "pipedrive_deals": [
        "Deal - ID",
        "Deal - Title",
        "Deal - Value",
        "Deal - Currency",
        "Deal - Status",
        "Deal - Owner",
    ],
    "maven_pipeline": [
        "opportunity_id",
        "sales_agent",
        "product",
        "account",
        "deal_stage",
        "engage_date",
        "close_date",
        "close_value",
    ],
    "superstore_orders": ["Row ID", "Order ID", "Order Date", "Ship Date", "Sales", "Quantity"],
    "superstore_returns": ["Returned", "Order ID"],
}


@pytest.mark.parametrize("source", sorted(HEADERS))
def test_known_layouts_are_recognised_by_their_columns(source) -> None:
    found = sources.detect(HEADERS[source])
    assert found.source == source
    assert found.complete, found.missing


def test_a_salesforce_report_maps_its_columns() -> None:
    found = sources.detect(HEADERS["salesforce_report"])
    assert {header: target for header, target in found.columns.items() if target} == {
        "Opportunity Owner": "owner",
        "Account Name": "account",
        "Opportunity Name": "opportunity_name",
        "Stage": "stage",
        "Amount": "amount",
        "Probability (%)": "probability",
        "Close Date": "expected_close_date",
        "Created Date": "created_at",
    }


def test_other_tables_are_matched_by_the_usual_names() -> None:
    found = sources.detect(["Deal", "Salesperson", "Status", "Value", "Expected close date"])
    assert (found.kind, found.source) == ("deals", "generic_deals")
    assert found.columns["Salesperson"] == "owner"
    assert found.columns["Value"] == "amount"
    assert found.complete


def test_a_table_of_nothing_we_know_is_unknown() -> None:
    found = sources.detect(["Table", "Field", "Description"])
    assert found.kind is None and not found.complete


def test_the_source_narrows_what_is_recognised() -> None:
    assert sources.detect(HEADERS["hubspot_deals"], "pipedrive").source != "hubspot_deals"
    assert sources.detect(HEADERS["superstore_orders"], "orders").kind == "orders"


def test_the_header_signature_ignores_order_and_case() -> None:
    assert sources.header_signature(["Deal ID", "Owner"]) == sources.header_signature(
        ["owner", "deal_id"]
    )
    assert sources.header_signature(["Deal ID"]) != sources.header_signature(["Deal ID", "X"])


def test_a_mapping_survives_json() -> None:
    mapping = Mapping("deals", "hubspot_deals", "hubspot", {"A": "owner"}, stage_map={"Won": 8})
    again = Mapping.from_json(mapping.to_json())
    assert again == mapping


@pytest.fixture(scope="module")
def stages() -> pd.DataFrame:
    database = make_workspace()
    with database.reading() as cur:
        frame = cur.execute("select * from stages where pipeline_name = 'default'").df()
    database.close()
    return frame


def _names(stages: pd.DataFrame, proposal: dict) -> dict:
    names = dict(zip(stages["stage_id"], stages["stage_name"], strict=True))
    return {key: names.get(value) for key, value in proposal.items()}


def test_salesforce_stages_map_in_order_and_closed_ones_to_won_and_lost(stages) -> None:
    observed = {
        name: None
        for name in (
            "Prospecting",
            "Qualification",
            "Needs Analysis",
            "Value Proposition",
            "Id. Decision Makers",
            "Perception Analysis",
            "Proposal/Price Quote",
            "Negotiation/Review",
            "Closed Won",
            "Closed Lost",
        )
    }
    assert _names(stages, propose_stage_map(stages, observed, {})) == {
        "Prospecting": "Prospecting",
        "Qualification": "Qualifying",
        "Needs Analysis": "Gathering information",
        "Value Proposition": "Approach",
        "Id. Decision Makers": "Presentation",
        "Perception Analysis": "Needs research",
        "Proposal/Price Quote": "Closing",
        "Negotiation/Review": "Closing",
        "Closed Won": "Won",
        "Closed Lost": "Lost",
    }


def test_unknown_stages_follow_their_probability_or_stay_unmapped(stages) -> None:
    proposal = propose_stage_map(
        stages, {"Verbal yes": Decimal("80"), "Deal won (signed)": None, "Mystery": None}, {}
    )
    assert _names(stages, proposal) == {
        "Verbal yes": "Closing",
        "Deal won (signed)": "Won",
        "Mystery": None,
    }
    assert propose_stage_map(stages, {"Mystery": None}, {"Mystery": 3}) == {"Mystery": 3}


def test_owners_match_by_email_then_name_never_when_two_share_a_name() -> None:
    reps = pd.DataFrame(
        {
            "rep_id": [1, 2, 3, 4],
            "full_name": ["Ann Lee", "Bo Chan", "Sam Park", "Sam Park"],
            "email": ["ann@x.com", None, "sam1@x.com", None],
        }
    )
    proposal = propose_owner_map(
        reps, ["ANN@X.COM", "bo  chan", "Sam Park", "sam1@x.com", "Nobody"], {"Nobody": 2}
    )
    assert proposal == {
        "ANN@X.COM": 1,
        "bo  chan": 2,
        "Sam Park": None,
        "sam1@x.com": 3,
        "Nobody": 2,
    }
