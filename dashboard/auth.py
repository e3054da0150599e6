"""Accounts, sign-in with throttling, and the viewer whose scope every query takes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard import sql
from dashboard.errors import NotFoundError, PermissionDenied, SignInError, ValidationError

ROLES = ("admin", "executive", "manager", "rep", "analyst")
ROLE_LABELS = {
    "admin": "Administrator",
    "executive": "Executive",
    "manager": "Manager",
    "rep": "Sales rep",
    "analyst": "Analyst",
}

# Failed attempts for one email inside this window slow the next attempt down:
# after FREE_ATTEMPTS failures, each further one doubles the wait, up to MAX_WAIT.
THROTTLE_WINDOW = dt.timedelta(minutes=15)
FREE_ATTEMPTS = 3
MAX_WAIT = dt.timedelta(minutes=5)

_hasher = PasswordHasher()


@dataclass(frozen=True)
class Viewer:
    """Who is looking: their role decides the pages, their scope the rows."""

    user_id: int
    email: str
    display_name: str
    role: str
    rep_id: int | None = None
    team_id: int | None = None

    @property
    def scope_kind(self) -> str:
        if self.role == "rep":
            return "rep"
        if self.role == "manager":
            return "team"
        return "all"

    def scope_params(self) -> dict[str, object]:
        """The bound parameters every scoped query takes (scope_kind, scope_rep_id, scope_team_id)."""
        return {
            "scope_kind": self.scope_kind,
            "scope_rep_id": self.rep_id,
            "scope_team_id": self.team_id,
        }


def hash_password(password: str) -> str:
    """An argon2id hash of a password."""
    return _hasher.hash(password)


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def insert_user(
    cur: duckdb.DuckDBPyConnection,
    email: str,
    display_name: str,
    role: str,
    password_hash: str | None,
    rep_id: int | None = None,
    team_id: int | None = None,
) -> int:
    """Create a sign-in account; returns its user_id."""
    email = _normalise_email(email)
    if role not in ROLES:
        raise ValidationError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise ValidationError(f"{email!r} is not an email address")
    if role == "rep" and rep_id is None:
        raise ValidationError("a rep account needs the rep it belongs to (--rep-id)")
    if role == "manager" and team_id is None:
        raise ValidationError("a manager account needs the team they manage (--team-id)")
    if rep_id is not None and sql.fetch_one(cur, "auth/get_rep", rep_id=rep_id) is None:
        raise ValidationError(f"there is no rep with id {rep_id}")
    if team_id is not None and sql.fetch_one(cur, "auth/get_team", team_id=team_id) is None:
        raise ValidationError(f"there is no team with id {team_id}")
    if sql.fetch_one(cur, "auth/get_user_by_email", email=email) is not None:
        raise ValidationError(f"an account for {email} exists already")
    row = sql.fetch_one(
        cur,
        "auth/insert_user",
        email=email,
        display_name=display_name.strip() or email,
        role=role,
        password_hash=password_hash,
        rep_id=rep_id,
        team_id=team_id,
    )
    return int(row["user_id"])


def create_user(
    cur: duckdb.DuckDBPyConnection,
    email: str,
    password: str,
    role: str,
    display_name: str = "",
    rep_id: int | None = None,
    team_id: int | None = None,
) -> int:
    """Create an account with a password (checked for length); returns its user_id."""
    if len(password) < 10:
        raise ValidationError("a password needs at least 10 characters")
    return insert_user(
        cur, email, display_name or email, role, hash_password(password), rep_id, team_id
    )


def throttle_wait(cur: duckdb.DuckDBPyConnection, email: str, now: dt.datetime) -> dt.timedelta:
    """How long this email must wait before the next attempt (zero when it may try now)."""
    row = sql.fetch_one(
        cur, "auth/recent_failures", email=_normalise_email(email), since=now - THROTTLE_WINDOW
    )
    failures, last_failure = row["failures"], row["last_failure_at"]
    if failures < FREE_ATTEMPTS or last_failure is None:
        return dt.timedelta(0)
    wait = min(MAX_WAIT, dt.timedelta(seconds=2 ** (failures - FREE_ATTEMPTS + 1)))
    remaining = last_failure + wait - now
    return max(remaining, dt.timedelta(0))


def authenticate(
    cur: duckdb.DuckDBPyConnection, email: str, password: str, now: dt.datetime | None = None
) -> Viewer:
    """The viewer for valid credentials; SignInError otherwise (slowed after repeated failures)."""
    now = now or dt.datetime.now()
    email = _normalise_email(email)
    wait = throttle_wait(cur, email, now)
    if wait > dt.timedelta(0):
        raise SignInError(
            f"Too many failed sign-ins for this account. Try again in {int(wait.total_seconds()) + 1} seconds."
        )
    user = sql.fetch_one(cur, "auth/get_user_by_email", email=email)
    valid = False
    if user is not None and user["password_hash"] and user["is_active"]:
        try:
            valid = _hasher.verify(user["password_hash"], password)
        except (VerificationError, InvalidHashError):
            valid = False
    sql.execute(cur, "auth/record_attempt", email=email, attempted_at=now, is_success=valid)
    if not valid:
        raise SignInError("Email or password is not right.")
    return _viewer(user)


def _viewer(user: dict) -> Viewer:
    return Viewer(
        user_id=int(user["user_id"]),
        email=user["email"],
        display_name=user["display_name"],
        role=user["role"],
        rep_id=user["rep_id"],
        team_id=user["team_id"],
    )


def get_viewer(cur: duckdb.DuckDBPyConnection, user_id: int) -> Viewer:
    """The current viewer for a signed-in user id (refuses deactivated accounts)."""
    user = sql.fetch_one(cur, "auth/get_user", user_id=user_id)
    if user is None or not user["is_active"]:
        raise NotFoundError("This account no longer exists or was deactivated.")
    return _viewer(user)


def viewer_for_email(cur: duckdb.DuckDBPyConnection, email: str) -> Viewer:
    """The viewer for an account by email (used by trusted sign-in such as OIDC)."""
    user = sql.fetch_one(cur, "auth/get_user_by_email", email=_normalise_email(email))
    if user is None or not user["is_active"]:
        raise SignInError(f"No active account for {email}; ask an administrator to add one.")
    return _viewer(user)


def list_users(cur: duckdb.DuckDBPyConnection):
    """Every account with its role, linked rep and team (no password hashes)."""
    return sql.fetch_df(cur, "auth/list_users")


def set_user_active(
    cur: duckdb.DuckDBPyConnection, user_id: int, is_active: bool, actor: Viewer
) -> None:
    """Activate or deactivate an account (admins only; never your own)."""
    if actor.role != "admin":
        raise PermissionDenied("Only an administrator can change accounts.")
    if user_id == actor.user_id:
        raise ValidationError("You cannot deactivate your own account.")
    sql.execute(cur, "auth/set_user_active", user_id=user_id, is_active=is_active)
    sql.execute(
        cur,
        "audit/insert_audit",
        user_id=actor.user_id,
        action="activate" if is_active else "deactivate",
        entity="users",
        entity_id=str(user_id),
        detail=None,
    )
