"""Widgets and formats shared by the Experiments tabs."""

from __future__ import annotations

import datetime as dt

import numpy as np
import streamlit as st

from roi.bounded import upload_megabytes
from roi.experiments.uploads import MAX_UPLOAD_BYTES
from ui import format as fmt
from ui import md

ALPHAS = [0.01, 0.05, 0.10]
CSV_MB = upload_megabytes(MAX_UPLOAD_BYTES)  # the upload boxes' limit, as the CSV reader's


def pct_input(label: str, key: str, value: float, help: str, *, max_value: float = 100.0,
              min_value: float = 0.0, container=st) -> float:
    """A percentage input returning a fraction 0–1."""
    return container.number_input(label, min_value=min_value, max_value=max_value, value=value, step=0.1,
                                  format="%.2f", key=key, help=help, persist_state="session") / 100.0


def date_in(days: float | None, today: dt.date | None = None) -> str:
    """ISO date ``days`` from today (rounded up), or a dash."""
    if days is None or not np.isfinite(days):
        return fmt.DASH
    return ((today or dt.date.today()) + dt.timedelta(days=float(np.ceil(days)))).isoformat()


def refused(what: str, exc: Exception, container=st) -> None:
    """An error box saying what was refused and why; the reason is a code span (it may quote the
    uploaded file, and a code span shows it literally)."""
    container.error(f"{what} — {md.code(exc)}")
