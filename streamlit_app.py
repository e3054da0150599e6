"""Entry point: page config, first-start demo, sign-in gate, navigation by role."""

import streamlit as st

from dashboard import auth, demo
from dashboard.errors import DomainError
from dashboard.ui.registry import pages_for_role
from dashboard.ui.session import (
    SESSION_NOTICE,
    current_viewer,
    ensure_workspace,
    get_database,
    sign_in,
)

st.set_page_config(page_title="Sales dashboard", page_icon=":material/monitoring:", layout="wide")

db = get_database()
ensure_workspace(db)


def _sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return False


def sign_in_page() -> None:
    st.title("Sign in")
    notice = st.session_state.pop(SESSION_NOTICE, None)
    if notice:
        st.info(notice)
    with st.form("signin_form"):
        email = st.text_input("Email", key="signin_email")
        password = st.text_input("Password", type="password", key="signin_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        try:
            with db.transaction() as cur:
                viewer = auth.authenticate(cur, email, password)
        except DomainError as error:
            st.error(str(error))
        else:
            sign_in(viewer)
            st.rerun()
    if _sso_configured():
        if getattr(st.user, "is_logged_in", False):
            try:
                with db.reading() as cur:
                    sign_in(auth.viewer_for_email(cur, st.user.email))
                st.rerun()
            except DomainError as error:
                st.error(str(error))
        elif st.button("Sign in with single sign-on", key="signin_sso"):
            st.login()
    with db.reading() as cur:
        is_demo = demo.is_demo(cur)
    if is_demo:
        st.divider()
        st.subheader("Demo workspace")
        st.caption(f"Every demo account uses the password `{demo.DEMO_PASSWORD}`.")
        st.table(
            {
                "Email": [email for email, _, _ in demo.DEMO_USERS],
                "Role": [auth.ROLE_LABELS[role] for _, _, role in demo.DEMO_USERS],
            }
        )


viewer = current_viewer(db)
if viewer is None:
    st.navigation([st.Page(sign_in_page, title="Sign in", icon=":material/login:")]).run()
else:
    sections: dict[str, list[st.Page]] = {}
    for spec in pages_for_role(viewer.role):
        sections.setdefault(spec.section, []).append(
            st.Page(spec.path, title=spec.title, icon=spec.icon)
        )
    st.navigation(sections).run()
