"""The analytics benchmark (bench/bench_analytics.py) compares the Funnel, Territory and
Forecast tabs' DuckDB calls with a plain-pandas computation of the same figures. Here both
sides run on a small demo workspace (as of the benchmark's day), with edits that make the
event history harder than the demo's own: deals reopened (and won again), several events at
one instant, an owner and territory move, wins and losses inside the waterfall's window, a
close date pushed out of it. Every figure must agree, and the check must notice a difference.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
from pathlib import Path

import pytest

from dashboard import deals, demo, funnel
from dashboard.auth import Viewer
from dashboard.db import Database, migrate

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_analytics.py"
SYSTEM = Viewer(0, "bench@localhost", "Bench", "admin")


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_analytics", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


PICKS = {
    "won in the quarter": "select opportunity_id from opportunities where stage_id = 8"
    " and closed_at >= '2026-10-01' order by opportunity_id limit 5",
    "lost in the quarter": "select opportunity_id from opportunities where stage_id = 9"
    " and closed_at >= '2026-10-01' order by opportunity_id limit 5",
    "open": "select opportunity_id from opportunities where stage_id < 8"
    " order by opportunity_id limit 5",
    "won long ago": "select opportunity_id from opportunities where stage_id = 8"
    " and closed_at < '2026-06-01' order by opportunity_id limit 5",
}


def _deal_ids(cur, pick: str) -> list[int]:
    return [row[0] for row in cur.execute(PICKS[pick]).fetchall()]


def _change(cur, deal: int, when: dt.datetime, **changes) -> None:
    current = deals.get_deal(cur, SYSTEM, deal)
    deals.update_deal(cur, SYSTEM, deal, current["row_version"], changes, at=when)


@pytest.fixture(scope="module")
def results():
    database = Database(":memory:")
    migrate(database)
    demo.build_demo(database, deals=3_000, seed=7, as_of=bench.AS_OF)
    evening = dt.datetime.combine(bench.AS_OF, dt.time(19))
    later = evening + dt.timedelta(hours=1)
    with database.transaction() as cur:
        won = _deal_ids(cur, "won in the quarter")
        lost = _deal_ids(cur, "lost in the quarter")
        open_ = _deal_ids(cur, "open")
        old_win = _deal_ids(cur, "won long ago")[0]
        _change(cur, won[0], evening, stage_id=3)  # reopened, open at the end
        _change(cur, won[1], evening, stage_id=3)  # reopened, then won again
        _change(cur, won[1], later, stage_id=8)
        _change(cur, won[2], evening, amount="777.77")  # changed while won
        _change(cur, lost[0], evening, stage_id=2, amount="1234.50", probability="35")
        _change(cur, open_[0], evening, stage_id=8)  # won, lost inside the window
        _change(cur, open_[1], evening, stage_id=9, loss_reason="Price")
        _change(cur, open_[2], evening, owner_rep_id=2, territory_id=3)
        _change(cur, open_[3], dt.datetime(2026, 10, 5, 9), expected_close_date="2027-02-01")
        _change(cur, open_[4], evening, stage_id=1)  # back to the first stage
        _change(cur, old_win, dt.datetime(2026, 10, 2, 9), stage_id=5)  # an old win reopened
        _change(cur, old_win, dt.datetime(2026, 10, 20, 9), stage_id=8)
        deals.create_deal(
            cur,
            SYSTEM,
            {
                "opportunity_name": "New in the window",
                "owner_rep_id": 1,
                "amount": "900",
                "expected_close_date": "2026-12-15",
            },
            at=evening,
        )
        funnel.refresh_history(cur)
    duck = {
        tab: bench.time_steps(steps, 1)[0] for tab, steps in bench.duckdb_tabs(database).items()
    }
    frames, _ = bench.load_frames(database)
    panda = {
        tab: bench.time_steps(steps, 1, warm_up=False)[0]
        for tab, steps in bench.pandas_tabs(frames).items()
    }
    yield duck, panda
    database.close()


def test_pandas_computes_every_figure_of_the_three_tabs_as_duckdb_does(results) -> None:
    duck, panda = results
    assert {tab: list(calls) for tab, calls in panda.items()} == {
        tab: list(calls) for tab, calls in duck.items()
    }
    comparison = bench.check(duck, panda)
    assert comparison.problems == []
    compared = {entry.split(":")[0]: entry for entry in comparison.compared}
    for call in (
        "load_funnel",
        "load_outcomes",
        "load_time_in_stage",
        "load_pipeline_as_of",
        "load_waterfall",
        "load_territories",
        "load_rep_workload",
        "load_forecast",
        "load_history",
        "explain_gap effects",
        "explain_gap by territory",
        "explain_gap fulfilment",
        "load_what_works",
    ):
        assert call in compared
    assert compared["load_funnel"].startswith("load_funnel: 14 rows")  # 2 periods x 7 stages
    assert compared["load_waterfall"].startswith("load_waterfall: 9 rows")
    assert compared["load_history"].startswith("load_history: 5 rows")
    steps = duck["Funnel"]["load_waterfall"].set_index("step")
    assert steps.loc["won", "deals"] > 0 and steps.loc["pushed_out", "deals"] > 0


def test_the_check_notices_a_cent_a_count_a_day_and_a_missing_row(results) -> None:
    duck, panda = results
    changed = copy.deepcopy(panda)
    changed["Funnel"]["load_waterfall"].loc[0, "amount"] += 0.01
    territories = changed["Territory"]["load_territories"]
    territories.loc[territories.index[0], "won"] += 1
    stays = changed["Funnel"]["load_time_in_stage"]
    stays.loc[stays.index[0], "median_days"] += 1e-5
    changed["Forecast"]["load_what_works"] = changed["Forecast"]["load_what_works"].iloc[1:]
    problems = bench.check(duck, changed).problems
    assert len(problems) == 4
    assert any(problem.startswith("load_waterfall: start amount") for problem in problems)
    assert any(
        problem.startswith("load_territories:") and " won:" in problem for problem in problems
    )
    assert any("median_days" in problem for problem in problems)
    assert any(problem.startswith("load_what_works: rows only in DuckDB") for problem in problems)


def test_the_steal_share_is_the_stolen_part_of_the_ticks_in_between() -> None:
    assert bench.steal_share((10, 1000), (30, 1400)) == "5%"
    assert bench.steal_share(None, (30, 1400)) == "unknown"  # not Linux
    assert bench.steal_share((10, 1000), (10, 1000)) == "unknown"  # no time passed
    ticks = bench.cpu_ticks()
    assert ticks is None or 0 <= ticks[0] <= ticks[1]
