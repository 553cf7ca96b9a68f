"""``scenarios``: the scenario library from the command line, on the same store as the dashboard.

* ``scenarios save FILE --name NAME [--author A] [--reason R] [--base-version N]``
* ``scenarios list [--json] [--search TEXT] [--deleted]``
* ``scenarios history NAME [--json]`` — each version with ``version``, ``author``, ``reason``,
  ``created_at`` and ``changes`` (a list of ``{path, old, new}``)
* ``scenarios show NAME [--version N]`` — the scenario JSON
* ``scenarios diff NAME A B [--json]``
* ``scenarios rename|duplicate|delete|restore|export …``

The database is ``$ROI_DATABASE_URL`` (default: SQLite in ``.roi/``). Exit codes: 0 done, 2 bad
input (unknown name or version, invalid file, unreadable stored row, unreachable database), 3 a
save whose base version is not the latest (the message names the latest version).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from typing import Any

from ..io import dumps_scenario, load_scenario
from .core import print_json
from .flags import whole_number


class _Store:
    """``roi.store`` (SQLAlchemy, Alembic) loaded on first use, so the CLI starts fast."""

    def __getattr__(self, name: str) -> Any:
        from .. import store

        return getattr(store, name)


_store = _Store()

CONFLICT_EXIT = 3


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scenarios", help="the scenario library: saved versions, change log, diff")
    cmds = p.add_subparsers(dest="scenarios_command", required=True, parser_class=type(p))

    c = cmds.add_parser("save", help="save a scenario file as a new scenario or its next version")
    c.add_argument("file", help="scenario JSON file")
    c.add_argument("--name", required=True, help="the scenario's name in the library")
    c.add_argument("--author", help="who saves (default: your login name)")
    c.add_argument("--reason", default="", help="why (shown in the change log)")
    c.add_argument("--base-version", type=whole_number, metavar="N",
                   help="the version your file was based on; refused (exit 3) if it is not the latest")
    c.set_defaults(handler=_save)

    c = cmds.add_parser("list", help="saved scenarios, most recently saved first")
    c.add_argument("--search", default="", help="only names containing this text")
    c.add_argument("--deleted", action="store_true", help="list the deleted scenarios instead")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=_list)

    c = cmds.add_parser("history", help="every version of a scenario with who, when, why and what changed")
    c.add_argument("name")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=_history)

    c = cmds.add_parser("show", help="print a version's scenario JSON")
    c.add_argument("name")
    c.add_argument("--version", type=whole_number, metavar="N", help="default: the latest")
    c.set_defaults(handler=_show)

    c = cmds.add_parser("diff", help="what changed between two versions")
    c.add_argument("name")
    c.add_argument("a", type=whole_number, help="version")
    c.add_argument("b", type=whole_number, help="version")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=_diff)

    c = cmds.add_parser("rename", help="rename a saved scenario")
    c.add_argument("name")
    c.add_argument("new_name")
    c.set_defaults(handler=_rename)

    c = cmds.add_parser("duplicate", help="branch a scenario: a new scenario from one of its versions")
    c.add_argument("name")
    c.add_argument("new_name")
    c.add_argument("--version", type=whole_number, metavar="N", help="default: the latest")
    c.add_argument("--author")
    c.add_argument("--reason", default="")
    c.set_defaults(handler=_duplicate)

    for verb, helptext in (("delete", "soft-delete a scenario (it can be restored)"),
                           ("restore", "restore a deleted scenario")):
        c = cmds.add_parser(verb, help=helptext)
        c.add_argument("name")
        c.add_argument("--author")
        c.set_defaults(handler=_delete if verb == "delete" else _restore)

    c = cmds.add_parser("export", help="the Excel model of a version, with its Change log sheet")
    c.add_argument("name")
    c.add_argument("--xlsx", required=True, metavar="OUT.xlsx")
    c.add_argument("--version", type=whole_number, metavar="N", help="default: the latest")
    c.set_defaults(handler=_export)


def _author(given: str | None) -> str:
    if given:
        return given
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers)
        return "command line"


def _save(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.file)
    store = _store.ScenarioStore.open()
    author = _author(args.author)
    try:
        existing = store.find(args.name)
    except ValueError:
        existing = None
    if existing is not None and existing.deleted:
        existing = None  # the name is free again
    try:
        if existing is None:
            if args.base_version is not None:
                print(f"--base-version: no saved scenario named {args.name!r}; omit it to create one",
                      file=sys.stderr)
                return 2
            saved = store.create(args.name, scenario, author=author, reason=args.reason)
        else:
            base = existing.latest_version if args.base_version is None else args.base_version
            saved = store.save(existing.id, scenario, base_version=base, author=author, reason=args.reason)
    except _store.ConflictError as exc:
        print(f"conflict: {exc.name!r} is at version {exc.latest} (latest); your file was based on version "
              f"{exc.base_version}. Saved since by:", file=sys.stderr)
        for v in exc.since:
            print(f"  version {v.version}  {v.author}  {v.reason or '(no reason given)'}  "
                  f"({len(v.changes)} changed fields)", file=sys.stderr)
        print(f"Check `python -m roi scenarios diff {args.name!r} {exc.base_version} {exc.latest}`, then save "
              f"with --base-version {exc.latest}, or save under another name.", file=sys.stderr)
        return CONFLICT_EXIT
    n = len(saved.changes)
    print(f"saved {args.name!r} version {saved.version} ({n} change{'s' * (n != 1)})")
    return 0


def _list(args: argparse.Namespace) -> int:
    items = _store.ScenarioStore.open().list(args.search, deleted=args.deleted)
    if args.json:
        print_json([i.to_dict() for i in items])
        return 0
    for i in items:
        print(f"{i.name}  v{i.latest_version}  {i.to_dict()['updated_at']}  {i.updated_by}  id={i.id}")
    return 0


def _history(args: argparse.Namespace) -> int:
    store = _store.ScenarioStore.open()
    versions = store.history(store.find(args.name).id)
    if args.json:
        print_json([v.to_dict() for v in versions])
        return 0
    for v in versions:
        print(f"version {v.version}  {v.to_dict()['created_at']}  {v.author}  {v.reason or '(no reason given)'}")
        for change in v.changes:
            print(f"    {_store.describe(change)}")
    return 0


def _show(args: argparse.Namespace) -> int:
    store = _store.ScenarioStore.open()
    opened = store.load(store.find(args.name).id, args.version)
    sys.stdout.write(dumps_scenario(opened.scenario) + "\n")
    return 0


def _diff(args: argparse.Namespace) -> int:
    store = _store.ScenarioStore.open()
    changes = store.diff(store.find(args.name).id, args.a, args.b)
    if args.json:
        print_json([c.to_dict() for c in changes])
    else:
        for change in changes:
            print(_store.describe(change))
        if not changes:
            print(f"no differences between versions {args.a} and {args.b}")
    return 0


def _rename(args: argparse.Namespace) -> int:
    store = _store.ScenarioStore.open()
    info = store.rename(store.find(args.name).id, args.new_name)
    print(f"renamed {args.name!r} to {info.name!r}")
    return 0


def _duplicate(args: argparse.Namespace) -> int:
    store = _store.ScenarioStore.open()
    info = store.find(args.name)
    version = info.latest_version if args.version is None else args.version
    store.branch(info.id, version, args.new_name, author=_author(args.author), reason=args.reason)
    print(f"created {args.new_name!r} from {info.name!r} version {version}")
    return 0


def _delete(args: argparse.Namespace) -> int:
    store = _store.ScenarioStore.open()
    info = store.find(args.name)
    restore = f"restore with `python -m roi scenarios restore {args.name!r}`"
    if info.deleted:  # nothing to do (exit 0, as a second delete in a script expects), and said so
        print(f"{args.name!r} was already deleted on {info.deleted_at:%Y-%m-%d %H:%M} UTC ({restore})")
        return 0
    store.delete(info.id, author=_author(args.author))
    print(f"deleted {args.name!r} ({restore})")
    return 0


def _restore(args: argparse.Namespace) -> int:
    store = _store.ScenarioStore.open()
    info = store.restore(store.find(args.name).id)
    print(f"restored {info.name!r}")
    return 0


def _export(args: argparse.Namespace) -> int:
    if not args.xlsx.lower().endswith(".xlsx"):
        print("--xlsx: the output file name must end in .xlsx", file=sys.stderr)
        return 2
    from ..export.xlsx import workbook_bytes
    from .core import write_output

    store = _store.ScenarioStore.open()
    info = store.find(args.name)
    opened = store.load(info.id, args.version)
    history = [v for v in store.history(info.id) if v.version <= opened.version.version]
    write_output(args.xlsx, workbook_bytes(opened.scenario, history=history))
    print(f"wrote {args.xlsx}")
    return 0
