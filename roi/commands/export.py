"""``export`` and ``import``: the live Excel model, meeting deck and PDF brief of a scenario, and back.

* ``python -m roi export FILE [--xlsx OUT.xlsx] [--pptx OUT.pptx] [--pdf OUT.pdf]`` — at least one
  output; the analyses (and their Monte Carlo) run once for all of them;
* ``python -m roi import OUT.xlsx --json`` — the scenario restored from an exported workbook
  (with the assumptions edited in it), as JSON on stdout.

Bad input (an invalid scenario, a workbook that is not ours or is damaged, an unwritable
output) exits 2 with one line per problem on stderr.
"""

from __future__ import annotations

import argparse
import sys

from ..io import dumps_scenario, load_scenario
from .core import write_output


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="write the live Excel model, the meeting deck and/or the PDF brief")
    p.add_argument("file", help="scenario JSON file")
    p.add_argument("--xlsx", metavar="OUT.xlsx", help="write the live Excel workbook here")
    p.add_argument("--pptx", metavar="OUT.pptx", help="write the meeting deck here")
    p.add_argument("--pdf", metavar="OUT.pdf", help="write the executive brief (2–4 pages) here")
    p.set_defaults(handler=_export)

    p = sub.add_parser("import", help="restore a scenario from an exported (and edited) workbook")
    p.add_argument("file", help="workbook written by `python -m roi export --xlsx`")
    p.add_argument("--json", action="store_true", help="print the scenario JSON on stdout (the default)")
    p.set_defaults(handler=_import)


def _export(args: argparse.Namespace) -> int:
    if not (args.xlsx or args.pptx or args.pdf):
        print("export: give at least one of --xlsx OUT.xlsx, --pptx OUT.pptx, --pdf OUT.pdf", file=sys.stderr)
        return 2
    for opt, suffix in (("xlsx", ".xlsx"), ("pptx", ".pptx"), ("pdf", ".pdf")):
        out = getattr(args, opt)
        if out and not out.lower().endswith(suffix):
            print(f"--{opt}: the output file name must end in {suffix}", file=sys.stderr)
            return 2
    from .. import helper

    helper.start()  # the Monte Carlo's process starts while this one reads the case and imports
    if args.pdf:
        helper.start(helper.CHARTS)  # and the brief's chart renderer (roi.render)
    scenario = load_scenario(args.file)
    from ..model import evaluate  # loaded on use: the CLI's light commands start fast

    case = evaluate(scenario)
    from ..export.analyses import run_analyses

    analyses = run_analyses(scenario, case)
    if args.xlsx:
        from ..export.xlsx import workbook_bytes

        write_output(args.xlsx, workbook_bytes(scenario, case, analyses=analyses))
        print(f"wrote {args.xlsx}")
    if args.pptx:
        from ..export.deck import deck_bytes

        write_output(args.pptx, deck_bytes(scenario, case, analyses=analyses))
        print(f"wrote {args.pptx}")
    if args.pdf:
        from ..export.brief import brief_bytes

        write_output(args.pdf, brief_bytes(scenario, case, analyses=analyses))
        print(f"wrote {args.pdf}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from ..export.xlsx_import import scenario_from_workbook

    scenario = scenario_from_workbook(args.file)
    sys.stdout.write(dumps_scenario(scenario) + "\n")
    return 0
