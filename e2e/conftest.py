"""Browser tests: Debian's chromium driven by Playwright against a live test server."""

import contextlib
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from maillage.directory.services.demo import load_demo_organisations
from maillage.directory.services.reference import load_reference_data
from maillage.territory.services import load_territory

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("E2E_REQUIRED"):
            pytest.fail(
                "E2E_REQUIRED is set but /usr/bin/chromium is missing (apt-get install chromium)."
            )
        pytest.skip("Browser tests need Debian's chromium: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of fixtures are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    # Requests still in flight (a map loading its clusters) would hold the database while the
    # test's data is flushed.
    with contextlib.suppress(PlaywrightError):
        page.wait_for_load_state("networkidle", timeout=5_000)
    context.close()


@pytest.fixture
def demo_directory(transactional_db):
    """The real demo data; transactional tests start from an emptied database, so load it here."""
    load_territory(force=True)
    load_reference_data(force=True)
    load_demo_organisations(force=True)


def sign_in(page, user) -> None:
    """Give the browser a session of `user` (signing in through the form is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    host = urlsplit(page.url).hostname
    page.context.add_cookies([{"name": "sessionid", "value": session, "domain": host, "path": "/"}])
