"""The database resource, the first-start demo, sign-in state and page guards."""

from __future__ import annotations

import datetime as dt
import time

import streamlit as st

from dashboard import auth, demo, store
from dashboard.config import get_settings
from dashboard.db import Database, is_store_url, open_database
from dashboard.errors import DomainError, ValidationError
from dashboard.ui.registry import page_for

SESSION_USER = "auth_user_id"
SESSION_SIGNED_IN = "auth_signed_in_at"
SESSION_SEEN = "auth_last_seen_at"
SESSION_NOTICE = "auth_notice"


@st.cache_resource(show_spinner=False)
def _database(path: str) -> Database:
    return open_database(path)


def get_database() -> Database:
    """The process-wide database (opened and migrated once)."""
    return _database(get_settings().db_path)


@st.cache_resource(show_spinner=False)
def _change_watch(path: str) -> store.ChangeWatch:
    return store.ChangeWatch(lambda: st.cache_data.clear())


def refresh_if_changed_elsewhere(db: Database) -> None:
    """On the shared store other app servers write too: drop cached figures once they have
    (looked at every few seconds). One embedded file has one app process, which clears its
    caches after its own writes."""
    if is_store_url(db.path):
        _change_watch(db.path).check(db, time.monotonic())


def ensure_workspace(db: Database) -> None:
    """Build the demo workspace with a progress bar when the database is brand new."""
    with db.reading() as cur:
        if not demo.needs_demo(cur):
            return
    deals = get_settings().demo_deals
    bar = st.progress(0.0, text="Setting up the demo workspace…")
    try:
        demo.build_demo(
            db,
            deals=deals,
            progress=lambda fraction, message: bar.progress(
                min(fraction, 1.0), text=f"Setting up the demo workspace: {message}"
            ),
        )
    except ValidationError:
        pass  # another session built it first
    bar.empty()
    st.cache_data.clear()


def now() -> dt.datetime:
    return dt.datetime.now()


def sign_in(viewer: auth.Viewer) -> None:
    """Remember a signed-in viewer in this browser session."""
    stamp = now()
    st.session_state[SESSION_USER] = viewer.user_id
    st.session_state[SESSION_SIGNED_IN] = stamp
    st.session_state[SESSION_SEEN] = stamp


def sign_out(notice: str | None = None) -> None:
    """Forget the viewer (and say why on the sign-in page)."""
    for key in (SESSION_USER, SESSION_SIGNED_IN, SESSION_SEEN):
        st.session_state.pop(key, None)
    if notice:
        st.session_state[SESSION_NOTICE] = notice


def current_viewer(db: Database) -> auth.Viewer | None:
    """The signed-in viewer, or None (also when the session expired or the account went)."""
    user_id = st.session_state.get(SESSION_USER)
    if user_id is None:
        return None
    settings = get_settings()
    stamp = now()
    signed_in = st.session_state.get(SESSION_SIGNED_IN, stamp)
    seen = st.session_state.get(SESSION_SEEN, stamp)
    if stamp - seen > dt.timedelta(
        minutes=settings.session_idle_minutes
    ) or stamp - signed_in > dt.timedelta(hours=settings.session_max_hours):
        sign_out("Your session expired. Please sign in again.")
        return None
    try:
        with db.reading() as cur:
            viewer = auth.get_viewer(cur, int(user_id))
    except DomainError as error:
        sign_out(str(error))
        return None
    st.session_state[SESSION_SEEN] = stamp
    return viewer


def require_viewer(page_file: str) -> tuple[Database, auth.Viewer]:
    """The database and viewer for a page; stops the page when nobody or the wrong role is signed in."""
    db = get_database()
    refresh_if_changed_elsewhere(db)
    viewer = current_viewer(db)
    if viewer is None:
        st.warning("Please sign in first.")
        st.markdown("[Go to the sign-in page](/)")
        st.stop()
    account_box(viewer)
    spec = page_for(page_file)
    if viewer.role not in spec.roles:
        st.error(
            f"The {spec.title} page is not available to the {auth.ROLE_LABELS[viewer.role]} role."
        )
        st.stop()
    return db, viewer


def account_box(viewer: auth.Viewer) -> None:
    """Who is signed in, and the sign-out button, at the top of the sidebar."""
    with st.sidebar:
        st.caption(f"Signed in as **{viewer.display_name}** · {auth.ROLE_LABELS[viewer.role]}")
        if st.button("Sign out", key="signout_button", icon=":material/logout:"):
            sign_out("You signed out.")
            st.cache_data.clear()
            st.rerun()
