"""The Imports page through the real entry script: upload, detection, date question, preview,
load with the batch in the history, rejects, undo; only analysts and admins get there."""

from __future__ import annotations

import pytest

from dashboard.config import get_settings
from dashboard.db import open_database
from dashboard.importing import batches, planning
from tests.app.conftest import user_id_for

ANALYST_USER = "analyst"


def _rep_names(count: int) -> list[str]:
    with open_database(get_settings().db_path).reading() as cur:
        return [
            row[0]
            for row in cur.execute(
                "select full_name from reps order by rep_id limit ?", [count]
            ).fetchall()
        ]


def _deals_csv() -> bytes:
    first, second = _rep_names(2)
    return (
        "Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Deal owner\r\n"
        f"app-1,App test one,Closed won,1200,2026-01-20,2025-11-02,{first}\r\n"
        f"app-2,App test two,Appointment scheduled,800,2026-09-30,2026-01-10,{second}\r\n"
        f"app-3,App test three,Closed won,-5,2026-01-20,2025-11-02,{second}\r\n"
    ).encode()


def _open(app, role: str = ANALYST_USER):
    at = app(role).run()
    at.switch_page("pages/imports.py").run()
    assert not at.exception, at.exception
    return at


def _upload(at, *files: tuple[str, bytes]):
    at.file_uploader(key="imports_files_0").set_value(
        [(name, data, "text/csv") for name, data in files]
    ).run()
    assert not at.exception, at.exception
    return at


def _undo_all_app_batches() -> None:
    import streamlit as st

    from dashboard import auth

    st.cache_data.clear()
    with open_database(get_settings().db_path).transaction() as cur:
        viewer = auth.get_viewer(cur, user_id_for(ANALYST_USER))
        history = batches.list_batches(cur, viewer)
        for batch_id in history[history["status"] == "loaded"]["batch_id"]:
            batches.undo_batch(cur, viewer, int(batch_id))


@pytest.fixture
def clean(app):
    yield
    _undo_all_app_batches()


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_the_page_opens_with_an_upload_box(app, role) -> None:
    at = _open(app, role)
    assert at.title[0].value == "Imports"
    assert "Upload one or more exports" in at.info[0].value
    assert [tab.label for tab in at.tabs] == ["Upload", "History", "Mapping profiles"]


def test_upload_preview_and_load_a_hubspot_export(app, clean) -> None:
    at = _upload(_open(app), ("hubspot-deals.csv", _deals_csv()))
    assert "HubSpot deals export" in at.caption[1].value
    at.button(key="imports_preview_button").click().run()
    assert not at.exception, at.exception
    shown = {metric.label: metric.value for metric in at.metric}
    assert shown == {"New": "2", "Updated": "0", "Unchanged": "0", "Rejected": "1"}
    assert any("the amount cannot be negative" in frame.value.to_string() for frame in at.dataframe)
    labels = [button.label for button in at.get("download_button")]
    assert labels.count("Download CSV") >= 2
    at.button(key="imports_load_button").click().run()
    assert not at.exception, at.exception
    assert "Loaded. hubspot-deals.csv: batch" in at.success[0].value
    assert "2 new" in at.success[0].value
    history = at.dataframe[0].value
    assert history.iloc[0]["file_name"] == "hubspot-deals.csv"
    assert history.iloc[0]["rejected"] == 1


def test_ambiguous_dates_are_asked_before_the_preview(app) -> None:
    first = _rep_names(1)[0]
    data = (
        "Deal ID,Owner,Stage,Amount,Close Date\r\n"
        f"amb-1,{first},Prospecting,100,03/04/27\r\n"
        f"amb-2,{first},Prospecting,100,05/06/27\r\n"
    ).encode()
    at = _upload(_open(app), ("ambiguous.csv", data))
    assert any("read both as day/month and as month/day" in warning.value for warning in at.warning)
    assert not [button for button in at.button if button.key == "imports_preview_button"]
    radio = next(radio for radio in at.radio if radio.key.endswith("_dates"))
    radio.set_value("dmy").run()
    assert not at.exception, at.exception
    at.button(key="imports_preview_button").click().run()
    assert {metric.label: metric.value for metric in at.metric}["New"] == "2"


def test_a_junk_file_is_refused_with_the_reason(app) -> None:
    grid = (
        b"accounts,,,,sales_teams,,\naccount,sector,,,sales_agent,manager,\n,,,,,,\n"
        b"products,,,sales_pipeline,,,\n,,,,,,\n,,,Relationship,,,\n,,,products,x,,\n"
    )
    at = _upload(_open(app), ("layout.csv", grid))
    refused = [error.value for error in at.error if error.value.startswith("Refused:")]
    assert refused and "is not a data table" in refused[0]


def _again_csv() -> bytes:
    first, second = _rep_names(2)
    return (
        "Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Deal owner\r\n"
        f"again-1,Again one,Closed won,700,2026-02-10,2025-12-01,{first}\r\n"
        f"again-2,Again two,Appointment scheduled,300,2026-10-30,2026-02-01,{second}\r\n"
    ).encode()


def _load_elsewhere(name: str, data: bytes) -> int:
    """Someone else (another session, another app server) loads the file; its batch id."""
    from dashboard import auth

    db = open_database(get_settings().db_path)
    with db.reading() as cur:
        viewer = auth.get_viewer(cur, user_id_for(ANALYST_USER))
        plans = planning.plan_file(cur, viewer, name, data)
    return planning.load(db, viewer, plans)[0].batch_id


def _loads_of(name: str) -> int:
    with open_database(get_settings().db_path).reading() as cur:
        return cur.execute(
            "select count(*) from import_batches where file_name = ? and status = 'loaded'",
            [name],
        ).fetchone()[0]


def test_a_file_loaded_since_the_preview_needs_a_new_preview_and_the_tick(app, clean) -> None:
    data = _again_csv()
    at = _upload(_open(app), ("again.csv", data))
    at.button(key="imports_preview_button").click().run()
    assert not [box for box in at.checkbox if box.key == "imports_again_0"]  # new to the preview
    batch_id = _load_elsewhere("again.csv", data)
    at.button(key="imports_load_button").click().run()
    assert not at.exception, at.exception
    errors = [error.value for error in at.error]
    assert any(
        error.startswith(f"again.csv was loaded before as batch {batch_id} on ")
        and error.endswith("Nothing was loaded.")
        for error in errors
    ), errors
    assert _loads_of("again.csv") == 1  # loaded nothing
    # the preview was dropped: the page says the file was loaded before and asks again
    assert not [button for button in at.button if button.key == "imports_load_button"]
    assert any(f"loaded before as batch {batch_id}" in warning.value for warning in at.warning)
    at.button(key="imports_preview_button").click().run()
    assert at.button(key="imports_load_button").disabled
    assert "load it again" in at.checkbox(key="imports_again_0").label
    at.checkbox(key="imports_again_0").check().run()
    at.button(key="imports_load_button").click().run()
    assert not at.exception, at.exception
    assert "Loaded. again.csv: batch" in at.success[0].value
    assert _loads_of("again.csv") == 2


def test_a_file_loaded_before_loads_again_only_with_the_tick(app, clean) -> None:
    data = _again_csv()
    batch_id = _load_elsewhere("again.csv", data)
    at = _upload(_open(app), ("again.csv", data))
    assert any(f"loaded before as batch {batch_id}" in warning.value for warning in at.warning)
    at.button(key="imports_preview_button").click().run()
    assert at.button(key="imports_load_button").disabled
    assert any("Tick “load it again”" in warning.value for warning in at.warning)
    assert _loads_of("again.csv") == 1  # a browser cannot load it without the tick
    at.checkbox(key="imports_again_0").check().run()
    at.button(key="imports_load_button").click().run()
    assert not at.exception, at.exception
    assert "Loaded. again.csv: batch" in at.success[0].value
    assert _loads_of("again.csv") == 2


def test_history_shows_rejects_and_undoes_a_batch(app, clean) -> None:
    at = _upload(_open(app), ("hubspot-deals.csv", _deals_csv()))
    at.button(key="imports_preview_button").click().run()
    at.button(key="imports_load_button").click().run()
    assert not at.exception, at.exception
    batch_id = at.selectbox(key="imports_batch").value
    assert any("the amount cannot be negative" in frame.value.to_string() for frame in at.dataframe)
    at.checkbox(key=f"imports_undo_sure_{batch_id}").check().run()
    at.button(key="imports_undo_button").click().run()
    assert not at.exception, at.exception
    assert f"Batch {batch_id} was undone." in at.success[0].value
    with open_database(get_settings().db_path).reading() as cur:
        gone = cur.execute(
            "select count(*) from opportunities where external_id like 'app-%'"
        ).fetchone()[0]
    assert gone == 0


@pytest.mark.datasets
def test_an_order_export_and_its_returns_preview_together(app) -> None:
    from tests.unit.test_import_support import DATASETS, requires_datasets

    requires_datasets()
    folder = DATASETS / "superstore" / "edition_2020"
    at = _upload(
        _open(app),
        ("Sample - Superstore.csv", (folder / "Sample - Superstore.csv").read_bytes()),
        ("Returns.csv", (folder / "Returns.csv").read_bytes()),
    )
    assert not [radio for radio in at.radio if radio.key.endswith("_dates")]  # 25/01/19 decides
    at.button(key="imports_preview_button").click().run()
    assert not at.exception, at.exception
    values = [metric.value for metric in at.metric]
    assert values[:4] == ["10,194", "0", "0", "0"]
    assert values[4:] == ["296", "0", "504", "0"]
    assert any(
        "The first 2,000 of 10,194 rows are shown." in caption.value for caption in at.caption
    )
