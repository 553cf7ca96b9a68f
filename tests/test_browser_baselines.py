"""Real-browser journey of the audience import: headless Debian Chromium driven by Playwright.

Uploads ``data/sample_orders.csv.gz`` on the Audience data page, computes the baselines, applies
them and sees the Audience page show the import. Fails (does not skip) when Chromium is missing.
Set ``ROI_SCREENSHOTS=dir`` to also save the page at 1280 and 1920 px wide.
"""

from __future__ import annotations

import os
from pathlib import Path

from .test_browser import chromium, open_page, server  # noqa: F401  (the module-scoped server fixture)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample_orders.csv.gz"


def _nav(page, title: str) -> None:
    page.locator("[data-testid=stSidebarNav] a", has_text=title).first.click()


def test_upload_the_sample_and_apply(server):  # noqa: F811
    shots = os.environ.get("ROI_SCREENSHOTS")
    with chromium() as browser:
        page = open_page(browser, server, 1280, 1000, timeout=60_000)
        page.locator("[data-testid=stSidebarNav] a[href$='audience_data']").click()
        page.wait_for_selector("text=Turn the client's own order export")
        page.locator("[data-testid=stMain] [data-testid=stFileUploaderDropzoneInput]").first.set_input_files(str(SAMPLE))
        page.wait_for_selector("text=2. Map the columns")
        page.get_by_role("button", name="Compute baselines").click()
        page.wait_for_selector("text=3. Review the baselines")
        rows = page.locator("[data-testid=stMetric]").filter(has_text="Order rows read")
        assert rows.locator("[data-testid=stMetricValue]").inner_text() == "100,000"
        page.wait_for_selector("text=rows without a customer id")
        page.wait_for_selector("text=4. Apply to the audience")
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.set_viewport_size({"width": 1280, "height": 3400})  # the app scrolls inside: a tall window
            page.wait_for_timeout(1500)
            page.screenshot(path=f"{shots}/audience_data_1280.png", full_page=True)
            page.set_viewport_size({"width": 1920, "height": 3000})
            page.wait_for_timeout(1500)
            page.screenshot(path=f"{shots}/audience_data_1920.png", full_page=True)
        page.get_by_role("button", name="Apply to the scenario").click()
        page.wait_for_selector("text=Applied from sample_orders.csv.gz")
        page.get_by_role("link", name="Open the Audience page").click()
        page.wait_for_selector("text=Data behind the audience")
        page.wait_for_selector("[data-testid=stDataFrame]")
        if shots:
            page.wait_for_timeout(1500)
            page.screenshot(path=f"{shots}/audience_after.png", full_page=True)
