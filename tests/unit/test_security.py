"""Security review, as tests: SQL never built from input, every CLI command refuses bad input
and changes nothing, sessions expire, sign-in is throttled, passwords are argon2id, no secrets
in the code, uploads are never executed, downloads cannot run formulas, user text is never
rendered as HTML, and the write paths answer any input with success or a DomainError while a
failed write changes nothing.

Pages x roles are covered by tests/app/test_pages.py (every registered page for every role).
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import io
import re
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import PROJECT_ROOT, auth, backup, cli, deals, export
from dashboard.commands.common import CLI_VIEWER
from dashboard.db import Database, migrate
from dashboard.errors import DomainError
from tests.conftest import build_small_demo
from tests.unit.fuzz_inputs import junk

CODE_FILES = sorted(
    [
        PROJECT_ROOT / "streamlit_app.py",
        *(PROJECT_ROOT / "dashboard").rglob("*.py"),
        *(PROJECT_ROOT / "pages").rglob("*.py"),
    ]
)
UI_FILES = [
    path
    for path in CODE_FILES
    if path.parts[-2] == "pages"
    or "ui" in path.relative_to(PROJECT_ROOT).parts[:2]
    or path.name == "streamlit_app.py"
]

# The only places where SQL text is not a literal, and why each is safe.
SQL_TEXT_ALLOWED = {
    ("dashboard/sql.py", "execute"): "the text of a queries/ file, values bound separately",
    ("dashboard/db.py", "execute_script"): "a migration file's text",
    (
        "dashboard/backup.py",
        "_clear_table",
    ): "a table name from the workspace's own catalog, quoted",
    ("dashboard/store.py", "_attach_statement"): "the configured store address as a quoted literal",
    ("dashboard/store.py", "__init__"): "runs _attach_statement (ATTACH takes no parameters)",
    ("dashboard/store.py", "execute_script"): "a migration file's statements",
    ("dashboard/store.py", "_run"): "the store cursor: queries/ text, values bound separately",
    ("dashboard/store.py", "_insert"): "RETURNING emulation: queries/ text + catalog key names",
    ("dashboard/store.py", "_update"): "RETURNING emulation: queries/ text + catalog key names",
    ("dashboard/store.py", "_select"): "RETURNING emulation: queries/ text + catalog key names",
    ("dashboard/store.py", "_create_macro"): "a migration's macro statement, requalified",
}
DUCKDB_TEXT_METHODS = {"execute", "executemany", "sql", "query", "from_query"}
SQL_SHAPES = re.compile(
    r"\bselect\b[\s\S]*\bfrom\b|\binsert\s+into\b|\bupdate\s+\w+\s+set\b|\bdelete\s+from\b"
    r"|\bcreate\s+(or\s+replace\s+)?(temp\s+|temporary\s+)?(table|macro|view|sequence|index)\b"
    r"|\bdrop\s+(table|view|macro|sequence)\b|\battach\s+'|\bcopy\s+\(",
    re.IGNORECASE,
)


def relative(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT))


def functions_of(tree: ast.AST) -> dict[ast.AST, str]:
    """Each node's enclosing function name (module level: '<module>')."""
    owner: dict[ast.AST, str] = {}

    def visit(node: ast.AST, name: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = (
                child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else name
            )
            owner[child] = inner
            visit(child, inner)

    visit(tree, "<module>")
    return owner


def literal_text(node: ast.AST) -> str | None:
    """The literal parts of a string-building expression (f-string, +, %, .format)."""
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else " {} " for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        parts = [literal_text(side) or "" for side in (node.left, node.right)]
        parts += [
            side.value
            for side in (node.left, node.right)
            if isinstance(side, ast.Constant) and isinstance(side.value, str)
        ]
        return " ".join(parts) or None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
    ):
        return str(node.func.value.value)
    return None


def test_sql_text_is_a_literal_or_a_queries_file_everywhere() -> None:
    offenders = []
    for path in CODE_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        owner = functions_of(tree)
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in DUCKDB_TEXT_METHODS
                and node.args
            ):
                continue
            if isinstance(node.func.value, ast.Name) and node.func.value.id == "sql":
                continue  # dashboard.sql: the statement is named, its text read from queries/
            text = node.args[0]
            if isinstance(text, ast.Constant) and isinstance(text.value, str):
                continue
            if (relative(path), owner.get(node)) in SQL_TEXT_ALLOWED:
                continue
            offenders.append(f"{relative(path)}:{node.lineno} {ast.unparse(node)[:100]}")
    assert not offenders, "SQL text built in code:\n" + "\n".join(offenders)


def test_no_string_building_produces_sql() -> None:
    offenders = []
    for path in CODE_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        owner = functions_of(tree)
        for node in ast.walk(tree):
            text = literal_text(node)
            if text and SQL_SHAPES.search(text):
                if (relative(path), owner.get(node)) in SQL_TEXT_ALLOWED:
                    continue
                offenders.append(f"{relative(path)}:{node.lineno} {ast.unparse(node)[:100]}")
    assert not offenders, "SQL built with f-strings, + or %:\n" + "\n".join(offenders)


TEMPLATING = re.compile(r"\{\{|\{%|\{[A-Za-z_0-9]*\}|%\(\w+\)s|%s\b|\$\{")
COMMENT = re.compile(r"--[^\n]*")
STRING = re.compile(r"'(?:[^']|'')*'")


@pytest.mark.parametrize(
    "path",
    sorted((PROJECT_ROOT / "queries").rglob("*.sql")),
    ids=lambda path: str(path.relative_to(PROJECT_ROOT / "queries")),
)
def test_sql_files_hold_no_template_placeholders(path: Path) -> None:
    bare = STRING.sub("''", COMMENT.sub("", path.read_text(encoding="utf-8")))
    assert not TEMPLATING.search(bare), f"{path.name} looks templated; bind $parameters instead"


def test_the_sql_scanners_catch_what_they_look_for() -> None:
    caught = ast.parse('cur.execute(f"select * from deals where id = {deal_id}")').body[0].value
    assert not isinstance(caught.args[0], ast.Constant)
    assert SQL_SHAPES.search(literal_text(caught.args[0]))
    built = ast.parse('"delete from " + table').body[0].value
    assert SQL_SHAPES.search(literal_text(built))
    assert TEMPLATING.search("select * from t where id = {deal_id}")
    assert not TEMPLATING.search("select {'a': 1} as s, $deal_id")


# --- the command line -------------------------------------------------------------------


def test_the_command_line_acts_as_an_administrator_at_the_console() -> None:
    assert CLI_VIEWER.role == "admin"
    assert CLI_VIEWER.scope_params() == {
        "scope_kind": "all",
        "scope_rep_id": None,
        "scope_team_id": None,
    }
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "The command line acts with full scope" in readme


def commands() -> list[tuple[list[str], argparse.ArgumentParser]]:
    """Every leaf command of the CLI with its parser (e.g. ['user', 'add'])."""
    found = []

    def walk(parser: argparse.ArgumentParser, words: list[str]) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            found.append((words, parser))
        for sub in subs:
            for name, child in sub.choices.items():
                walk(child, [*words, name])

    walk(cli.build_parser(), [])
    return found


def bad_invocations() -> list[tuple[str, list[str]]]:
    """For every command: an unknown option, each required option left out, each typed or
    choice option given nonsense. argparse must refuse each with exit status 2."""
    cases = []
    for words, parser in commands():
        name = " ".join(words)
        options = [a for a in parser._actions if a.option_strings and a.dest != "help"]
        required = {a.option_strings[0]: "x" for a in options if a.required}
        positionals = ["x" for a in parser._actions if not a.option_strings and a.nargs != 0]

        def argv(
            extra: dict[str, str],
            skip: str | None = None,
            words: list[str] = words,
            required: dict[str, str] = required,
            positionals: list[str] = positionals,
        ) -> list[str]:
            given = {**required, **extra}
            flat = [part for key, value in given.items() if key != skip for part in (key, value)]
            return [*words, *flat, *positionals]

        cases.append((f"{name}: unknown option", [*argv({}), "--no-such-option", "1"]))
        for option in required:
            cases.append((f"{name}: without {option}", argv({}, skip=option)))
        for action in options:
            flag = action.option_strings[0]
            if action.choices:
                cases.append((f"{name}: {flag} not a choice", argv({flag: "not-a-choice"})))
            elif action.type not in (None, str, Path) and action.nargs != 0:
                cases.append((f"{name}: {flag} not a value", argv({flag: "not-a-value"})))
    return cases


@pytest.fixture(scope="module")
def console_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("console") / "workspace.duckdb"
    build_small_demo(path, deals=400).close()
    return path


def snapshot(path: Path) -> dict:
    db = Database(str(path))
    try:
        with db.reading() as cur:
            return backup.fingerprint_workspace(cur)
    finally:
        db.close()


def run_cli(argv: list[str], stdin: str = "") -> tuple[int, str]:
    old_stdin, old_err = sys.stdin, sys.stderr
    sys.stdin, sys.stderr = io.StringIO(stdin), io.StringIO()
    try:
        try:
            code = cli.main(argv)
        except SystemExit as stop:
            code = stop.code
        return code, sys.stderr.getvalue()
    finally:
        sys.stdin, sys.stderr = old_stdin, old_err


def with_db(argv: list[str], path: Path) -> list[str]:
    words = [word for word in argv if not word.startswith("-")]
    _, parser = next(
        (w, p) for w, p in sorted(commands(), key=lambda c: -len(c[0])) if words[: len(w)] == w
    )
    flags = {flag for a in parser._actions for flag in a.option_strings}
    if "--db" in flags and "--db" not in argv:
        return [*argv, "--db", str(path)]
    if "--from" in flags and "--to" in flags and "--from" not in argv:
        return [*argv, "--from", str(path)]
    return argv


def test_every_command_has_bad_input_cases() -> None:
    names = {" ".join(words) for words, _ in commands()}
    covered = {case.split(":")[0] for case, _ in bad_invocations()}
    assert names == covered
    assert {"init", "demo", "kpis", "user add", "backup", "restore", "migrate-store"} <= names


@pytest.mark.parametrize(
    ("case", "argv"), bad_invocations(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_command_refuses_malformed_input_with_status_2(console_db, case, argv) -> None:
    before = snapshot(console_db)
    code, err = run_cli(with_db(argv, console_db))
    assert code == 2, case
    assert "error" in err.lower() or "usage" in err.lower()
    assert snapshot(console_db) == before


SEMANTIC_REFUSALS = [
    (
        "kpis period ends first",
        ["kpis", "--from", "2026-03-01", "--to", "2026-01-01"],
        "",
        "before it starts",
    ),
    (
        "user add bad email",
        ["user", "add", "--email", "nobody", "--role", "analyst"],
        "long enough pass\n",
        "not an email",
    ),
    (
        "user add short password",
        ["user", "add", "--email", "a@b.example", "--role", "analyst"],
        "short\n",
        "at least 10",
    ),
    (
        "user add rep without rep",
        ["user", "add", "--email", "a@b.example", "--role", "rep"],
        "long enough pass\n",
        "needs the rep",
    ),
    (
        "user add unknown rep",
        ["user", "add", "--email", "a@b.example", "--role", "rep", "--rep-id", "999999"],
        "long enough pass\n",
        "no rep with id",
    ),
    (
        "user add existing email",
        ["user", "add", "--email", "ADMIN@demo.local", "--role", "analyst"],
        "long enough pass\n",
        "exists already",
    ),
    ("demo over data", ["demo", "--deals", "200"], "", "empty workspace"),
    ("restore over data", ["restore", "--from", "{tmp}"], "", "manifest"),
    ("migrate-store onto itself", ["migrate-store", "--to", "{db}"], "", "names the workspace"),
]


@pytest.mark.parametrize(
    ("case", "argv", "stdin", "message"), SEMANTIC_REFUSALS, ids=[c[0] for c in SEMANTIC_REFUSALS]
)
def test_commands_refuse_input_that_makes_no_sense_and_change_nothing(
    console_db, tmp_path, case, argv, stdin, message
) -> None:
    argv = [part.replace("{tmp}", str(tmp_path)).replace("{db}", str(console_db)) for part in argv]
    if case == "restore over data":
        argv += ["--db", str(console_db)]
    before = snapshot(console_db)
    code, err = run_cli(with_db(argv, console_db), stdin)
    assert code == 2, err
    assert message in err
    assert err.startswith("error: ")
    assert snapshot(console_db) == before


def test_backup_into_a_folder_with_files_changes_nothing(console_db, tmp_path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    code, err = run_cli(["backup", "--db", str(console_db), "--out", str(tmp_path)])
    assert code == 2
    assert "not empty" in err
    assert [path.name for path in tmp_path.iterdir()] == ["keep.txt"]


# --- sessions, sign-in, passwords --------------------------------------------------------


class FakeState(dict):
    """st.session_state stand-in: the expiry rule only gets, sets and pops keys."""


@pytest.fixture
def session_rule(monkeypatch, tmp_path):
    from dashboard.ui import session

    db = Database(":memory:")
    migrate(db)
    with db.transaction() as cur:
        user_id = auth.create_user(cur, "who@example.com", "long enough secret", "analyst")
    state = FakeState()
    monkeypatch.setattr(session.st, "session_state", state)
    clock = {"now": dt.datetime(2026, 11, 25, 9, 0)}
    monkeypatch.setattr(session, "now", lambda: clock["now"])
    settings_now = session.get_settings()
    session.sign_in(auth.Viewer(user_id, "who@example.com", "who", "analyst"))
    yield session, db, state, clock, settings_now
    db.close()


def test_an_active_session_stays_and_counts_as_activity(session_rule) -> None:
    session, db, state, clock, settings_now = session_rule
    idle = dt.timedelta(minutes=settings_now.session_idle_minutes)
    for _ in range(3):
        clock["now"] += idle - dt.timedelta(minutes=1)
        assert session.current_viewer(db).email == "who@example.com"
    assert state[session.SESSION_SEEN] == clock["now"]


def test_an_idle_session_expires_with_a_notice(session_rule) -> None:
    session, db, state, clock, settings_now = session_rule
    clock["now"] += dt.timedelta(minutes=settings_now.session_idle_minutes, seconds=1)
    assert session.current_viewer(db) is None
    assert session.SESSION_USER not in state
    assert "expired" in state[session.SESSION_NOTICE]


def test_a_session_ends_after_the_maximum_hours_even_when_active(session_rule) -> None:
    session, db, state, clock, settings_now = session_rule
    step = dt.timedelta(minutes=max(1, settings_now.session_idle_minutes - 1))
    end = clock["now"] + dt.timedelta(hours=settings_now.session_max_hours)
    while clock["now"] + step <= end:
        clock["now"] += step
        assert session.current_viewer(db) is not None
    clock["now"] = end + dt.timedelta(seconds=1)
    assert session.current_viewer(db) is None
    assert "expired" in state[session.SESSION_NOTICE]


def test_a_deactivated_account_loses_its_session_at_once(session_rule) -> None:
    session, db, state, _, _ = session_rule
    admin = auth.Viewer(999, "root@example.com", "root", "admin")
    with db.transaction() as cur:
        auth.set_user_active(cur, state[session.SESSION_USER], False, admin)
    assert session.current_viewer(db) is None
    assert session.SESSION_USER not in state


def test_sign_in_is_throttled_per_email_after_repeated_failures(db) -> None:
    now = dt.datetime(2026, 11, 25, 9, 0)
    with db.transaction() as cur:
        auth.create_user(cur, "t@example.com", "long enough secret", "analyst")
        for attempt in range(auth.FREE_ATTEMPTS):
            with pytest.raises(DomainError, match="not right"):
                auth.authenticate(
                    cur, "t@example.com", "wrong", now + dt.timedelta(seconds=attempt)
                )
        with pytest.raises(DomainError, match="Too many failed sign-ins"):
            auth.authenticate(
                cur, "t@example.com", "long enough secret", now + dt.timedelta(seconds=3)
            )
        assert auth.throttle_wait(cur, "other@example.com", now) == dt.timedelta(0)


def test_passwords_are_argon2id_hashes_never_the_password(db) -> None:
    with db.transaction() as cur:
        auth.create_user(cur, "h@example.com", "my long passphrase", "analyst")
        stored = cur.execute(
            "select password_hash from users where email = 'h@example.com'"
        ).fetchone()[0]
    assert stored.startswith("$argon2id$")
    assert "passphrase" not in stored


# --- secrets, uploads, downloads, HTML ---------------------------------------------------

SECRET_SHAPES = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"\b(ghp|gho|github_pat|glpat|xox[abp]|sk_live|sk-)[A-Za-z0-9_\-]{16,}"),
    re.compile(r"postgres(ql)?://[^:/\s\"']+:[^@\s\"']+@"),
    re.compile(
        r"(?i)\b(password|passwd|secret|api_key|apikey|token|client_secret)\s*[:=]\s*['\"][^'\"\s]{8,}['\"]"
    ),
]
SECRET_SCAN = [
    *CODE_FILES,
    *(PROJECT_ROOT / "bench").rglob("*.py"),
    *(PROJECT_ROOT / "scripts").rglob("*"),
    *(PROJECT_ROOT / ".streamlit").glob("*.toml"),
    PROJECT_ROOT / "requirements.txt",
]


def test_no_secret_looking_literal_is_in_the_code() -> None:
    found = []
    for path in SECRET_SCAN:
        if not path.is_file() or path.name == "secrets.toml":
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for shape in SECRET_SHAPES:
            for match in shape.finditer(text):
                found.append(f"{relative(path)}: {match.group(0)[:40]}")
    assert not found, "secret-looking literals:\n" + "\n".join(found)


def test_the_secret_scanner_recognises_secrets() -> None:
    samples = [
        'password = "hunter2hunter2"',
        "postgresql://sales:s3cret@db.example/sales",
        "-----BEGIN RSA PRIVATE KEY-----",
        "AKIAABCDEFGHIJKLMNOP",
    ]
    assert all(any(shape.search(sample) for shape in SECRET_SHAPES) for sample in samples)


def test_secrets_come_only_from_the_environment_or_secrets_toml() -> None:
    ignored = (PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".streamlit/secrets.toml" in ignored
    config = (PROJECT_ROOT / "dashboard" / "config.py").read_text(encoding="utf-8")
    assert "os.environ" in config and "secrets.toml" in config
    from dashboard.config import SETTINGS

    for name, (env_var, _, default, _) in SETTINGS.items():
        assert not any(shape.search(default) for shape in SECRET_SHAPES), name
        assert env_var.startswith("SALES_")


EXECUTION = re.compile(
    r"(?<![\w.])(eval|exec|compile)\(|pickle\.loads?\(|marshal\.loads?\(|yaml\.load\(|"
    r"os\.system\(|shell\s*=\s*True|subprocess\.|__import__\(|importlib\.import_module\((?!name\b)"
)


def test_nothing_uploaded_or_stored_is_ever_executed() -> None:
    found = []
    for path in CODE_FILES:
        if path.name == "cli.py":  # imports the fixed COMMAND_MODULES list
            continue
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            if EXECUTION.search(line) and not line.lstrip().startswith("#"):
                found.append(f"{relative(path)}:{number}: {line.strip()[:80]}")
    assert not found, "code that could execute data:\n" + "\n".join(found)


def test_uploads_are_size_limited() -> None:
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert 0 < config["server"]["maxUploadSize"] <= 200  # megabytes, enforced by Streamlit
    uploads = [path for path in UI_FILES if "file_uploader(" in path.read_text(encoding="utf-8")]
    for path in uploads:
        text = path.read_text(encoding="utf-8")
        assert "type=" in text, f"{relative(path)}: an uploader must name the file types it takes"


@given(
    st.text(alphabet=st.sampled_from("=+-@\t\r,;\"'a1 "), min_size=1, max_size=12),
    st.sampled_from(["csv", "xlsx"]),
)
@settings(max_examples=60, deadline=None)
def test_no_downloaded_cell_can_start_a_formula(text: str, kind: str) -> None:
    import pandas as pd

    frame = pd.DataFrame({"note": [text], text: [1]})
    safe = export.neutralise_formulas(frame)
    for value in [*safe["note"].tolist(), *safe.columns]:
        assert not str(value).startswith(export.FORMULA_PREFIXES)
    payload = export.to_csv_bytes(frame) if kind == "csv" else export.to_xlsx_bytes(frame)
    assert payload


SPREADSHEET_WRITERS = re.compile(r"\.to_csv\(|\.to_excel\(|ExcelWriter\(|Workbook\(")
NEUTRALISED = re.compile(r"neutralise_(formulas|cell)\(|[\"']strings_to_formulas[\"']:\s*False")


def test_every_spreadsheet_download_neutralises_formulas() -> None:
    """Pages hand out only bytes made by dashboard.export or a domain function; a domain
    function that writes CSV/XLSX itself must neutralise formulas in that same function."""
    raw = []
    for path in CODE_FILES:
        if relative(path) == "dashboard/export.py":
            continue
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text, str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            body = ast.get_source_segment(text, node) or ""
            inner = [n for n in ast.walk(node) if n is not node and isinstance(n, ast.FunctionDef)]
            for child in inner:
                body = body.replace(ast.get_source_segment(text, child) or "", "")
            if SPREADSHEET_WRITERS.search(body) and (
                path in UI_FILES or not NEUTRALISED.search(body)
            ):
                raw.append(f"{relative(path)}:{node.lineno} {node.name}")
    assert not raw, "spreadsheets written without neutralising formulas:\n" + "\n".join(raw)


def test_user_text_is_never_rendered_as_html() -> None:
    found = []
    for path in UI_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = ast.unparse(node.func)
            unsafe = any(
                keyword.arg == "unsafe_allow_html"
                and not (isinstance(keyword.value, ast.Constant) and keyword.value.value is False)
                for keyword in node.keywords
            )
            html_call = name.endswith(("st.html", "components.html", "components.v1.html"))
            if (unsafe or html_call) and not all(
                isinstance(arg, ast.Constant) for arg in node.args
            ):
                found.append(f"{relative(path)}:{node.lineno} {ast.unparse(node)[:80]}")
    assert not found, "HTML built from non-literal text:\n" + "\n".join(found)


# --- the write paths against any input --------------------------------------------------

ADMIN = auth.Viewer(1, "admin@x.example", "Admin", "admin")
REP = auth.Viewer(2, "rep@x.example", "Rep", "rep", rep_id=1)
MANAGER = auth.Viewer(3, "m@x.example", "Manager", "manager", team_id=2)
EXECUTIVE = auth.Viewer(4, "e@x.example", "Exec", "executive")
ANALYST = auth.Viewer(5, "a@x.example", "Analyst", "analyst")

field_names = st.sampled_from([*deals.FIELDS, "opportunity_id", "row_version", "created_at"])


@pytest.fixture(scope="module")
def fuzz_db():
    db = Database(":memory:")
    migrate(db)
    with db.transaction() as cur:
        cur.execute(
            "insert into teams values (1, 'Company', null, 'company', null),"
            " (2, 'Team A', 1, 'team', null), (3, 'Team B', 1, 'team', null)"
        )
        cur.execute(
            "insert into reps (rep_id, full_name, team_id) values (1, 'Rep One', 2), (2, 'Rep Two', 3)"
        )
        cur.execute("insert into fx_rates values ('EUR', '2020-01-01', 1.1)")
        for viewer in (ADMIN, REP, MANAGER, EXECUTIVE, ANALYST):
            auth.insert_user(
                cur,
                viewer.email,
                viewer.display_name,
                viewer.role,
                None,
                viewer.rep_id,
                viewer.team_id,
            )
        deals.create_deal(cur, ADMIN, {"opportunity_name": "Seed", "owner_rep_id": 1, "amount": 10})
    yield db
    db.close()


def state_of(db: Database) -> dict:
    with db.reading() as cur:
        return backup.fingerprint_workspace(cur)


def attempt(db: Database, write) -> None:
    """Run one write: it succeeds, or raises a DomainError and leaves the database as it was."""
    before = state_of(db)
    try:
        with db.transaction() as cur:
            write(cur)
    except DomainError as error:
        assert str(error).strip(), "a refusal needs a message"
        assert state_of(db) == before
    except deals.ConflictError:
        assert state_of(db) == before


FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(
    viewer=st.sampled_from([ADMIN, REP, MANAGER, EXECUTIVE, ANALYST]),
    origin=st.sampled_from(deals.ORIGINS),
    values=st.dictionaries(field_names, junk, max_size=6),
    base=st.booleans(),
)
def test_create_deal_answers_any_input_with_a_deal_or_a_reason(
    fuzz_db, viewer, origin, values, base
) -> None:
    given_values = {"opportunity_name": "Fuzz", "owner_rep_id": 1, **values} if base else values
    attempt(fuzz_db, lambda cur: deals.create_deal(cur, viewer, given_values, origin=origin))


@FUZZ
@given(
    viewer=st.sampled_from([ADMIN, REP, MANAGER, EXECUTIVE, ANALYST]),
    origin=st.sampled_from(deals.ORIGINS),
    deal_id=st.one_of(st.just(1), st.integers(min_value=-5, max_value=2**40)),
    version=st.one_of(st.just(None), st.integers(min_value=-2, max_value=10)),
    changes=st.dictionaries(field_names, junk, max_size=6),
)
def test_update_deal_answers_any_input_with_a_change_or_a_reason(
    fuzz_db, viewer, origin, deal_id, version, changes
) -> None:
    def write(cur) -> None:
        current = version
        if current is None:
            row = cur.execute(
                "select row_version from opportunities where opportunity_id = $id", {"id": deal_id}
            ).fetchone()
            current = row[0] if row else 1
        deals.update_deal(cur, viewer, deal_id, current, changes, origin=origin)

    attempt(fuzz_db, write)


@FUZZ
@given(
    email=st.one_of(st.emails(), st.text(max_size=30), st.just("ADMIN@x.example")),
    password=st.text(max_size=30),
    role=st.one_of(st.sampled_from(auth.ROLES), st.text(max_size=10)),
    display_name=st.text(max_size=30),
    rep_id=st.one_of(st.none(), st.integers(min_value=-(2**40), max_value=2**40), st.just(1)),
    team_id=st.one_of(st.none(), st.integers(min_value=-(2**40), max_value=2**40), st.just(2)),
)
def test_create_user_answers_any_input_with_an_account_or_a_reason(
    fuzz_db, email, password, role, display_name, rep_id, team_id
) -> None:
    attempt(
        fuzz_db,
        lambda cur: auth.create_user(cur, email, password, role, display_name, rep_id, team_id),
    )


def test_a_refused_write_in_the_fuzz_harness_really_is_checked(fuzz_db) -> None:
    before = state_of(fuzz_db)
    with pytest.raises(DomainError), fuzz_db.transaction() as cur:
        deals.create_deal(cur, ADMIN, {"opportunity_name": "Half", "owner_rep_id": 1})
        deals.create_deal(cur, ADMIN, {"opportunity_name": "Bad", "owner_rep_id": 1, "amount": -1})
    assert state_of(fuzz_db) == before  # the first, valid deal was rolled back too
