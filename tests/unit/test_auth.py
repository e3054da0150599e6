"""Accounts and sign-in: hashing, validation, throttling."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import auth
from dashboard.errors import PermissionDenied, SignInError, ValidationError

NOW = dt.datetime(2026, 11, 25, 9, 0)


@pytest.fixture
def accounts(db):
    with db.transaction() as cur:
        cur.execute("insert into teams values (1, 'Company', null, 'company', null)")
        cur.execute("insert into reps (rep_id, full_name, team_id) values (5, 'Rep Five', 1)")
        auth.create_user(cur, "Ada@Example.com", "correct horse battery", "analyst", "Ada")
        auth.create_user(cur, "rep@example.com", "correct horse battery", "rep", rep_id=5)
    yield db


def test_passwords_are_stored_as_argon2_hashes(accounts) -> None:
    with accounts.reading() as cur:
        stored = cur.execute(
            "select password_hash from users where email = 'ada@example.com'"
        ).fetchone()[0]
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored


def test_valid_credentials_give_the_viewer_with_scope(accounts) -> None:
    with accounts.transaction() as cur:
        viewer = auth.authenticate(cur, "  ADA@example.com ", "correct horse battery", NOW)
        rep = auth.authenticate(cur, "rep@example.com", "correct horse battery", NOW)
    assert (viewer.role, viewer.display_name, viewer.scope_kind) == ("analyst", "Ada", "all")
    assert rep.scope_params() == {"scope_kind": "rep", "scope_rep_id": 5, "scope_team_id": None}


@pytest.mark.parametrize(
    ("email", "password"), [("ada@example.com", "wrong"), ("nobody@example.com", "x")]
)
def test_wrong_credentials_say_nothing_about_which_part_was_wrong(
    accounts, email, password
) -> None:
    with (
        accounts.transaction() as cur,
        pytest.raises(SignInError, match="Email or password is not right"),
    ):
        auth.authenticate(cur, email, password, NOW)


def test_repeated_failures_slow_down_further_attempts(accounts) -> None:
    with accounts.transaction() as cur:
        for attempt in range(auth.FREE_ATTEMPTS):
            with pytest.raises(SignInError, match="not right"):
                auth.authenticate(
                    cur, "ada@example.com", "wrong", NOW + dt.timedelta(seconds=attempt)
                )
        last = NOW + dt.timedelta(seconds=auth.FREE_ATTEMPTS - 1)
        with pytest.raises(SignInError, match="Too many failed sign-ins"):
            auth.authenticate(
                cur, "ada@example.com", "correct horse battery", last + dt.timedelta(seconds=1)
            )
        # after the wait the right password works, and the count starts again
        viewer = auth.authenticate(
            cur, "ada@example.com", "correct horse battery", last + dt.timedelta(seconds=3)
        )
        assert viewer.email == "ada@example.com"
        assert auth.throttle_wait(
            cur, "ada@example.com", last + dt.timedelta(seconds=4)
        ) == dt.timedelta(0)


def test_waits_double_and_are_capped(accounts) -> None:
    with accounts.transaction() as cur:
        for attempt in range(20):
            cur.execute(
                "insert into signin_attempts values ('nobody@x', $at, false)",
                {"at": NOW + dt.timedelta(seconds=attempt)},
            )
        wait = auth.throttle_wait(cur, "nobody@x", NOW + dt.timedelta(seconds=19))
    assert wait == auth.MAX_WAIT


def test_deactivated_accounts_cannot_sign_in(accounts) -> None:
    admin = auth.Viewer(99, "root@x", "Root", "admin")
    with accounts.transaction() as cur:
        user_id = auth.viewer_for_email(cur, "ada@example.com").user_id
        auth.set_user_active(cur, user_id, False, admin)
        with pytest.raises(SignInError):
            auth.authenticate(cur, "ada@example.com", "correct horse battery", NOW)
        with pytest.raises(PermissionDenied):
            auth.set_user_active(
                cur, user_id, True, auth.Viewer(98, "m@x", "M", "manager", team_id=1)
            )
        with pytest.raises(ValidationError, match="your own"):
            auth.set_user_active(cur, 99, False, admin)


@pytest.mark.parametrize(
    ("email", "password", "role", "extra", "message"),
    [
        ("x@example.com", "short", "analyst", {}, "at least 10"),
        ("not-an-email", "long enough pw", "analyst", {}, "not an email"),
        ("x@example.com", "long enough pw", "wizard", {}, "unknown role"),
        ("x@example.com", "long enough pw", "rep", {}, "needs the rep"),
        ("x@example.com", "long enough pw", "rep", {"rep_id": 404}, "no rep with id 404"),
        ("x@example.com", "long enough pw", "manager", {}, "needs the team"),
        ("x@example.com", "long enough pw", "manager", {"team_id": 404}, "no team with id 404"),
        ("ADA@example.com", "long enough pw", "analyst", {}, "exists already"),
    ],
)
def test_bad_accounts_are_refused_with_a_reason(
    accounts, email, password, role, extra, message
) -> None:
    with accounts.transaction() as cur, pytest.raises(ValidationError, match=message):
        auth.create_user(cur, email, password, role, **extra)
    with accounts.reading() as cur:
        assert cur.execute("select count(*) from users").fetchone()[0] == 2
