"""One real-browser journey: headless Debian Chromium driven by Playwright.

Starts ``streamlit run app.py`` on a free port, changes an uplift, sees NPV change, opens
Prioritization and sees the chart drawn, then follows the shareable link in a new page and sees
the same NPV. Fails (does not skip) when Chromium is missing: CI installs it.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def chromium():
    """Headless Debian Chromium under Playwright, closed after; fails (does not skip) when it is missing."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser, url: str, width: int = 1500, height: int = 1000, *, timeout: int = 30_000,
              wait: str | None = "[data-testid=stMetricValue]"):
    """A new tab of ``width`` × ``height`` px at ``url``, once ``wait`` (a selector: the first
    metric by default) is drawn; Playwright waits up to ``timeout`` ms for anything after."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(timeout)
    page.goto(url)
    if wait:
        page.wait_for_selector(wait)
    return page


def wait_for_metric_value(page, value: str) -> None:
    """Wait until some metric on ``page`` shows ``value`` (a page fills in as its script runs)."""
    page.wait_for_function(
        "v => [...document.querySelectorAll('[data-testid=stMetricValue]')].some(e => e.innerText === v)", arg=value)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app():
    """``streamlit run app.py`` on a free port, as a user starts it; yields the app's URL."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"streamlit did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.3)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def server():
    with running_app() as url:
        yield url


def _npv(page) -> str:
    metric = page.locator("[data-testid=stMetric]").filter(has_text="NPV").first
    return metric.locator("[data-testid=stMetricValue]").inner_text()


def _wait_npv_change(page, old: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = _npv(page)
        if value != old:
            return value
        page.wait_for_timeout(200)
    raise AssertionError(f"NPV stayed {old}")


def _matrix_labels_do_not_overlap(browser, page) -> None:
    """Download the matrix as SVG from its button, open it in the browser and measure every mark text
    with getBBox(): no two numbered markers overlap (the browser's own font metrics)."""
    with page.expect_download() as dl:
        page.locator("[data-testid=stDownloadButton]").filter(has_text="SVG").nth(2).click()
    svg = Path(dl.value.path()).read_text()
    assert "Impact vs resource cost" in svg
    viewer = browser.new_page()
    viewer.set_content(svg)
    boxes = viewer.evaluate("""() => [...document.querySelectorAll('g.role-mark text')]
        .filter(t => /^\\d+$/.test(t.textContent))
        .map(t => { const b = t.getBoundingClientRect(); return [t.textContent, b.left, b.top, b.right, b.bottom]; })""")
    viewer.close()
    assert len(boxes) >= 5
    for k, a in enumerate(boxes):
        for b in boxes[k + 1:]:
            assert a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2], (a, b)


def test_journey(server):
    started = time.monotonic()
    with chromium() as browser:
        page = open_page(browser, server)
        before = _npv(page)

        # change an uplift on the Initiatives page
        page.locator("[data-testid=stSidebarNav] a", has_text="Initiatives").click()
        page.wait_for_selector("text=Edit one initiative")
        box = page.get_by_role("spinbutton", name="Uplift, base (% relative)")
        box.fill("10")
        box.press("Enter")
        after = _wait_npv_change(page, before)
        assert "stale" not in page.locator("[data-testid=stMetric]").first.inner_text()

        # Overview shows the new NPV too
        page.locator("[data-testid=stSidebarNav] a", has_text="Overview").click()
        page.wait_for_selector("text=Is personalization worth it?")
        page.wait_for_function(
            "v => [...document.querySelectorAll('[data-testid=stMetricValue]')].some(e => e.innerText === v)",
            arg=after)

        # Prioritization leads with the plan and draws its charts
        page.locator("[data-testid=stSidebarNav] a", has_text="Prioritization").click()
        page.wait_for_selector("text=The recommended plan")
        page.wait_for_selector("text=Do first:")
        page.wait_for_selector("[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg")
        page.mouse.wheel(0, 3000)
        page.wait_for_function("() => document.querySelectorAll('[data-testid=stVegaLiteChart]').length >= 3")
        _matrix_labels_do_not_overlap(browser, page)

        # the shareable link opens the same case in a fresh session
        link = page.locator("[data-testid=stSidebar] a", has_text="Shareable link").get_attribute("href")
        assert link and "?s=v2." in link
        other = open_page(browser, link)
        wait_for_metric_value(other, after)
        assert _npv(other) == after != before
    assert time.monotonic() - started < 90


def test_a_deep_link_is_the_first_request_of_a_fresh_server():
    """Streamlit's legacy ``pages/`` mode would run the page alone (no navigation, no sidebar);
    :mod:`ui.streamlit_compat` makes it run inside ``app.py`` (see tests/test_streamlit_compat.py)."""
    with running_app() as url, chromium() as browser:
        page = open_page(browser, f"{url}/prioritization", 1280, 900, wait=None)
        page.wait_for_selector("text=The recommended plan")
        nav = page.locator("[data-testid=stSidebarNav]")
        for title in ("Overview", "Risk & sensitivity", "Scenarios"):  # app.py's navigation, titled
            assert nav.locator("a", has_text=title).count() == 1, title
        page.wait_for_selector("[data-testid=stSidebar] >> text=Sample case")  # the scenario sidebar


def test_a_cleared_or_invalid_box_is_reported_and_its_panel_stays_open(server):
    """Clearing the discount rate once set it to 0 % without a word (the box's default) and
    recomputed the case; and the Finance settings panel snapped shut whenever the stale-results
    banner came or went (it shifted every element below it). Now: the box stays empty, the banner
    names the field, the figures stay those of the last valid case, and the panel stays open
    through invalid and valid values alike."""
    with chromium() as browser:
        page = open_page(browser, f"{server}/business_case", 1280, 1000)
        before = _npv(page)
        page.get_by_text("Finance settings and model rules").click()
        rate = page.get_by_role("spinbutton", name="Discount rate (% per year)")
        stale = page.locator("[data-testid=stAlert]", has_text="Results are stale")

        rate.fill("")
        rate.press("Enter")
        stale.wait_for()
        assert "Discount rate: needs a number (it is empty)" in stale.inner_text()
        assert rate.is_visible() and rate.input_value() == ""
        assert _npv(page) == before  # the last valid case's figures, marked stale

        rate.fill("-50")
        rate.press("Enter")
        page.wait_for_function("() => [...document.querySelectorAll('[data-testid=stAlert]')]"
                               ".some(e => e.innerText.includes('between 0% and 100%'))")
        assert rate.is_visible()

        rate.fill("8")
        rate.press("Enter")
        stale.wait_for(state="detached")
        assert rate.is_visible() and rate.input_value() == "8.00"
        _wait_npv_change(page, before)


def test_a_charts_plot_keeps_its_height_under_its_title(server):
    """The maturity curve's plot is 280 px tall; Streamlit's default sizing made 280 px the whole
    chart's height, so the plot shrank to about half under its title and axes and the title was cut
    off at the top. The chart is now its plot plus title and axes."""
    with chromium() as browser:
        page = open_page(browser, f"{server}/process", 1280, 1000, wait=None)
        chart = page.locator("[data-testid=stVegaLiteChart]").first
        chart.wait_for()
        chart.scroll_into_view_if_needed()
        page.wait_for_function("() => document.querySelector('[data-testid=stVegaLiteChart] canvas, "
                               "[data-testid=stVegaLiteChart] svg')")
        assert chart.bounding_box()["height"] >= 280 + 60
