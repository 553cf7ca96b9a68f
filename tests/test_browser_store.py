"""Real-browser journey through the scenario library: headless Debian Chromium driven by Playwright.

Starts ``streamlit run app.py`` on a free port (``test_browser``'s server; its scenario store is the
session's throwaway SQLite file, see ``tests/conftest.py``), saves the case under a fresh name,
edits an uplift, saves again, then opens the saved version's short link in a fresh browser context
(no shared session or cookies) and sees the edited NPV. Fails (does not skip) without Chromium.
"""

from __future__ import annotations

import os
import uuid

from roi.store import DATABASE_ENV, ScenarioStore

from .test_browser import (  # noqa: F401 (server: the fixture)
    _npv, _wait_npv_change, chromium, open_page, server, wait_for_metric_value)


def _nav(page, title: str, wait_for: str) -> None:
    page.locator("[data-testid=stSidebarNav] a", has_text=title).click()
    page.wait_for_selector(f"text={wait_for}")


def test_save_edit_save_again_and_open_the_version_link_elsewhere(server):
    base, db_url = server, os.environ[DATABASE_ENV]
    case = f"Retailer, vendor case {uuid.uuid4().hex[:6]}"
    with chromium() as browser:
        page = open_page(browser, base)
        before = _npv(page)

        # save the case as it is: version 1
        _nav(page, "Scenarios", "Save the current scenario")
        name = page.get_by_role("textbox", name="Your name")
        name.fill("Ada Lovelace")
        name.press("Enter")
        page.get_by_role("textbox", name="Name in the library").fill(case)
        page.get_by_role("textbox", name="Name in the library").press("Enter")
        page.get_by_role("button", name="Save to the library").click()
        page.wait_for_selector("text=as version 1")

        # edit an uplift on the Initiatives page
        _nav(page, "Initiatives", "Edit one initiative")
        box = page.get_by_role("spinbutton", name="Uplift, base (% relative)")
        box.fill("10")
        box.press("Enter")
        after = _wait_npv_change(page, before)

        # save again, with a reason: version 2 lists the change
        _nav(page, "Scenarios", "Save the current scenario")
        page.wait_for_selector("text=1 change")
        reason = page.get_by_role("textbox", name="Reason (optional)")
        reason.fill("uplift from the vendor's pilot")
        reason.press("Enter")
        page.get_by_role("button", name="Save as version 2").click()
        page.wait_for_selector("text=version 2 (1 change)")
        page.wait_for_selector("text=uplift from the vendor's pilot")

        link = page.locator("[data-testid=stSidebar] a", has_text="Link to saved version 2").get_attribute("href")
        assert link and "&v=2" in link and "v2." not in link

        # a colleague opens the short link: a new context shares nothing with this one
        other_context = browser.new_context(viewport={"width": 1500, "height": 1000})
        other = other_context.new_page()
        other.set_default_timeout(30_000)
        other.goto(link)
        other.wait_for_selector("[data-testid=stMetricValue]")
        wait_for_metric_value(other, after)
        assert _npv(other) == after != before
        assert other.locator("[data-testid=stSidebar]", has_text="version 2").count() == 1

    store = ScenarioStore.open(db_url)
    info = store.find(case)
    history = store.history(info.id)
    assert [(v.version, v.author) for v in history] == [(1, "Ada Lovelace"), (2, "Ada Lovelace")]
    assert history[1].reason == "uplift from the vendor's pilot"
    assert len(history[1].changes) == 1 and history[1].changes[0].path.endswith("uplift.base")
    store.close()
