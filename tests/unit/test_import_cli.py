"""`python -m dashboard import FILE... --json`, `imports list`, `imports undo`, `imports rejects`."""

from __future__ import annotations

import json

import pytest

from dashboard import cli
from tests.unit.test_import_support import DATASETS, requires_datasets

DEALS = (
    b"Deal ID,Owner,Account,Stage,Amount,Close Date\r\n"
    b"K1,Ann Seller,Acme,Prospecting,100,2026-05-01\r\n"
    b"K2,Ann Seller,Acme,Closed Won,250,2026-01-15\r\n"
    b"K3,Ann Seller,Acme,Prospecting,-4,2026-05-01\r\n"
)
AMBIGUOUS = (
    b"Deal ID,Owner,Stage,Amount,Close Date\r\n"
    b"M1,Ann Seller,Prospecting,100,03/04/26\r\nM2,Ann Seller,Prospecting,100,05/06/26\r\n"
)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def files(tmp_path):
    (tmp_path / "deals.csv").write_bytes(DEALS)
    (tmp_path / "ambiguous.csv").write_bytes(AMBIGUOUS)
    (tmp_path / "junk.bin").write_bytes(b"\x00\x01\x02\x03junk")
    return tmp_path


def test_import_prints_a_json_summary_and_exits_0_with_rejects(capsys, files) -> None:
    db = str(files / "sales.duckdb")
    code, out, err = run(
        capsys, "import", str(files / "deals.csv"), "--db", db, "--create-reps", "--json"
    )
    summary = json.loads(out)
    assert code == 0, err
    assert {key: summary[key] for key in ("batch_id", "rows", "inserted", "rejected")} == {
        "batch_id": 1,
        "rows": 3,
        "inserted": 2,
        "rejected": 1,
    }
    assert summary["source"] == "generic_deals"
    assert summary["rejects"] == [{"row": 4, "reason": "the amount cannot be negative"}]
    code, out, _ = run(capsys, "imports", "list", "--db", db)
    assert [batch["batch_id"] for batch in json.loads(out)] == [1]
    code, out, _ = run(capsys, "imports", "rejects", "1", "--db", db)
    assert json.loads(out)[0]["Amount"] == "-4"


def test_a_refused_file_exits_2_with_the_reason_and_changes_nothing(capsys, files) -> None:
    db = str(files / "sales.duckdb")
    code, out, err = run(
        capsys, "import", str(files / "deals.csv"), str(files / "junk.bin"), "--db", db
    )
    assert code == 2 and out == ""
    assert "junk.bin is a binary file" in err
    code, out, _ = run(capsys, "imports", "list", "--db", db)
    assert json.loads(out) == []


def test_ambiguous_dates_need_date_format(capsys, files) -> None:
    db = str(files / "sales.duckdb")
    code, _, err = run(capsys, "import", str(files / "ambiguous.csv"), "--db", db, "--create-reps")
    assert code == 2 and "--date-format" in err
    code, out, _ = run(
        capsys,
        "import",
        str(files / "ambiguous.csv"),
        "--db",
        db,
        "--create-reps",
        "--date-format",
        "DD/MM/YY",
        "--json",
    )
    assert code == 0 and json.loads(out)["inserted"] == 2


def test_dry_run_counts_and_changes_nothing(capsys, files) -> None:
    db = str(files / "sales.duckdb")
    code, out, _ = run(
        capsys, "import", str(files / "deals.csv"), "--db", db, "--create-reps", "--dry-run"
    )
    summary = json.loads(out)
    assert code == 0 and summary["dry_run"] and summary["batch_id"] is None
    assert summary["inserted"] == 2
    code, out, _ = run(capsys, "imports", "list", "--db", db)
    assert json.loads(out) == []


def test_a_dry_run_predicts_a_refusal_as_the_load_would_say_it(capsys, files) -> None:
    # without --create-reps no owner of deals.csv is known, so no row can load
    db = str(files / "sales.duckdb")
    file = str(files / "deals.csv")
    code, out, dry_err = run(capsys, "import", file, "--db", db, "--dry-run")
    assert code == 2 and json.loads(out)["rejected"] == 3
    code, out, load_err = run(capsys, "import", file, "--db", db)
    assert code == 2 and out == ""
    refusal = "error: None of the 3 rows of deals.csv can be loaded"
    assert refusal in dry_err
    assert [line for line in dry_err.splitlines() if line.startswith("error:")] == [
        line for line in load_err.splitlines() if line.startswith("error:")
    ]


def test_undo_and_loading_the_same_file_again(capsys, files) -> None:
    db = str(files / "sales.duckdb")
    run(capsys, "import", str(files / "deals.csv"), "--db", db, "--create-reps")
    code, _, err = run(capsys, "import", str(files / "deals.csv"), "--db", db, "--create-reps")
    assert code == 2 and "loaded before as batch 1" in err and "--allow-duplicate" in err
    code, out, _ = run(capsys, "imports", "undo", "1", "--db", db)
    assert code == 0 and json.loads(out)["status"] == "undone"
    code, _, err = run(capsys, "imports", "undo", "1", "--db", db)
    assert code == 2 and "already undone" in err
    code, _, err = run(capsys, "imports", "undo", "99", "--db", db)
    assert code == 2 and "no import batch 99" in err
    # once undone, the same file loads without asking
    code, out, _ = run(capsys, "import", str(files / "deals.csv"), "--db", db, "--create-reps")
    assert code == 0 and json.loads(out)["inserted"] == 2


def test_owners_are_not_created_unless_asked(capsys, files) -> None:
    code, _, err = run(capsys, "import", str(files / "deals.csv"), "--db", str(files / "x.duckdb"))
    assert code == 2
    assert "owner 'Ann Seller' is not a rep" in err and "--create-reps" in err


def test_a_bad_date_format_is_refused_by_the_parser(capsys, files) -> None:
    with pytest.raises(SystemExit):
        cli.main(["import", str(files / "deals.csv"), "--date-format", "whenever"])
    assert "not a date format" in capsys.readouterr().err


@pytest.mark.datasets
def test_several_dataset_files_in_one_command(capsys, tmp_path) -> None:
    requires_datasets()
    folder = DATASETS / "salesforce_export"
    code, out, err = run(
        capsys,
        "import",
        str(folder / "Opportunity.csv"),
        str(folder / "Account.csv"),
        "--db",
        str(tmp_path / "sf.duckdb"),
        "--create-reps",
        "--json",
    )
    summary = json.loads(out)
    assert code == 0, err
    assert [batch["kind"] for batch in summary["batches"]] == ["accounts", "deals"]
    assert (summary["rows"], summary["inserted"]) == (43, 43)
    code, out, _ = run(capsys, "kpis", "--db", str(tmp_path / "sf.duckdb"))
    assert json.loads(out)["bookings"] == 3_645_000
