"""AppTest helpers: the real entry script, signed in as a demo account."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import PROJECT_ROOT, auth, demo
from dashboard.db import open_database
from dashboard.ui.session import SESSION_SEEN, SESSION_SIGNED_IN, SESSION_USER

ENTRY = "streamlit_app.py"
TIMEOUT = 60


def user_id_for(role: str) -> int:
    from dashboard.config import get_settings

    email = next(email for email, _, user_role in demo.DEMO_USERS if user_role == role)
    with open_database(get_settings().db_path).reading() as cur:
        return auth.viewer_for_email(cur, email).user_id


@pytest.fixture
def app(workspace_file):
    """A function giving an AppTest of the entry script, signed in as `role` (or nobody)."""

    def make(role: str | None = None, script: str = ENTRY) -> AppTest:
        at = AppTest.from_file(str(PROJECT_ROOT / script), default_timeout=TIMEOUT)
        if role is not None:
            stamp = dt.datetime.now()
            at.session_state[SESSION_USER] = user_id_for(role)
            at.session_state[SESSION_SIGNED_IN] = stamp
            at.session_state[SESSION_SEEN] = stamp
        return at

    return make
