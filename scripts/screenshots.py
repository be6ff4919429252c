"""Take screenshots of the main pages from a running server, with Debian's chromium.

Usage: .venv/bin/python scripts/screenshots.py [BASE_URL] [OUTPUT_DIR]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = {
    "home": "/",
    "directory": "/annuaire/?q=recyclerie",
    "search-near": "/annuaire/?near=46.58,0.34&radius_km=40",
    "map-zoom-5": "/carte/?lat=46.6&lon=2.4&zoom=5",
    "map-zoom-9": "/carte/?lat=48.85&lon=2.4&zoom=9",
    "map-zoom-13": "/carte/?lat=48.87&lon=2.43&zoom=13",
    "organisation": "/organisations/la-collecterie-93/",
    "departement": "/departements/86/",
    "commune": "/communes/86194/",
    "catalogue": "/catalogue/",
    "catalogue-need": "/catalogue/3/",
    "catalogue-report-form": "/besoins-du-territoire/signaler/",
}


def main() -> None:
    base_url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    output = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots")
    output.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        for width, suffix in ((1280, ""), (390, "-mobile")):
            page = browser.new_page(viewport={"width": width, "height": 900})
            for name, path in PAGES.items():
                page.goto(base_url + path, wait_until="networkidle")
                page.screenshot(path=output / f"{name}{suffix}.png", full_page=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
