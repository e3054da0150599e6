"""Browser tests: a real `streamlit run` on a free port, driven by Playwright in system Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from dashboard import PROJECT_ROOT
from tests.conftest import build_small_demo

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("E2E_REQUIRED"):
            pytest.fail(
                f"Chromium not found at {CHROMIUM}; install it with apt-get install chromium"
            )
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@contextmanager
def serve(database: Path) -> Iterator[str]:
    """`streamlit run` on a workspace file at a free loopback port; yields its URL."""
    port = _free_port()
    log_path = database.parent / "streamlit.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "streamlit_app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "SALES_DB": str(database)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        raise RuntimeError(f"streamlit did not start: {log_path.read_text()}")
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> str:
    """The app on a demo workspace, served on a free loopback port; yields its URL."""
    database = tmp_path_factory.mktemp("e2e") / "sales.duckdb"
    build_small_demo(database).close()
    with serve(database) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1800}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


def sign_in(page, url: str, email: str, password: str = "demo") -> None:
    page.goto(url)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def settle(page) -> None:
    """Wait until the app has finished its current run (the 'Running…' widget is gone)."""
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden")


def choose(page, selectbox, option: str, attempts: int = 3) -> None:
    """Pick `option` in a selectbox; a rerun that lands while the list is open closes it,
    so open the list again until the option can be clicked."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(attempts):
        settle(page)
        selectbox.click()
        try:
            page.get_by_role("option", name=option).click(timeout=10_000)
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
