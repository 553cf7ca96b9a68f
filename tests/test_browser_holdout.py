"""One real-browser journey through the global holdout: headless Debian Chromium and Playwright.

Opens the Experiments page, plans a holdout (holds out 10% and sees the plan and its board
sentence follow), then reads it out from summary figures and sees the measured incremental
revenue beside the case's claim, which it refutes; then visits the Overview and comes back to find
the holdout tab open and its figures as typed. Fails (does not skip) when Chromium is missing. The server
fixture is the one of ``tests/test_browser.py`` (a private ``streamlit run`` on a free port).
"""

from __future__ import annotations

import roi
from roi.experiments import holdout as ho

from .test_browser import chromium, open_page, server  # noqa: F401  (server is a pytest fixture)


def _metric(page, label: str) -> str:
    tab = page.get_by_role("tabpanel", name="Programme holdout")
    card = tab.locator("[data-testid=stMetric]").filter(
        has=page.locator("[data-testid=stMetricLabel]", has_text=label)).first
    return card.locator("[data-testid=stMetricValue]").inner_text()


def _set(page, label: str, value: str) -> None:
    box = page.get_by_role("tabpanel", name="Programme holdout").get_by_role("spinbutton", name=label)
    box.fill(value)
    box.press("Enter")


def _wait_metric(page, label: str, expected: str) -> None:
    page.wait_for_function(
        """([label, value]) => [...document.querySelectorAll('[data-testid=stMetric]')].some(
               m => m.innerText.includes(label) && m.querySelector('[data-testid=stMetricValue]')?.innerText === value)""",
        arg=[label, expected])


def test_plan_and_read_a_holdout(server):  # noqa: F811 - the imported fixture
    scenario = roi.load_sample("european_retailer")
    population = ho.holdout_population(scenario)
    mean = round(population.revenue_per_customer, 2)
    design = ho.plan_holdout(scenario, holdout_share=0.10, revenue_mean=mean, revenue_sd=round(2 * mean, 2))
    # the readout starts from what the case predicts (5% held out, 91 days); the exposed customers
    # then turn out to bring 0.03 less each than the case says
    e, h = ho.predicted_readout(scenario, holdout_share=0.05, days=91)
    exposed_mean = round(e.mean - 0.03, 4)
    readout = ho.analyze_holdout(ho.arm_summary(e.n, exposed_mean, round(e.sd, 2), name="exposed"),
                                 ho.arm_summary(h.n, round(h.mean, 4), round(h.sd, 2), name="holdout"))
    per_customer = f"€{readout.incremental_revenue_per_customer:,.2f}"
    with chromium() as browser:
        page = open_page(browser, server)
        page.locator("[data-testid=stSidebarNav] a", has_text="Experiments").click()
        page.get_by_role("tab", name="Programme holdout").click()
        page.wait_for_selector("text=Plan the holdout")

        # plan: hold out 10%
        _set(page, "Held out (%)", "10")
        _wait_metric(page, "Held-out customers", f"{design.holdout_customers:,.0f}")
        assert _metric(page, "Detectable lift") == f"{design.mde_relative * 100:,.2f}%"
        assert _metric(page, "Reads out the claim") == f"month {design.months:.1f}"
        tab = page.get_by_role("tabpanel", name="Programme holdout")
        assert tab.get_by_text("The holdout will prove or refute").count() == 1
        assert tab.locator("[data-testid=stVegaLiteChart]").count() >= 1

        # read: the measurement refutes the claim
        _set(page, "Exposed mean", f"{exposed_mean:.4f}")
        _wait_metric(page, "Per customer", per_customer)
        assert _metric(page, "p-value") == f"{readout.p_value:.3g}"
        measured = tab.locator("p", has_text=f"Measured: {per_customer} ±").first
        measured.wait_for()
        assert "the case claims" in measured.inner_text() and "refutes" in measured.inner_text()

        # a visit to another page: back on Experiments, the holdout tab is open again and what was
        # typed is still there (persist_state; ui.kept.tabs)
        page.locator("[data-testid=stSidebarNav] a", has_text="Overview").click()
        page.wait_for_selector("h1:has-text('Is personalization worth it?')")
        page.locator("[data-testid=stSidebarNav] a", has_text="Experiments").click()
        _wait_metric(page, "Per customer", per_customer)
        assert _metric(page, "Held-out customers") == f"{design.holdout_customers:,.0f}"
        box = page.get_by_role("tabpanel", name="Programme holdout").get_by_role("spinbutton", name="Held out (%)")
        assert box.input_value() == "10.00"
