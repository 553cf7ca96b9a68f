"""User text reaches every page, the deck, the brief and the workbook as text, never as markup.

A scenario whose every free-text field (scenario, segment and initiative names, sources, notes,
descriptions, test names, change reasons, import names) holds a hostile string — a Markdown link,
backticks, ``<script>``/``<img onerror>``, ``**bold**``, ``$x$`` LaTeX, a ``:red[…]`` colour
directive, a bare ``www.`` address, a line break before ``# heading``, a leading ``=HYPERLINK`` —
is opened on every page. Streamlit renders Markdown in ``st.markdown``/``caption``/alerts/toasts
and in widget, expander, tab and metric labels, ``help`` tooltips and radio options: in all of
those the hostile text must arrive escaped (``ui.md.escape``) or inside a code span
(``ui.md.code``) — and in every header, index label and cell of a static table (``st.table``,
prepared by ``ui.md.table``). Selectbox options, ``st.dataframe`` grids, ``st.code`` and charts
draw plain text and are not checked here (chart tooltips: Streamlit's vega-tooltip escapes HTML
by default).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import string
import subprocess
import zipfile
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import roi
from roi.share import encode_scenario
from ui import md

from .apptest_helpers import APP, assert_no_exception, open_tab

# 97 characters: every name below is at most 100 (a tag, a space and this).
NAME = "[c](https://evil.example)`t`<script><img src=x onerror=y>**b**$x$:red[x] www.evil.example\n# h"
TEXT = NAME + " <script>alert(1)</script> bob@evil.example ![i](https://evil.example/i.png) &lt;b&gt;"
FORMULA = '=HYPERLINK("https://evil.example","x") '

# Raw Markdown/HTML of the hostile strings that must never reach a Markdown sink outside a code
# span. Escaped text has a backslash before the first character (and a word joiner in addresses).
RAW = ["](https://", "<script", "<img", "**b**", "$x$", ":red[", "https://evil", "www.evil", "@evil", "&lt;"]
_RAW = re.compile("|".join(rf"(?<!\\){re.escape(r)}" for r in RAW))
HEADING = re.compile(r"(?m)^[ \t]{0,3}#[ \t]+h\b")  # the hostile "\n# h"; the pages' own headings differ
# A CommonMark code span: a run of backticks (not escaped), the body, the same run again.
CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)


def leaks(markdown: str) -> list[str]:
    """The raw hostile fragments in ``markdown`` outside its code spans (empty: it renders as text)."""
    outside = CODE_SPAN.sub("", markdown)
    found = sorted({m[0] for m in _RAW.finditer(outside)})
    return found + (["# heading"] if HEADING.search(outside) else [])


def test_leaks_sees_raw_text_and_passes_escaped_text():
    assert leaks(NAME) and leaks(TEXT) and leaks(f"**{NAME}**")
    assert leaks("Heading:\n# h") and not leaks("##### Our own heading")
    assert leaks(md.escape(NAME)) == [] and leaks(md.escape(TEXT)) == []
    assert leaks(md.code(NAME)) == [] and leaks(md.bullets([TEXT, NAME])) == []
    # a code span does not hide raw text after it
    assert leaks(md.code("x") + " " + NAME)


def hostile(tag: str, text: str = NAME) -> str:
    return f"{tag} {text}"


def _measured(name: str) -> dict[str, Any]:
    return {"test_name": name, "date": "2025-03-14", "visitors_a": 10_000, "conversions_a": 500,
            "visitors_b": 10_000, "conversions_b": 600, "p_value": 0.002, "alpha": 0.05, "significant": True,
            "rel_lift": 0.2, "ci_rel_lift": [0.07, 0.35], "confidence": 0.95}


def hostile_scenario() -> roi.Scenario:
    """The European retailer sample with every free-text field hostile (names unique, references kept)."""
    d = roi.load_sample("european_retailer").model_dump(mode="json")
    d["settings"].update(name=FORMULA + NAME, description=hostile("D", TEXT),
                         sources={"discount_rate": hostile("src", TEXT)})
    seg = {}
    for k, s in enumerate(d["segments"]):
        seg[s["name"]] = s["name"] = hostile(f"S{k}")
        s["sources"] = {field: hostile(f"src{k}", TEXT) for field in ("customers", "average_order_value")}
    ini = {}
    for k, i in enumerate(d["initiatives"]):
        ini[i["name"]] = i["name"] = hostile(f"I{k}")
        i["segments"] = [seg[n] for n in i["segments"]]
        i["description"] = hostile("D", TEXT)
        i["sources"] = {"one_time_cost": hostile("src", TEXT)}
        i["evidence"].update(source=hostile("E") if k % 2 else "", note=FORMULA + hostile("N", TEXT))
    first = d["initiatives"][0]
    first["evidence"].update(kind="measured", source=hostile("T"), measured=_measured(hostile("T")))
    d["content"]["sources"] = {"assets": hostile("src", TEXT)}
    d["process"]["sources"] = {"alignment": hostile("src", TEXT)}
    names = [i["name"] for i in d["initiatives"]]
    d["plan"].update(pinned_in=[names[1]], pinned_out=[names[2]])
    d["calibration"] = {"factor": 0.9, "test_name": hostile("H"), "date": "2025-04-01", "exposed_customers": 90_000,
                        "holdout_customers": 10_000, "incremental_revenue_per_customer": 4.5, "ci": [1.0, 8.0],
                        "confidence": 0.95, "p_value": 0.01, "claimed_revenue_per_customer": 5.0,
                        "note": hostile("N", TEXT)}
    band = {"low": 0.05, "base": 0.1, "high": 0.15}
    d["changes"] = [
        {"date": "2025-03-14", "initiative": names[0], "before": band, "after": first["uplift"],
         "evidence_before": "assumed", "evidence_after": "measured", "reason": FORMULA + hostile("R", TEXT),
         "result": _measured(hostile("T")), "note": hostile("N", TEXT)},
        {"date": "2025-04-01", "scope": "programme", "factor_before": 1.0, "factor_after": 0.9,
         "reason": hostile("R", TEXT), "note": hostile("N", TEXT)},
    ]
    d["data_sources"] = [{"name": hostile("F", TEXT), "engine": hostile("E"), "rows_read": 10, "rows_used": 9,
                          "rows_excluded": 1, "excluded": {hostile("X"): 1}, "period_start": "2024-01-01",
                          "period_end": "2024-12-31", "derived_on": "2025-01-05",
                          "mapping": {"customer": hostile("col")}, "segmentation": hostile("G"),
                          "segments": list(seg.values()), "visits": hostile("V"), "customers_file": hostile("C"),
                          "note": hostile("N", TEXT)}]
    return roi.parse_scenario(d)


@pytest.fixture(scope="module")
def scenario() -> roi.Scenario:
    return hostile_scenario()


# --------------------------------------------------------------------------- what Streamlit renders

# Proto fields Streamlit renders as Markdown, by element type ("*": every element).
MARKDOWN_FIELDS: dict[str, set[str]] = {
    "*": {"label", "help", "captions"},
    "markdown": {"body"}, "caption": {"body"}, "alert": {"body"}, "error": {"body"}, "warning": {"body"},
    "info": {"body"}, "success": {"body"}, "toast": {"body"}, "exception": {"message"},
    "radio": {"options"}, "button_group": {"options", "content"},
}


def _strings(message: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Every (field path, string) of a protobuf message, nested messages included."""
    out: list[tuple[str, str]] = []
    for fd, value in message.ListFields():
        name = f"{prefix}{fd.name}"
        values = value if isinstance(value, (list, tuple)) or type(value).__name__.startswith("Repeated") else [value]
        for v in values:
            if isinstance(v, str):
                out.append((name, v))
            elif hasattr(v, "ListFields"):
                out += _strings(v, name + ".")
    return out


def rendered_markdown(at: AppTest) -> list[tuple[str, str, str]]:
    """(element type, field, text) of every string on the page that Streamlit renders as Markdown."""
    found: list[tuple[str, str, str]] = []

    def walk(node: Any) -> None:
        proto, kind = getattr(node, "proto", None), getattr(node, "type", "")
        if kind == "table":  # st.table renders its headers, index and cells as Markdown
            frame = node.value
            texts = [*frame.columns, *frame.index, *frame.to_numpy().ravel()]
            found.extend(("table", "cell", t) for t in texts if isinstance(t, str))
        elif proto is not None and kind not in ("code", "arrow_data_frame", "vega_lite_chart", "arrow_vega_lite_chart"):
            wanted = MARKDOWN_FIELDS["*"] | MARKDOWN_FIELDS.get(kind, set())
            for path, text in _strings(proto):
                if path.rsplit(".", 1)[-1] in wanted:
                    found.append((kind, path, text))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def assert_no_leak(at: AppTest, where: str) -> int:
    """No Markdown sink on the page holds raw hostile text; returns how many hold the escaped names."""
    bad = [(kind, path, text[:160], leaks(text)) for kind, path, text in rendered_markdown(at) if leaks(text)]
    assert not bad, f"{where}: user text reaches Markdown unescaped: {bad}"
    return sum(md.escape(NAME) in text or md.code(NAME) in text for _, _, text in rendered_markdown(at))


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(string.printable) + ["€", "£", "\u2212", "\u2060", "\u00a0", "é"]),
               max_size=24))
def test_a_table_cell_is_escaped_whether_or_not_it_takes_the_shortcut(text):
    """Invariant: a static table's cell is exactly the escaped text with each sign joined to its
    amount — the shortcut for cells with nothing to escape never changes an answer, and what comes
    out never holds raw hostile Markdown."""
    full = md._MINUS_AMOUNT.sub(r"\1" + md.JOINER, md.escape(text))
    assert md.cell(text) == full
    assert not leaks(md.cell(text))


def test_escape_keeps_bare_addresses_and_entities_text():
    # GitHub-flavoured Markdown links bare addresses in the text after escapes are resolved: a word
    # joiner breaks each one (checked in Chromium: no <a> is drawn), and "&" cannot start an entity
    for address, broken in [("https://x.example", f"http{md.JOINER}s\\://x.example"),
                            ("HTTP://x.example", f"HTTP{md.JOINER}\\://x.example"),
                            ("www.x.example", f"www{md.JOINER}.x.example"),
                            ("bob@x.example", f"bob@{md.JOINER}x.example")]:
        assert md.escape(f"see {address} now") == f"see {broken} now"
    assert md.escape("&lt;b&gt;") == "\\&lt;b\\&gt;"
    assert md.escape("plain words, 5% off (today)") == "plain words, 5% off (today)"


# --------------------------------------------------------------------------- the pages

def _open(scenario: roi.Scenario) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["s"] = encode_scenario(scenario)
    at.run()
    assert_no_exception(at)
    return at


def _pages() -> list[str]:
    from .test_app_pages import PAGES

    return PAGES


def test_every_page_shows_hostile_text_escaped(scenario):
    at = _open(scenario)
    # the first run also holds the sidebar (the scenario's name) and the entry point's banners
    shown = {"sidebar and overview": assert_no_leak(at, "first run")}
    for page in _pages():
        at.switch_page(page).run()
        assert_no_exception(at)
        shown[page] = assert_no_leak(at, page)
        if page == "pages/experiments.py":  # it draws only its open tab: every tab in turn
            for tab in ("Scenario test plan", "Analyse a result", "Programme holdout", "Plan a test"):
                shown[page] += assert_no_leak(open_tab(at, tab), f"{page}, {tab}")
    # the names are on screen, escaped: the check above looked at them
    for page in ("sidebar and overview", "pages/business_case.py", "pages/prioritization.py",
                 "pages/uncertainty.py", "pages/experiments.py", "pages/initiatives.py"):
        assert shown[page], f"{page}: no hostile name shown escaped"


def test_presentation_mode_shows_values_escaped(scenario):
    at = _open(scenario)
    at.session_state["presentation_mode"] = True  # fields show their values as Markdown text
    at.switch_page("pages/initiatives.py").run()
    assert_no_exception(at)
    assert_no_leak(at, "presentation")
    assert any(md.escape(hostile("T")) in m.value for m in at.markdown)  # the evidence source, read-only
    assert any(md.escape(hostile("S0")) in m.value for m in at.markdown)  # the target segments


def test_problems_naming_a_hostile_row_are_escaped(scenario):
    at = _open(scenario)
    at.switch_page("pages/initiatives.py").run()
    at.number_input(key="in:initiatives[0].uplift.base:0").set_value(500.0).run()  # above the high case
    assert_no_exception(at)
    assert at.error and any(md.escape(scenario.initiatives[0].name) in e.value for e in at.error)
    assert_no_leak(at, "invalid edit")


def test_an_orders_file_with_hostile_name_columns_and_segments(tmp_path):
    from .baseline_data import HEADER, ORDERS, write_csv

    column = "tier " + NAME.replace("\n", " ")
    rows = [r[:4] + [hostile(r[4])] + r[5:] for r in ORDERS]
    path = write_csv(tmp_path / "orders.csv", [*HEADER[:4], column, *HEADER[5:]], rows)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/audience_data.py").run()
    at.file_uploader(key="bl_orders").set_value((hostile("F") + ".csv", path.read_bytes(), "text/csv")).run()
    assert_no_exception(at)
    assert_no_leak(at, "mapping")
    segment = next(s for s in at.selectbox if s.label == "Segment")
    at.selectbox(key=segment.key).set_value(column).run()
    at.button(key="bl_compute").click().run()
    assert_no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert_no_leak(at, "review")
    assert any(md.escape(hostile("Gold")) == t.label for t in at.tabs)  # tab labels are Markdown
    at.button(key="bl_apply").click().run()
    assert_no_exception(at)
    assert_no_leak(at, "applied")
    at.switch_page("pages/audience.py").run()
    assert_no_leak(at, "audience after the import")


@pytest.fixture
def store(monkeypatch, tmp_path):
    from .store_helpers import app_store

    yield from app_store(monkeypatch, tmp_path)


def test_library_and_compare_show_hostile_names_authors_and_reasons(store, scenario):
    first = store.create(hostile("L"), scenario, author=hostile("A"), reason=hostile("R", TEXT))
    edited = roi.parse_scenario({**scenario.model_dump(mode="json"),
                                 "settings": {**scenario.settings.model_dump(mode="json"), "discount_rate": 0.12}})
    store.save(first.scenario_id, edited, base_version=1, author=hostile("B"), reason=FORMULA + hostile("R"))
    other = store.create(hostile("M"), edited, author=hostile("A"))
    at = _open(scenario)
    at.switch_page("pages/scenarios.py").run()
    assert_no_exception(at)
    assert assert_no_leak(at, "library")
    at.switch_page("pages/compare.py").run()
    at.multiselect(key="cmp_pick").set_value([first.scenario_id, other.scenario_id]).run()
    at.multiselect(key="cmp_extra").set_value([first.scenario_id]).run()
    assert_no_exception(at)
    assert assert_no_leak(at, "compare")


def test_a_measured_lift_applied_under_a_hostile_test_name(scenario):
    at = _open(scenario)
    open_tab(at.switch_page("pages/experiments.py").run(), "Analyse a result")  # only the open tab is drawn
    at.number_input(key="exp_cb").set_value(600).run()
    target = scenario.initiatives[1].name
    at.selectbox(key="exp_target").set_value(target).run()
    at.text_input(key="exp_test_name").input(hostile("T")).run()
    at.text_input(key="exp_note").input(hostile("N", TEXT)).run()
    at.button(key="exp_apply").click().run()
    assert_no_exception(at)
    assert any(md.escape(target) in s.value for s in at.success)
    assert_no_leak(at, "applied")
    for page in ("pages/initiatives.py", "pages/business_case.py"):
        at.switch_page(page).run()
        assert_no_leak(at, page)


# --------------------------------------------------------------------------- the exports

def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def analyses(scenario):
    from roi.export.analyses import run_analyses

    return run_analyses(scenario, roi.evaluate(scenario))


def test_brief_prints_hostile_text_literally(scenario, analyses, tmp_path):
    # ReportLab paragraphs read XML-like markup: the brief escapes & < > so the text prints as typed
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is needed to read the brief")
    from roi.export.brief import build_brief
    from roi.export.content import gather

    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(build_brief(gather(scenario, analyses=analyses), pngs={}))
    text = _flat(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    assert _flat(FORMULA + NAME) in text  # the title, as typed
    assert f"I0 {_flat(NAME)}" in text  # an initiative's name in the plan table
    # in the plan table, the first moves, the assumptions (the first moves' evidence, then each initiative's rows)
    assert text.count("[c](https://evil.example)`t`<script><img src=x onerror=y>**b**$x$:red[x]") > 15
    assert "<script>alert(1)</script>" in text and "&lt;b&gt;" in text  # sources, as typed (not unescaped)


def _deck_texts(blob: bytes) -> tuple[list[str], list[str]]:
    from pptx import Presentation

    prs = Presentation(io.BytesIO(blob))
    texts, links = [], []

    def shapes(items):
        for shape in items:
            if shape.shape_type == 6:  # a group
                yield from shapes(shape.shapes)
            else:
                yield shape

    for slide in prs.slides:
        for shape in shapes(slide.shapes):
            frames = [shape.text_frame] if shape.has_text_frame else []
            if getattr(shape, "has_table", False) and shape.has_table:
                frames += [c.text_frame for row in shape.table.rows for c in row.cells]
            for frame in frames:
                texts.append(frame.text)
                links += [r.hyperlink.address for p in frame.paragraphs for r in p.runs if r.hyperlink.address]
        if slide.has_notes_slide:
            texts.append(slide.notes_slide.notes_text_frame.text)
    return texts, links


def test_deck_holds_hostile_text_literally_and_no_links(scenario, analyses):
    from roi.export import deck_bytes

    texts, links = _deck_texts(deck_bytes(scenario, analyses=analyses))
    joined = _flat(" ".join(texts))
    assert links == []
    assert "[c](https://evil.example)`t`<script><img src=x onerror=y>**b**$x$:red[x]" in joined
    # plain text: no Markdown escapes leak into the deck (the one word joiner allowed keeps a minus
    # on the line of the currency symbol after it: roi.export.deck.template.nobreak)
    assert "\\[" not in joined and "\u2060" not in joined.replace("\u2212\u2060", "\u2212")


def test_workbook_keeps_hostile_text_as_strings(scenario, analyses):
    import openpyxl

    from roi.export import workbook_bytes

    blob = workbook_bytes(scenario, analyses=analyses)
    wb = openpyxl.load_workbook(io.BytesIO(blob))
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and "evil" in c.value:
                    assert c.data_type == "s", (ws.title, c.coordinate, c.value[:80])
                    assert c.hyperlink is None, (ws.title, c.coordinate)
                    seen += 1
    assert seen > 20
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = z.read(name).decode("utf-8")
                assert not re.search(r"<f>[^<]*evil", xml), name
                assert "<hyperlink" not in xml, name


def test_csv_prefixes_hostile_formulas(scenario, analyses):
    import csv

    from roi.export import all_csv

    risky = 0
    for name, blob in all_csv(scenario, roi.evaluate(scenario), analyses).items():
        for row in csv.reader(io.StringIO(blob.decode("utf-8-sig"))):
            for field in row:
                assert not field.startswith(("=", "+", "@")), (name, field[:60])
                risky += field.startswith("'=HYPERLINK")
    assert risky >= 2


# --------------------------------------------------------------------------- share links

@pytest.mark.parametrize("where", ["", "settings", "segments.0", "initiatives.0", "initiatives.0.evidence",
                                   "initiatives.0.uplift", "process", "content", "plan"])
def test_a_link_cannot_carry_unknown_keys(where):
    from roi.share import decode_scenario

    data = roi.load_sample("european_retailer").model_dump(mode="json")
    node: Any = data
    for part in filter(None, where.split(".")):
        node = node[int(part)] if part.isdigit() else node[part]
    node["onerror"] = NAME
    token = "v1." + __import__("base64").urlsafe_b64encode(
        __import__("zlib").compress(json.dumps(data).encode())).decode().rstrip("=")
    with pytest.raises(roi.ScenarioError) as exc:
        decode_scenario(token)
    path = re.sub(r"\.(\d+)", r"[\1]", where)
    assert exc.value.problems == [f"{path + '.' if path else ''}onerror: is not a known field"]


def test_an_oversized_link_is_refused_before_it_is_decoded():
    from roi.bounded import MAX_JSON_BYTES
    from roi.share import decode_scenario

    with pytest.raises(roi.ScenarioError) as exc:
        decode_scenario("v2." + "A" * MAX_JSON_BYTES)
    assert exc.value.problems == [f"link: {MAX_JSON_BYTES + 3:,} characters is longer than any scenario link"]
