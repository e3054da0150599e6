"""Users: sign-in accounts, their roles and scopes (administrators only)."""

import streamlit as st

from dashboard import auth
from dashboard.errors import DomainError
from dashboard.ui import loaders
from dashboard.ui.session import require_viewer
from dashboard.ui.widgets import table

db, viewer = require_viewer(__file__)

st.title("Users")
st.caption(
    "Accounts that can sign in. A rep sees only their own deals; a manager their team's subtree."
)

accounts = loaders.users()
table(accounts, "users", "users")

options = loaders.filter_options(viewer)
teams = {int(row.id): row.label for row in options[options.kind == "team"].itertuples()}
reps = {int(row.id): row.label for row in options[options.kind == "rep"].itertuples()}

add_column, status_column = st.columns(2)
with add_column, st.form("users_add_form", clear_on_submit=True):
    st.subheader("Add an account")
    email = st.text_input("Email", key="users_email")
    name = st.text_input("Display name", key="users_name")
    role = st.selectbox("Role", auth.ROLES, format_func=auth.ROLE_LABELS.get, key="users_role")
    rep_id = st.selectbox(
        "Rep (for the rep role)",
        [None, *reps],
        key="users_rep",
        format_func=lambda value: "—" if value is None else reps[value],
    )
    team_id = st.selectbox(
        "Team managed (for the manager role)",
        [None, *teams],
        key="users_team",
        format_func=lambda value: "—" if value is None else teams[value],
    )
    password = st.text_input(
        "Initial password (at least 10 characters)", type="password", key="users_password"
    )
    if st.form_submit_button("Add account", type="primary"):
        try:
            with db.transaction() as cur:
                auth.create_user(
                    cur,
                    email=email,
                    password=password,
                    role=role,
                    display_name=name,
                    rep_id=rep_id if role == "rep" else None,
                    team_id=team_id if role == "manager" else None,
                )
        except DomainError as error:
            st.error(str(error))
        else:
            loaders.clear_caches()
            st.success(f"Added {email.strip().lower()} as {auth.ROLE_LABELS[role]}.")

with status_column, st.form("users_status_form"):
    st.subheader("Activate or deactivate")
    labels = {
        int(row.user_id): f"{row.email} ({'active' if row.is_active else 'inactive'})"
        for row in accounts.itertuples()
    }
    chosen = st.selectbox("Account", list(labels), format_func=labels.get, key="users_status_user")
    active = st.toggle("Active", value=True, key="users_status_active")
    if st.form_submit_button("Save"):
        try:
            with db.transaction() as cur:
                auth.set_user_active(cur, chosen, active, viewer)
        except DomainError as error:
            st.error(str(error))
        else:
            loaders.clear_caches()
            st.success(
                f"{labels[chosen].split(' ')[0]} is now {'active' if active else 'inactive'}."
            )
