"""Partners on deals and sales & marketing spend: entered by hand or from CSV, all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from dashboard.errors import NotFoundError, PermissionDenied, ValidationError
from dashboard.reports import inputs
from tests.unit.test_reports_workflow import act, make_office, read


@pytest.fixture
def office(db):
    return make_office(db)


def test_a_partner_is_linked_to_a_visible_deal(office) -> None:
    db, people = office
    partner_id = act(db, inputs.add_partner, people["analyst"], "Northwind Partners", "alliance")
    act(db, inputs.link_deal_partner, people["analyst"], 9, partner_id, "sourced", "intro call")
    links = read(db, inputs.list_deal_partners, people["analyst"])
    newest = links.iloc[0]
    assert (newest.opportunity_id, newest.partner_name, newest.involvement, newest.note) == (
        9,
        "Northwind Partners",
        "sourced",
        "intro call",
    )
    partners = read(db, inputs.list_partners, people["analyst"]).set_index("partner_name")
    assert partners.loc["Northwind Partners", "sourced_deals"] == 1


def test_link_rules(office) -> None:
    db, people = office
    with pytest.raises(ValidationError, match="exists already"):
        act(db, inputs.add_partner, people["analyst"], " acme resellers ")
    with pytest.raises(ValidationError, match="sourced by Acme Resellers already"):
        act(db, inputs.link_deal_partner, people["analyst"], 7, 2, "sourced")
    with pytest.raises(ValidationError, match="linked to deal #5 already"):
        act(db, inputs.link_deal_partner, people["analyst"], 5, 1, "influenced")
    with pytest.raises(ValidationError, match="'sourced' or 'influenced'"):
        act(db, inputs.link_deal_partner, people["analyst"], 9, 1, "helped")
    with pytest.raises(NotFoundError, match="no deal #404"):
        act(db, inputs.link_deal_partner, people["analyst"], 404, 1, "influenced")


def test_a_manager_links_only_their_teams_deals_and_a_rep_none(office) -> None:
    db, people = office
    act(db, inputs.link_deal_partner, people["manager"], 9, 2, "influenced")  # Ann's deal
    with pytest.raises(NotFoundError, match="no deal #10 in your scope"):
        act(db, inputs.link_deal_partner, people["manager"], 10, 1, "influenced")  # Bob's
    with pytest.raises(PermissionDenied):
        act(db, inputs.link_deal_partner, people["rep"], 9, 1, "influenced")
    assert set(read(db, inputs.list_deal_partners, people["manager"])["opportunity_id"]) == {
        5,
        7,
        9,
    }


def test_a_removed_link_stays_on_record(office) -> None:
    db, people = office
    with pytest.raises(ValidationError, match="reason"):
        act(db, inputs.remove_deal_partner, people["analyst"], 1, "")
    act(db, inputs.remove_deal_partner, people["analyst"], 1, "entered by mistake")
    with pytest.raises(ValidationError, match="removed already"):
        act(db, inputs.remove_deal_partner, people["analyst"], 1, "again")
    links = read(db, inputs.list_deal_partners, people["analyst"]).set_index("link_id")
    assert links.loc[1, "removal_reason"] == "entered by mistake"
    assert links.loc[1, "removed_at"] is not None
    # now another partner may source deal 7
    act(db, inputs.link_deal_partner, people["analyst"], 7, 2, "sourced")


def test_partner_links_upload_adds_partners_and_links(office) -> None:
    db, people = office
    data = (
        "Opportunity ID;Partner;Involvement;Partner kind\n"
        "9;Contoso;sourced;technology\n"
        "9;Acme Resellers;influenced;\n"
        "1;contoso;influenced;\n"
    ).encode("utf-8-sig")
    summary = act(db, inputs.upload_deal_partners, people["analyst"], data)
    assert (summary.rows, summary.written, summary.partners_created) == (3, 3, 1)
    partners = read(db, inputs.list_partners, people["analyst"]).set_index("partner_name")
    assert partners.loc["Contoso", "partner_kind"] == "technology"
    assert partners.loc["Contoso", "sourced_deals"] == 1
    assert partners.loc["Contoso", "influenced_deals"] == 1


def test_a_partner_upload_with_a_bad_row_saves_nothing(office) -> None:
    db, people = office
    before = len(read(db, inputs.list_deal_partners, people["analyst"]))
    data = b"opportunity_id,partner,involvement\n9,Contoso,sourced\nx,Contoso,influenced\n404,Contoso,influenced\n"
    with pytest.raises(ValidationError) as error:
        act(db, inputs.upload_deal_partners, people["analyst"], data)
    message = str(error.value)
    assert message.startswith("Nothing was saved: 2 of 3 rows are wrong")
    assert "row 3: deal id must be a number" in message
    assert "row 4: There is no deal #404" in message
    assert len(read(db, inputs.list_deal_partners, people["analyst"])) == before
    assert "Contoso" not in set(read(db, inputs.list_partners, people["analyst"])["partner_name"])


def test_an_upload_without_the_needed_columns_says_which(office) -> None:
    db, people = office
    with pytest.raises(ValidationError, match="needs the column\\(s\\) involvement"):
        act(db, inputs.upload_deal_partners, people["analyst"], b"deal,partner\n9,Contoso\n")
    with pytest.raises(ValidationError, match="not UTF-8"):
        act(
            db,
            inputs.upload_spend,
            people["analyst"],
            "month,category,amount\n2026-07,sales,1\n".encode("utf-16"),
        )


def test_spend_is_entered_by_month_and_corrected_by_a_further_entry(office) -> None:
    db, people = office
    act(db, inputs.add_spend, people["analyst"], "2026-07", "sales", "12,500.50", "agency")
    act(db, inputs.add_spend, people["executive"], dt.date(2026, 7, 1), "sales", -500)
    entries = read(db, inputs.list_spend, people["analyst"])
    july = entries[pd.to_datetime(entries["spend_month"]).dt.date == dt.date(2026, 7, 1)]
    assert sorted(Decimal(str(value)) for value in july["amount"]) == [
        Decimal("-500"),
        Decimal("12500.50"),
    ]
    for month, category, amount, message in [
        ("2026-7-05", "sales", 1, "month must look like 2026-07"),
        (dt.date(2026, 7, 5), "sales", 1, "first day of a month"),
        ("2026-07", "travel", 1, "'sales' or 'marketing'"),
        ("2026-07", "sales", "lots", "must be a number"),
        ("2026-07", "sales", 0, "zero changes nothing"),
    ]:
        with pytest.raises(ValidationError, match=message):
            act(db, inputs.add_spend, people["analyst"], month, category, amount)


def test_managers_and_reps_enter_no_spend(office) -> None:
    db, people = office
    for role in ("manager", "rep"):
        with pytest.raises(PermissionDenied, match="spend"):
            act(db, inputs.add_spend, people[role], "2026-07", "sales", 1)


def test_spend_upload_is_all_or_nothing(office) -> None:
    db, people = office
    before = len(read(db, inputs.list_spend, people["analyst"]))
    good = b"month,category,amount,note\n2026-07,sales,1000,\n2026-07,Marketing,250.25,fair\n"
    summary = act(db, inputs.upload_spend, people["analyst"], good)
    assert (summary.rows, summary.written) == (2, 2)
    bad = b"month,category,amount\n2026-08,sales,1000\n2026-08,sales,\n"
    with pytest.raises(ValidationError, match="row 3: amount must be a number"):
        act(db, inputs.upload_spend, people["analyst"], bad)
    assert len(read(db, inputs.list_spend, people["analyst"])) == before + 2
