"""The bad-input corpus (issue 16) through every way in: the loaders, the CLI, and the app's upload and link.

Every field of every sample scenario is mutated (:mod:`tests.corpus`), and whole files, share
links and workbooks are broken in the ways users and attackers break them. Each case must be
refused with :class:`roi.ScenarioError` — never another exception, never a traceback — with
every problem line led by a field path and one naming the field that was broken; a case still
valid after the mutation (a UTF-8 BOM, a negative uplift within bounds) must load; and in the
app a refused file or link leaves the scenario that was loaded before it untouched.

All cases run in-process through the loaders; a deterministic sample of them runs through the
CLI's ``main`` in-process, a handful through the real ``python -m roi`` entry point, and a few
dozen through Streamlit's AppTest. The counts per kind are printed at the end of the session.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import subprocess
import sys
import time
from collections import Counter

import pytest
from streamlit.testing.v1 import AppTest

import roi
from roi.share import pasted_address_problem
from roi.cli import main as cli_main
from roi.export import scenario_from_workbook
from roi.share import decode_scenario

from .apptest_helpers import APP, ROOT, assert_no_exception
from .corpus import COUNTS_KEY, Case, cases, counts
from .corpus.check import complaints, run

LOADERS = {"json": roi.loads_scenario, "link": decode_scenario, "xlsx": scenario_from_workbook}
CLI_EVERY = 40  # one per-field JSON case in this many also goes through `python -m roi validate`
APP_UPLOADS = 30  # refused JSON files uploaded, one after another, in one app session
APP_LINKS = 12  # refused links, each opened in a fresh app session


@pytest.fixture(scope="module")
def corpus(request: pytest.FixtureRequest) -> list[Case]:
    """Every case, generated once; the counts per kind go to the end-of-session summary."""
    all_cases = list(cases())
    request.config.stash.setdefault(COUNTS_KEY, Counter()).update(
        {f"in-process, {kind}": n for kind, n in counts(all_cases).items()})
    return all_cases


def _record(request: pytest.FixtureRequest, what: str, n: int) -> None:
    request.config.stash.setdefault(COUNTS_KEY, Counter())[what] += n


def _failures(results: list[tuple[Case, list[str]]]) -> str:
    bad = [(c, p) for c, p in results if p]
    lines = [f"{len(bad)} of {len(results)} cases failed:"]
    lines += [f"  {c.case_id}: {'; '.join(p)[:400]}" for c, p in bad[:25]]
    return "\n".join(lines)


# --------------------------------------------------------------------------- loaders, in-process

def _timed(case: Case) -> tuple[float, list[str]]:
    start = time.perf_counter()
    problems = run(case, LOADERS[case.kind])[1]
    return time.perf_counter() - start, problems


@pytest.mark.parametrize("kind", ["json", "link", "xlsx"])
def test_every_case_is_refused_naming_its_field_or_loads(corpus, kind):
    """Each loader raises nothing but ScenarioError; every problem line leads with a field path, one
    names the broken field (and, for a single mutated field, no other field is blamed); valid
    inputs load. And quickly: no case costs more than a few times reading a valid input of its
    kind (a hostile input must not buy seconds of CPU per request)."""
    mine = [c for c in corpus if c.kind == kind]
    assert mine
    reference = max(_timed(c)[0] for c in mine if c.expect == "load")
    budget = max(1.0, 5 * reference)  # generous: the machine may be shared with other work
    results = []
    for case in mine:
        elapsed, problems = _timed(case)
        if elapsed > budget:
            problems = problems + [f"took {elapsed:.1f} s (a valid input takes {reference:.2f} s)"]
        results.append((case, problems))
    assert not any(p for _, p in results), _failures(results)


def test_the_corpus_reaches_every_field_of_the_schema_with_every_mutation(corpus):
    """Coverage, not luck: every scalar field the samples hold gets every mutation that applies to it
    at least once (the rotation in tests.corpus.json_cases), and every kind of case exists."""
    import json

    from .corpus import json_cases
    from .corpus.leaves import leaves

    applied: dict[str, set[str]] = {}
    for c in corpus:
        if c.kind == "json" and "@" in c.case_id:
            sample, _, rest = c.case_id.partition("@")
            path, how = rest.rsplit("/", 1)
            applied.setdefault(sample.split("/", 1)[1] + "@" + path, set()).add(how)
    by_pattern: dict[str, set[str]] = {}
    wanted: dict[str, set[str]] = {}
    for name, text in json_cases.samples().items():
        for lf in leaves(json.loads(text)):
            by_pattern.setdefault(lf.pattern, set()).update(applied.get(f"{name}@{lf.path}", set()))
            assert applied.get(f"{name}@{lf.path}"), f"{name}: {lf.path} is never mutated"
            wanted.setdefault(lf.pattern, set()).update(
                m for m, f in json_cases.MUTATIONS.items() if f(lf) is not None)
    missing = {p: sorted(wanted[p] - got) for p, got in by_pattern.items() if wanted[p] - got}
    assert not missing, missing
    assert {"json", "link", "xlsx"} <= {c.kind for c in corpus}


# --------------------------------------------------------------------------- the CLI

def _cli(argv: list[str]) -> tuple[int, str, str]:
    """``python -m roi ARGV`` in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli_main(argv)
        except SystemExit as exc:  # argparse's own refusals
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException as exc:  # noqa: BLE001 - reported as the failure it is
            import traceback

            traceback.print_exc(file=err)
            code = f"raised {type(exc).__name__}"
    return code, out.getvalue(), err.getvalue()


def _cli_sample(corpus: list[Case]) -> list[Case]:
    """Every whole-file JSON case, one field case in :data:`CLI_EVERY`, and the workbooks' refusals."""
    json_files = [c for c in corpus if c.kind == "json"]
    fields = [c for c in json_files if "@" in c.case_id]
    whole = [c for c in json_files if "@" not in c.case_id]
    books = [c for c in corpus if c.kind == "xlsx"][::6]
    return whole + fields[::CLI_EVERY] + books


def _check_cli(case: Case, code: object, out: str, err: str) -> list[str]:
    if "Traceback" in err or not isinstance(code, int):
        return [f"exit {code!r}, a traceback: {err[-600:]}"]
    if case.expect == "load" or (case.expect == "either" and code == 0):
        return [] if code == 0 else [f"exit {code} for a valid input: {err[:300]}"]
    if code != 2:
        return [f"exit {code}, not 2 (invalid input); stdout {out[:200]!r}"]
    return complaints(case, err.splitlines())


def test_cli_refuses_each_case_with_exit_2_and_the_field(corpus, tmp_path, request):
    """`python -m roi validate FILE` (and `import` for workbooks), in-process: exit 2 with one line per
    problem on stderr naming the field, exit 0 for a valid file — never a traceback."""
    sample = _cli_sample(corpus)
    results = []
    for k, case in enumerate(sample):
        path = tmp_path / (f"case{k}.xlsx" if case.kind == "xlsx" else f"case{k}.json")
        path.write_bytes(case.payload if isinstance(case.payload, bytes) else case.payload.encode())
        argv = ["import", str(path)] if case.kind == "xlsx" else ["validate", str(path)]
        results.append((case, _check_cli(case, *_cli(argv))))
    _record(request, "CLI in-process", len(results))
    assert not any(p for _, p in results), _failures(results)


def test_the_real_entry_point_refuses_without_a_traceback(corpus, tmp_path, request):
    """A handful of cases through `python -m roi` as a subprocess: the same exit code and lines as in-process."""
    by_id = {c.case_id: c for c in corpus}
    chosen = [by_id[i] for i in (
        "json/file/nested_10000", "json/file/too_large", "json/file/key_given_twice_at_top",
        "json/european_retailer/latin1", "json/retail_bank/utf8_bom",
        "xlsx/record/chunk_count_billion", "xlsx/not_a_workbook/zip_of_text",
    )]
    chosen.append(next(c for c in corpus if c.kind == "json" and c.case_id.endswith("/5000_digits")))
    results = []
    for k, case in enumerate(chosen):
        path = tmp_path / (f"case{k}.xlsx" if case.kind == "xlsx" else f"case{k}.json")
        path.write_bytes(bytes(case.payload))
        argv = ["import", str(path)] if case.kind == "xlsx" else ["validate", str(path)]
        proc = subprocess.run([sys.executable, "-m", "roi", *argv], cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
        results.append((case, _check_cli(case, proc.returncode, proc.stdout, proc.stderr)))
    _record(request, "CLI subprocess", len(results))
    assert not any(p for _, p in results), _failures(results)


# --------------------------------------------------------------------------- the app

def _host_app() -> None:
    """The scenario sidebar (upload, link) and the banners, as every page shows them."""
    import streamlit as st

    from ui import messages, sidebar, state

    sidebar.scenario_sidebar()
    messages.banner()
    st.text(state.get_scenario().settings.name)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _app_sample(corpus: list[Case], kind: str, n: int) -> list[Case]:
    """``n`` refused cases of ``kind``, spread over the corpus (whole-file ones and field mutations)."""
    refused = [c for c in corpus if c.kind == kind and c.expect == "refuse"
               and len(c.payload) < 300_000]  # the multi-megabyte ones are the loaders' business
    step = max(len(refused) // n, 1)
    return [c for c in refused[::step] if str(c.payload).strip()][:n]  # an empty ?s= is no link at all


def _shows(at: AppTest, case: Case, banner: str, first: str | None = None) -> list[str]:
    """Problems with what the page shows for a refused ``case``: no exception, the banner, and the
    first problem (the loader's, unless given)."""
    if at.exception:
        return [f"exception in the app: {[e.message for e in at.exception][:2]}"]
    if first is None:
        try:
            LOADERS[case.kind](case.payload)
        except roi.ScenarioError as exc:
            first = _flat(exc.problems[0])
    boxes = [_flat(e.value) for e in at.error if banner in e.value]
    if not boxes:
        return [f"no error box saying {banner!r}: {[e.value[:200] for e in at.error]}"]
    if not any(first in box for box in boxes):
        return [f"the error box does not show {first[:200]!r}: {boxes[0][:400]!r}"]
    return []


def test_app_upload_refuses_bad_files_and_keeps_the_scenario(corpus, request):
    """Uploaded one after another in one session: each refused file shows an error naming the field,
    and the scenario loaded before (a sample picked in the sidebar) stays exactly as it was."""
    at = AppTest.from_function(_host_app, default_timeout=60)
    at.run()
    at.selectbox(key="sample_picker").set_value("retail_bank").run()
    assert_no_exception(at)
    before = at.session_state["scenario"]
    assert before == roi.load_sample("retail_bank")
    results = []
    for case in _app_sample(corpus, "json", APP_UPLOADS):
        at.file_uploader[0].set_value(("corpus.json", bytes(case.payload), "application/json")).run()
        problems = _shows(at, case, "corpus.json was not loaded")
        if at.session_state["scenario"] != before:
            problems.append("the scenario changed")
        results.append((case, problems))
    # and a valid file after all that (with a BOM) still loads
    good = next(c for c in corpus if c.case_id == "json/european_retailer/utf8_bom")
    at.file_uploader[0].set_value(("good.json", good.payload, "application/json")).run()
    assert_no_exception(at)
    assert at.session_state["scenario"] == roi.load_sample("european_retailer")
    _record(request, "app upload", len(results) + 1)
    assert not any(p for _, p in results), _failures(results)


def test_app_link_refuses_bad_links_and_shows_the_sample(corpus, request):
    """Each refused link, opened as ``?s=…`` in a fresh session, shows the link's problems naming the
    field and falls back to the default sample — the scenario a session starts with."""
    from ui.state import DEFAULT_SAMPLE

    results = []
    default = roi.load_sample(DEFAULT_SAMPLE)
    # a token that is not a "v2."/"v1." scenario is read as a saved version's id (?s=<id>&v=<n>)
    library_ids = [c for c in corpus if c.kind == "link" and "/token/" in c.case_id and c.expect == "refuse"
                   and str(c.payload).strip() and not str(c.payload).strip().startswith(("v1.", "v2."))]
    for case in _app_sample(corpus, "link", APP_LINKS) + library_ids:
        at = AppTest.from_function(_host_app, default_timeout=60)
        at.query_params["s"] = case.payload
        at.run()
        # a saved version's id is looked up in the scenario library instead: "link: scenario: no saved …",
        # unless it is a whole address pasted in: "link: the link holds a whole address …"
        expected = None
        if case in library_ids:
            expected = "`link: the link holds a whole address" if pasted_address_problem(str(case.payload)) \
                else "`link: scenario: "
        problems = _shows(at, case, "could not be opened", expected)
        if not at.exception and at.session_state["scenario"] != default:
            problems.append("the scenario is not the default sample")
        results.append((case, problems))
    _record(request, "app link", len(results))
    assert not any(p for _, p in results), _failures(results)


def _workbook_host() -> None:
    """The Export page's workbook import: the handler its uploader calls, and the feedback under it
    (AppTest cannot drive that uploader, see tests/test_page_export.py)."""
    import streamlit as st

    from ui import exports, state

    blob = st.session_state.pop("corpus_blob", None)
    if blob is not None:
        exports.import_workbook(blob, "corpus.xlsx")
    exports.import_feedback()
    st.text(state.get_scenario().settings.name)


def test_app_workbook_import_refuses_bad_workbooks_and_keeps_the_scenario(corpus, request):
    """Refused workbooks, imported one after another in one session: each shows an error naming the
    field or cell, and the scenario stays the one the session started with."""
    at = AppTest.from_function(_workbook_host, default_timeout=60)
    at.run()
    assert_no_exception(at)
    before = at.session_state["scenario"]
    books = [c for c in corpus if c.kind == "xlsx" and c.expect == "refuse"]
    results = []
    for case in books[::8]:
        at.session_state["corpus_blob"] = case.payload
        at.run()
        problems = _shows(at, case, "corpus.xlsx was not loaded")
        if at.session_state["scenario"] != before:
            problems.append("the scenario changed")
        results.append((case, problems))
    _record(request, "app workbook import", len(results))
    assert not any(p for _, p in results), _failures(results)


def test_the_real_app_refuses_a_bad_link_and_a_bad_upload(corpus, request):
    """Once through app.py itself (navigation, the overview page): a bad link, then a bad upload."""
    link = next(c for c in corpus if c.kind == "link" and c.case_id.endswith("/duplicate_bad_last"))
    upload = next(c for c in corpus if c.kind == "json" and c.case_id.endswith("/nan"))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["s"] = link.payload
    at.run()
    assert _shows(at, link, "could not be opened") == []
    before = at.session_state["scenario"]
    at.sidebar.file_uploader[0].set_value(("corpus.json", upload.payload, "application/json")).run()
    assert_no_exception(at)
    assert at.session_state["scenario"] == before
    # AppTest shows the entry point's sidebar only on a session's first run (tests/apptest_helpers.py),
    # so the refusal is read where the sidebar keeps it for its error box
    name, problems = at.session_state["scenario_upload_error"]
    assert name == "corpus.json" and complaints(upload, problems) == [], problems
    _record(request, "app (app.py)", 2)


def test_the_corpus_is_deterministic():
    """The same cases in the same order on every run: a failure in CI reproduces on a laptop."""
    from .corpus import json_cases

    first = [(c.case_id, c.payload) for c in itertools.islice(json_cases.cases(), 500)]
    second = [(c.case_id, c.payload) for c in itertools.islice(json_cases.cases(), 500)]
    assert first == second

