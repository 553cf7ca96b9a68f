"""Command-line interface: ``python -m roi COMMAND …``.

Each command lives in a module of :mod:`roi.commands` that exposes ``add_commands(subparsers)``;
a handler returns the exit code: 0 on success, 2 on invalid input (one line per problem on
stderr, naming the field), never a traceback for bad input.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .io import ScenarioError

# Modules that register sub-commands; add a new one here.
COMMAND_MODULES = [
    "roi.commands.core",
    "roi.commands.experiments",
    "roi.commands.holdout",
    "roi.commands.export",
    "roi.commands.scenarios",
    "roi.commands.uncertainty",
    "roi.commands.plan",
    "roi.commands.baselines",
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too; keep its one-line style
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m roi", description="Personalization ROI business case.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .threads import limit_blas_threads

    limit_blas_threads()
    try:
        return int(args.handler(args) or 0)
    except ScenarioError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return 2
    except ValueError as exc:  # roi functions raise ValueError("field: reason") for impossible input
        print(exc, file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. ``… --json | head``: the reader left, nothing more to say
        sys.stderr.close()
        return 0
