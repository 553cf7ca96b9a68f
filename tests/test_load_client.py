"""The load test's websocket client (``benchmarks/bench_load.py``) against a live server, so it cannot rot.

One short journey must complete every step without an error, and an uplift edit sent by the client
must show the same NPV as the same edit typed into headless Chromium: the client speaks the
protocol the way the browser does, so its latencies are the server's. No timing is asserted.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.bench_load import JOURNEY, UPLIFT, Session, Tally, journey, running_server
from tests.test_browser import ARGS, CHROMIUM


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server() as (url, _pid):
        yield url


def test_one_session_completes_the_journey_without_errors(server):
    tally = Tally()
    asyncio.run(journey(server, time.monotonic() + 60, tally, itertools.count(), think=0,
                        rng=random.Random(0), timeout=60, once=True))
    assert tally.errors == {}, tally.examples
    # every step once (the Overview twice: before and after the edit), each to its script_finished
    assert {step: len(runs) for step, runs in tally.latencies.items()} == Counter(["open app", *JOURNEY])


async def _client_npv(url: str, uplift: float) -> tuple[str, str, str]:
    """NPV on the Overview before, on Initiatives after setting the first base uplift, and on the
    Overview after."""
    async with Session(url, timeout=60) as s:
        before = (await s.open()).metrics["NPV"]
        page = await s.open("Initiatives")
        widget_id, _ = page.number_inputs[UPLIFT.format("base")]
        edited = await s.set_number(widget_id, uplift)
        assert not edited.problems, edited.problems
        overview = await s.open("Overview")
        return before, edited.metrics["NPV"], overview.metrics["NPV"]


def test_the_client_sees_what_chromium_shows(server):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
    before, after, overview = asyncio.run(_client_npv(server, 10.0))
    assert after != before and overview == after
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.set_default_timeout(30_000)
            page.goto(server)
            page.wait_for_selector("[data-testid=stMetricValue]")
            npv = page.locator("[data-testid=stMetric]").filter(has_text="NPV").first.locator(
                "[data-testid=stMetricValue]")
            assert npv.inner_text() == before
            page.locator("[data-testid=stSidebarNav] a", has_text="Initiatives").click()
            page.wait_for_selector("text=Edit one initiative")
            box = page.get_by_role("spinbutton", name=UPLIFT.format("base"))
            box.fill("10")
            box.press("Enter")
            page.wait_for_function(
                "v => [...document.querySelectorAll('[data-testid=stMetricValue]')].some(e => e.innerText === v)",
                arg=after)
        finally:
            browser.close()
