"""The CLI's commands, one module per subject; each exposes ``add_commands(subparsers)`` (see :mod:`roi.cli`)."""
