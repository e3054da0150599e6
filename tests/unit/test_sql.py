"""Every SQL file binds against the migrated schema; the loader refuses wrong parameters."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from dashboard import demo, sql
from dashboard.db import Database
from tests.sql_samples.core import NOW

# A plausible value for every parameter name used under queries/, gathered from
# tests/sql_samples/*.py (one file per domain, each with a SAMPLES dict). A new parameter
# without a sample fails the test below, so the lists stay complete.
# A module may also define prepare(cur) to create working objects its queries read.
SAMPLE_MODULES = [
    importlib.import_module(f"tests.sql_samples.{path.stem}")
    for path in sorted((Path(__file__).parent.parent / "sql_samples").glob("*.py"))
    if path.name != "__init__.py"
]
SAMPLES: dict[str, object] = {}
for _module in SAMPLE_MODULES:
    SAMPLES.update(_module.SAMPLES)


@pytest.fixture(scope="module")
def prepared() -> Database:
    """A migrated database with the demo generator's working objects in place."""
    database = Database(":memory:")
    from dashboard.db import migrate

    migrate(database)
    cur = database.cursor()
    sql.execute(cur, "demo/create_uniform_macro")
    for name, frame in demo._org_frames(7).items():
        cur.register(name, frame)
    sql.execute(cur, "demo/create_demo_deals", seed=7, n_deals=0, as_of=NOW)
    for module in SAMPLE_MODULES:
        if hasattr(module, "prepare"):
            module.prepare(cur)
    yield database, cur
    database.close()


@pytest.mark.parametrize("name", sql.all_query_names())
def test_every_query_binds(prepared, name: str) -> None:
    _, cur = prepared
    query = sql.load(name)
    missing = query.params - SAMPLES.keys()
    assert not missing, f"add sample values for {sorted(missing)} to SAMPLES"
    params = {key: SAMPLES[key] for key in query.params}
    text = query.text.strip().rstrip(";")
    cur.execute(f"explain {text}", params)  # binds and plans without running


def test_every_query_names_its_grain_in_a_header_comment() -> None:
    for name in sql.all_query_names():
        assert sql.load(name).text.lstrip().startswith("--"), f"{name} has no header comment"


def test_parameters_are_found_outside_comments_and_strings() -> None:
    text = "-- uses $not_this\nselect $a, '$nor_this', $b_2 from t where x = $a"
    assert sql.parameters_of(text) == {"a", "b_2"}


def test_missing_or_unknown_parameters_are_refused(cur) -> None:
    with pytest.raises(TypeError, match="missing parameters \\['key'\\]"):
        sql.execute(cur, "workspace/get_setting")
    with pytest.raises(TypeError, match="unknown \\['typo'\\]"):
        sql.execute(cur, "workspace/get_setting", key="x", typo=1)


@pytest.mark.parametrize("name", ["../schema/001_core", "kpis/../../etc", "kpis", "a/b c"])
def test_query_names_cannot_leave_the_queries_folder(name: str) -> None:
    with pytest.raises((ValueError, FileNotFoundError)):
        sql.load(name)
