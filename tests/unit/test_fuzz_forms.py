"""The form write paths against any input (security review: "bad input yields a clear message and
an unchanged database"): goals (set, edit, split, CSV import), sales plans, compensation plans
and disputes, report inputs (partners, spend, their CSV uploads) and pipeline follow-ups,
feedback and activities. Each answers with a saved result or a DomainError with a message, and
a refused write leaves the tables it writes exactly as they were.

Deals and user accounts are fuzzed in test_security.py, import values in test_import_values.py.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import backup, goals, pipeline, plans
from dashboard.compensation import plans as comp_plans
from dashboard.compensation import statements
from dashboard.compensation.common import quarter_of
from dashboard.db import Database
from dashboard.errors import DomainError
from dashboard.reports import inputs
from tests.conftest import TODAY, build_small_demo, viewers
from tests.unit.fuzz_inputs import junk

ROLES = ("admin", "executive", "manager", "rep", "analyst")

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

short_text = st.one_of(st.text(max_size=60), st.sampled_from(["", " ", "\x00", "x" * 5000]))
ids = st.integers(min_value=-5, max_value=2**40)


def mostly(valid):
    """Mostly a sensible value (so writes also succeed), else anything."""
    return st.one_of(valid, valid, valid, junk)


new_periods = st.builds(
    lambda year, month: f"{year}-{month:02d}", st.integers(2027, 2040), st.integers(1, 12)
)
editors = st.sampled_from(["admin", "admin", "manager", "executive", "rep", "analyst"])
amounts = st.one_of(
    st.integers(min_value=1, max_value=10**9),
    st.decimals(min_value=0, max_value=10**9, places=2),
    st.sampled_from(["1,000", "$12", "2500.50"]),
)

GOAL_TABLES = ["goals", "goal_versions", "audit_log"]
PLAN_TABLES = ["plans", "plan_versions", "plan_items", "audit_log"]
COMP_TABLES = [
    "comp_plans",
    "comp_plan_versions",
    "comp_plan_tiers",
    "comp_spiffs",
    "comp_assignments",
    "audit_log",
]
DISPUTE_TABLES = ["comp_disputes", "comp_dispute_replies", "audit_log"]
REPORT_TABLES = ["partners", "deal_partners", "sm_spend", "audit_log"]
PIPELINE_TABLES = ["activities", "customer_feedback", "opportunities", "audit_log"]


@pytest.fixture(scope="module")
def fuzz_demo():
    """A small demo workspace of its own (the fuzzing writes to it)."""
    database = build_small_demo(deals=150)
    with database.reading() as cur:
        people = viewers(cur)
    yield database, people
    database.close()


def state_of(db: Database, tables: list[str]) -> dict:
    with db.reading() as cur:
        return backup.fingerprint_workspace(cur, tables)


def attempt(db: Database, tables: list[str], write) -> None:
    """Run one write: it succeeds, or raises a DomainError with a message and leaves the tables
    it writes as they were. Any other exception fails the test."""
    before = state_of(db, tables)
    try:
        with db.transaction() as cur:
            write(cur)
    except DomainError as error:
        assert str(error).strip(), "a refusal needs a message"
        assert state_of(db, tables) == before, f"refused ({error}) but the tables changed"


def fetch_ids(db: Database, query: str) -> list:
    with db.reading() as cur:
        return [row[0] for row in cur.execute(query).fetchall()]


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


cell = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["company", "team:2", "rep:1", "rep:999", "2027-Q1", "FY2027", "2027-13", "bookings"]
    ),
    st.sampled_from(["won_deals", "-5", "1e400", "NaN", "12000", "1.5", "sales", "marketing"]),
    st.sampled_from(["2026-07", "2026-07-01", "2026-7", "1", "reseller", "sourced", "influenced"]),
)
csv_rows = st.lists(st.lists(cell, min_size=0, max_size=6), min_size=0, max_size=5)
upload_bytes = st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode))


goal_rows = st.lists(
    st.one_of(
        st.tuples(
            st.sampled_from(["company", "team:2", "rep:1", "rep:2"]),
            new_periods,
            st.sampled_from(["bookings", "won_deals"]),
            st.integers(min_value=0, max_value=10**6).map(str),
        ).map(list),
        st.lists(cell, max_size=6),
    ),
    max_size=5,
)

# --- goals --------------------------------------------------------------------------------

periods = st.one_of(
    new_periods,
    new_periods,
    st.sampled_from(["2027-Q1", "2026-Q4", "2027-03", "FY2027", "2027", "2026-11", "2027-Q2"]),
    st.text(max_size=12),
)
scope_kinds = st.one_of(st.sampled_from([*goals.SCOPE_KINDS, "company"]), st.text(max_size=8))
scope_ids = st.one_of(st.none(), st.integers(min_value=-3, max_value=12), ids)
scopes = st.one_of(
    st.sampled_from([("company", None), ("team", 2), ("rep", 1), ("rep", 2), ("territory", 2)]),
    st.tuples(scope_kinds, scope_ids),
)
metrics = st.one_of(
    st.sampled_from(list(goals.METRICS)), st.sampled_from(list(goals.METRICS)), st.text(max_size=10)
)

good_initiative = st.fixed_dictionaries(
    {
        "title": st.text(min_size=1, max_size=30),
        "status": st.sampled_from(list(plans.PLAN_STATUSES)),
        "due_date": st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2035, 1, 1))),
        "expected_impact": st.one_of(st.none(), amounts),
    }
)


@FUZZ
@given(
    role=editors,
    scope=scopes,
    period=periods,
    metric=metrics,
    target=mostly(st.integers(min_value=0, max_value=10**6)),
    version=st.one_of(st.none(), st.none(), st.integers(min_value=-2, max_value=5)),
)
def test_set_goal_answers_any_input_with_a_goal_or_a_reason(
    fuzz_demo, role, scope, period, metric, target, version
) -> None:
    scope_kind, scope_id = scope
    db, people = fuzz_demo

    def write(cur) -> None:
        parsed = goals.parse_period(period, goals.fiscal_year_start(cur))
        goals.set_goal(cur, people[role], scope_kind, scope_id, parsed, metric, target, version)

    attempt(db, GOAL_TABLES, write)


@FUZZ
@given(
    role=editors,
    pick=st.integers(min_value=0, max_value=10_000),
    other=st.one_of(st.none(), st.none(), ids),
    target=mostly(st.integers(min_value=0, max_value=10**6)),
    version=st.one_of(st.none(), st.integers(min_value=-2, max_value=5)),
    note=st.one_of(st.none(), short_text),
)
def test_edit_goal_answers_any_input_with_a_change_or_a_reason(
    fuzz_demo, role, pick, other, target, version, note
) -> None:
    db, people = fuzz_demo
    goal_ids = fetch_ids(db, "select goal_id from goals order by goal_id")
    goal_id = goal_ids[pick % len(goal_ids)] if other is None else other

    def write(cur) -> None:
        current = version
        if current is None:
            row = cur.execute(
                "select version from goals where goal_id = $id", {"id": goal_id}
            ).fetchone()
            current = row[0] if row else 1
        goals.edit_goal(cur, people[role], goal_id, target, current, note)

    attempt(db, GOAL_TABLES, write)


@FUZZ
@given(
    role=st.sampled_from(["admin", "executive", "manager"]),
    pick=st.integers(min_value=0, max_value=10_000),
    method=st.sampled_from(list(goals.SPLIT_METHODS)),
    sub_kind=st.sampled_from(["month", "quarter"]),
    targets=st.lists(mostly(amounts), min_size=0, max_size=14),
    on_mismatch=mostly(st.sampled_from(list(goals.MISMATCH_CHOICES))),
    stale=st.sampled_from([False, False, False, True]),
)
def test_save_split_answers_any_targets_with_a_split_or_a_reason(
    fuzz_demo, role, pick, method, sub_kind, targets, on_mismatch, stale
) -> None:
    db, people = fuzz_demo
    viewer = people[role]
    goal_ids = fetch_ids(
        db,
        "select goal_id from goals where period_kind in ('quarter', 'year') order by goal_id",
    )
    goal_id = goal_ids[pick % len(goal_ids)]
    with db.reading() as cur:
        try:
            proposal = goals.propose_split(cur, viewer, goal_id, method, sub_kind, TODAY)
        except DomainError:
            return  # nothing to split for this viewer: the page shows the reason
        version = goals.get_goal(cur, goal_id).version
    children = proposal.frame.copy()
    if targets:
        children["target"] = [targets[n % len(targets)] for n in range(len(children))]

    def write(cur) -> None:
        goals.save_split(cur, viewer, goal_id, version - int(stale), children, on_mismatch)

    attempt(db, GOAL_TABLES, write)


@FUZZ
@given(
    role=editors,
    content=st.one_of(
        goal_rows.map(lambda rows: csv_text([["scope", "period", "metric", "target"], *rows])),
        goal_rows.map(lambda rows: csv_text([["scope", "period", "metric", "target"], *rows])),
        upload_bytes,
        st.text(max_size=300),
        csv_rows.map(lambda rows: csv_text([["scope", "period", "metric", "target"], *rows])),
    ),
    good_only=st.booleans(),
    dry_run=st.booleans(),
)
def test_import_goals_answers_any_file_with_a_result_or_a_reason(
    fuzz_demo, role, content, good_only, dry_run
) -> None:
    db, people = fuzz_demo
    attempt(
        db,
        GOAL_TABLES,
        lambda cur: goals.import_goals(
            cur, people[role], content, good_only=good_only, dry_run=dry_run
        ),
    )


# --- sales plans --------------------------------------------------------------------------

initiative = st.fixed_dictionaries(
    {},
    optional={
        "title": junk,
        "owner": junk,
        "due_date": junk,
        "status": st.one_of(st.sampled_from(list(plans.PLAN_STATUSES)), junk),
        "expected_impact": junk,
        "notes": junk,
    },
)


@FUZZ
@given(
    role=editors,
    scope=scopes,
    period=periods,
    title=mostly(st.text(min_size=1, max_size=60)),
    objectives=mostly(st.text(max_size=60)),
    strategy=mostly(st.text(max_size=60)),
    headcount=mostly(st.one_of(st.none(), st.integers(min_value=0, max_value=500))),
    budget=mostly(st.one_of(st.none(), amounts)),
    items=st.lists(st.one_of(good_initiative, initiative), max_size=4),
    as_frame=st.booleans(),
    version=st.one_of(st.none(), st.integers(min_value=-1, max_value=4)),
)
def test_save_plan_answers_any_input_with_a_plan_or_a_reason(
    fuzz_demo,
    role,
    scope,
    period,
    title,
    objectives,
    strategy,
    headcount,
    budget,
    items,
    as_frame,
    version,
) -> None:
    scope_kind, scope_id = scope
    db, people = fuzz_demo
    initiatives = pd.DataFrame(items) if as_frame else items

    def write(cur) -> None:
        content = plans.check_plan_content(
            title, objectives, strategy, headcount, budget, initiatives
        )
        parsed = goals.parse_period(period, goals.fiscal_year_start(cur))
        plans.save_plan(cur, people[role], scope_kind, scope_id, parsed, content, version)

    attempt(db, PLAN_TABLES, write)


# --- compensation -------------------------------------------------------------------------

band_row = st.fixed_dictionaries(
    {}, optional={"floor_pct": junk, "ceiling_pct": junk, "rate": junk}
)
spiff_row = st.fixed_dictionaries(
    {},
    optional={
        "spiff_name": junk,
        "product_id": st.one_of(junk, st.integers(min_value=0, max_value=20)),
        "starts_on": junk,
        "ends_on": junk,
        "amount_per_deal": junk,
        "pct_of_amount": junk,
    },
)
sane_bands = st.just([{"floor_pct": 0, "ceiling_pct": None, "rate": "0.1"}])


@FUZZ
@given(
    role=st.sampled_from(["admin", "admin", "executive", "manager", "rep"]),
    name=st.one_of(st.text(min_size=1, max_size=30), short_text, st.just("Fuzz plan")),
    measure=st.one_of(st.sampled_from(["bookings", "margin", "gross_margin"]), st.text(max_size=8)),
    incentive=mostly(st.integers(min_value=0, max_value=10**6)),
    bands=st.one_of(sane_bands, sane_bands, st.lists(band_row, max_size=4)),
    cap=mostly(st.one_of(st.none(), st.sampled_from([1, 2, "2.5"]))),
    clawback=mostly(st.one_of(st.none(), st.integers(min_value=0, max_value=365))),
    draw=mostly(st.one_of(st.none(), st.integers(min_value=0, max_value=10**4))),
    recoverable=st.booleans(),
    spiffs=st.one_of(st.just([]), st.just([]), st.lists(spiff_row, max_size=3)),
    description=mostly(st.text(max_size=40)),
    note=st.one_of(st.none(), short_text),
    plan_id=st.one_of(st.none(), st.none(), st.integers(min_value=-1, max_value=5), ids),
    move=st.booleans(),
)
def test_save_comp_plan_answers_any_input_with_a_plan_or_a_reason(
    fuzz_demo,
    role,
    name,
    measure,
    incentive,
    bands,
    cap,
    clawback,
    draw,
    recoverable,
    spiffs,
    description,
    note,
    plan_id,
    move,
) -> None:
    numbers = [incentive, cap, clawback, draw]
    numbers += [value for row in [*bands, *spiffs] for value in row.values()]
    db, people = fuzz_demo

    def write(cur) -> None:
        terms = comp_plans.build_terms(
            name,
            measure,
            incentive,
            comp_plans.bands_from_rows(bands),
            cap,
            clawback,
            draw,
            recoverable,
            comp_plans.spiffs_from_rows(spiffs),
        )
        comp_plans.save_plan(
            cur,
            people[role],
            terms,
            description=description,
            change_note=note,
            plan_id=plan_id,
            apply_to_open_quarters=move,
            today=TODAY,
        )

    attempt(db, COMP_TABLES, write)


@FUZZ
@given(
    role=st.sampled_from(["rep", "rep", "rep", "admin", "manager"]),
    quarter=st.sampled_from([0, 0, 0, -1, 1]),
    pick=st.integers(min_value=0, max_value=10_000),
    line_key=st.one_of(st.none(), st.none(), st.text(max_size=20)),
    comment=st.one_of(
        st.text(min_size=1, max_size=80),
        st.text(max_size=80),
        st.sampled_from(["", "  ", "x" * 5000, '=cmd|" /c calc"!A1']),
    ),
)
def test_raise_dispute_answers_any_comment_with_a_dispute_or_a_reason(
    fuzz_demo, role, quarter, pick, line_key, comment
) -> None:
    db, people = fuzz_demo
    with db.reading() as cur:  # the demo rep has no commission lines: flag another rep's
        lines = cur.execute(
            "select statements.rep_id, statements.period_start from comp_statement_lines as lines"
            " join comp_statements as statements using (statement_id) order by all"
        ).fetchall()
    rep_id, start = lines[pick % len(lines)]
    viewer = people[role]
    if role == "rep":
        viewer = dataclasses.replace(viewer, rep_id=rep_id)
    period = quarter_of(start)
    if quarter:
        period = quarter_of(
            period.start - dt.timedelta(days=1) if quarter < 0 else period.end + dt.timedelta(1)
        )
    key = line_key
    if key is None and viewer.rep_id is not None:
        with db.reading() as cur:
            statement = statements.get_statement(cur, viewer, viewer.rep_id, period)
        keys = [line.key for line in statement.lines] if statement else []
        key = keys[pick % len(keys)] if keys else ""

    attempt(
        db,
        DISPUTE_TABLES,
        lambda cur: statements.raise_dispute(cur, viewer, period, key or "", comment),
    )


# --- report inputs ------------------------------------------------------------------------


@FUZZ
@given(
    role=editors,
    name=mostly(st.one_of(st.text(min_size=1, max_size=30), st.just("Acme Partners"))),
    kind=mostly(st.sampled_from(inputs.PARTNER_KINDS)),
    deal_id=st.one_of(st.integers(min_value=1, max_value=150), ids),
    involvement=mostly(st.sampled_from(inputs.INVOLVEMENTS)),
    note=st.one_of(st.none(), short_text),
)
def test_add_and_link_partner_answer_any_input_with_a_partner_or_a_reason(
    fuzz_demo, role, name, kind, deal_id, involvement, note
) -> None:
    db, people = fuzz_demo
    viewer = people[role]
    attempt(db, REPORT_TABLES, lambda cur: inputs.add_partner(cur, viewer, name, kind))
    partner_ids = fetch_ids(db, "select partner_id from partners order by partner_id") or [1]
    attempt(
        db,
        REPORT_TABLES,
        lambda cur: inputs.link_deal_partner(
            cur, viewer, deal_id, partner_ids[deal_id % len(partner_ids)], involvement, note
        ),
    )


@FUZZ
@given(
    role=editors,
    month=mostly(st.sampled_from(["2026-07", "2025-12-01", dt.date(2026, 3, 1)])),
    category=mostly(st.sampled_from(inputs.SPEND_CATEGORIES)),
    amount=mostly(amounts),
    note=st.one_of(st.none(), short_text, junk),
)
def test_add_spend_answers_any_input_with_an_entry_or_a_reason(
    fuzz_demo, role, month, category, amount, note
) -> None:
    db, people = fuzz_demo
    attempt(
        db,
        REPORT_TABLES,
        lambda cur: inputs.add_spend(cur, people[role], month, category, amount, note),
    )


spend_rows = st.lists(
    st.tuples(
        st.sampled_from(["2026-07", "2026-01-01", "2026-13"]),
        st.sampled_from(["sales", "Marketing", "travel"]),
        st.one_of(st.integers(-1000, 10**6).map(str), st.sampled_from(["1,200", "x"])),
        st.text(max_size=10),
    ).map(list),
    min_size=1,
    max_size=4,
)
link_rows = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=160).map(str),
        st.sampled_from(["Acme Partners", "New Partner", ""]),
        st.sampled_from(["sourced", "Influenced", "maybe"]),
        st.text(max_size=10),
    ).map(list),
    min_size=1,
    max_size=4,
)


@FUZZ
@given(
    role=editors,
    which=st.sampled_from(["spend", "partners"]),
    content=st.one_of(
        spend_rows.map(lambda rows: csv_text([["month", "category", "amount", "note"], *rows])),
        link_rows.map(
            lambda rows: csv_text([["opportunity_id", "partner", "involvement", "note"], *rows])
        ),
        upload_bytes,
        csv_rows.map(lambda rows: csv_text([["month", "category", "amount", "note"], *rows])),
        csv_rows.map(
            lambda rows: csv_text([["opportunity_id", "partner", "involvement", "note"], *rows])
        ),
    ),
)
def test_uploads_answer_any_file_with_a_summary_or_a_reason(
    fuzz_demo, role, which, content
) -> None:
    db, people = fuzz_demo
    data = content if isinstance(content, bytes) else content.encode()
    upload = inputs.upload_spend if which == "spend" else inputs.upload_deal_partners
    attempt(db, REPORT_TABLES, lambda cur: upload(cur, people[role], data))


# --- pipeline -----------------------------------------------------------------------------


def pick_deal(db: Database, pick: int, other: int | None, won: bool = False) -> int:
    if other is not None:
        return other
    query = "select opportunity_id from opportunities order by opportunity_id"
    if won:
        query = (
            "select opportunity_id from opportunities join stages using (stage_id)"
            " where is_won order by opportunity_id"
        )
    found = fetch_ids(db, query)
    return found[pick % len(found)]


deal_choice = st.one_of(st.none(), st.none(), st.none(), ids)
stamps = mostly(
    st.dates(min_value=TODAY - dt.timedelta(days=900), max_value=TODAY + dt.timedelta(60))
)


@FUZZ
@given(
    role=editors,
    pick=st.integers(min_value=0, max_value=10_000),
    other=deal_choice,
    due=mostly(st.dates(min_value=TODAY, max_value=TODAY + dt.timedelta(days=400))),
    subject=st.one_of(st.none(), short_text, junk),
    notes=st.one_of(st.none(), short_text, junk),
)
def test_schedule_follow_up_answers_any_input_with_a_task_or_a_reason(
    fuzz_demo, role, pick, other, due, subject, notes
) -> None:
    db, people = fuzz_demo
    deal_id = pick_deal(db, pick, other)
    attempt(
        db,
        PIPELINE_TABLES,
        lambda cur: pipeline.schedule_follow_up(cur, people[role], deal_id, due, subject, notes),
    )


@FUZZ
@given(
    role=editors,
    pick=st.integers(min_value=0, max_value=10_000),
    other=deal_choice,
    activity_type=mostly(st.sampled_from(pipeline.ACTIVITY_TYPES)),
    occurred=stamps,
    subject=st.one_of(st.none(), short_text, junk),
    notes=st.one_of(st.none(), short_text, junk),
)
def test_log_activity_answers_any_input_with_an_activity_or_a_reason(
    fuzz_demo, role, pick, other, activity_type, occurred, subject, notes
) -> None:
    db, people = fuzz_demo
    deal_id = pick_deal(db, pick, other)
    attempt(
        db,
        PIPELINE_TABLES,
        lambda cur: pipeline.log_activity(
            cur, people[role], deal_id, activity_type, occurred, subject, notes
        ),
    )


@FUZZ
@given(
    role=editors,
    pick=st.integers(min_value=0, max_value=10_000),
    other=deal_choice,
    won=st.sampled_from([True, True, True, False]),
    score=mostly(st.one_of(st.integers(min_value=0, max_value=6), st.sampled_from(["5", "4.0"]))),
    comment=st.one_of(st.none(), short_text, junk),
)
def test_record_feedback_answers_any_input_with_feedback_or_a_reason(
    fuzz_demo, role, pick, other, won, score, comment
) -> None:
    db, people = fuzz_demo
    deal_id = pick_deal(db, pick, other, won)
    attempt(
        db,
        PIPELINE_TABLES,
        lambda cur: pipeline.record_feedback(cur, people[role], deal_id, score, comment),
    )


@FUZZ
@given(
    role=st.sampled_from(ROLES),
    pick=st.integers(min_value=0, max_value=10_000),
    other=st.one_of(st.none(), ids),
)
def test_complete_follow_up_answers_any_task_with_done_or_a_reason(
    fuzz_demo, role, pick, other
) -> None:
    db, people = fuzz_demo
    activity_ids = fetch_ids(
        db,
        "select activity_id from activities order by activity_type = 'follow_up' and not is_done"
        " desc, activity_id limit 40",
    )
    activity_id = activity_ids[pick % len(activity_ids)] if other is None else other
    attempt(
        db,
        PIPELINE_TABLES,
        lambda cur: pipeline.complete_follow_up(cur, people[role], activity_id),
    )


def test_the_harness_sees_a_refused_write_that_changed_something(fuzz_demo) -> None:
    db, people = fuzz_demo

    def half_write(cur) -> None:
        inputs.add_spend(cur, people["admin"], "2026-07", "sales", 10)
        cur.commit()  # a write that escapes the transaction, then a refusal
        cur.begin()
        inputs.add_spend(cur, people["admin"], "2026-07", "sales", "nope")

    with pytest.raises(AssertionError, match="the tables changed"):
        attempt(db, REPORT_TABLES, half_write)


# --- what the fuzzing found once, kept as plain cases -----------------------------------------


def test_an_infinite_headcount_is_refused_with_a_reason() -> None:
    with pytest.raises(DomainError):
        plans.check_plan_content("Plan", headcount=float("inf"))


def test_an_initiative_due_date_out_of_range_is_refused_with_a_reason() -> None:
    with pytest.raises(DomainError):
        plans.check_plan_content("Plan", initiatives=[{"title": "Launch", "due_date": -1}])


def test_a_signalling_nan_budget_counts_as_no_budget() -> None:
    # like the NaN of an emptied grid cell; pd.isna raised on it before
    assert plans.check_plan_content("Plan", budget=Decimal("sNaN")).budget is None


def test_a_huge_plan_cap_is_refused_with_a_reason() -> None:
    bands = comp_plans.bands_from_rows([{"floor_pct": 0, "ceiling_pct": None, "rate": "0.1"}])
    with pytest.raises(DomainError):
        comp_plans.build_terms("Plan", "bookings", 1000, bands, cap_multiple=1e24)


def test_a_huge_goal_target_is_refused_with_a_reason() -> None:
    with pytest.raises(DomainError):
        goals.check_target("bookings", 1e26)


def test_a_huge_target_in_a_goal_file_is_refused_with_a_reason(fuzz_demo) -> None:
    db, people = fuzz_demo
    before = state_of(db, GOAL_TABLES)
    with pytest.raises(DomainError), db.transaction() as cur:
        goals.import_goals(
            cur, people["admin"], "scope,period,metric,target\ncompany,2027-Q1,bookings,1e26\n"
        )
    assert state_of(db, GOAL_TABLES) == before


def test_an_infinite_spiff_product_is_refused_with_a_reason() -> None:
    with pytest.raises(DomainError):
        comp_plans.spiffs_from_rows([{"spiff_name": "Push", "product_id": float("inf")}])


def test_a_bare_carriage_return_in_a_goal_file_ends_a_row(fuzz_demo) -> None:
    # old Mac line ends or a mixed file: csv raised "new-line character seen" before
    db, people = fuzz_demo
    before = state_of(db, GOAL_TABLES)
    with pytest.raises(DomainError, match="row"), db.transaction() as cur:
        goals.import_goals(
            cur, people["admin"], "scope,period,metric,target\ncompany,2027-Q1,bookings,1\r2\n"
        )
    assert state_of(db, GOAL_TABLES) == before


def test_a_spend_file_with_a_bare_carriage_return_is_refused_with_a_reason(fuzz_demo) -> None:
    db, people = fuzz_demo
    before = state_of(db, REPORT_TABLES)
    with pytest.raises(DomainError), db.transaction() as cur:
        inputs.upload_spend(cur, people["admin"], b"month,category,amount\n2026-07,sales,1\r2\n")
    assert state_of(db, REPORT_TABLES) == before


def test_an_infinite_feedback_score_is_refused_with_a_reason(fuzz_demo) -> None:
    db, people = fuzz_demo
    won = fetch_ids(
        db,
        "select opportunity_id from opportunities join stages using (stage_id) where is_won"
        " order by opportunity_id",
    )[0]
    before = state_of(db, PIPELINE_TABLES)
    with pytest.raises(DomainError), db.transaction() as cur:
        pipeline.record_feedback(cur, people["admin"], won, "Infinity")
    assert state_of(db, PIPELINE_TABLES) == before
