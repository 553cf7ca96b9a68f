"""Provenance of an uplift: one line that says where the number comes from.

An uplift's provenance is its initiative's :class:`~roi.schema.Evidence` — an assumption, a
published benchmark (with its source and year), or our own A/B test (with its figures, attached
by the feedback loop in :mod:`roi.experiments.feedback`). The dashboard shows this line next to
the uplift fields and in the evidence list, so a number is never shown without its origin.
"""

from __future__ import annotations

from .schema import Evidence, EvidenceKind

NO_SOURCE = "no source given"


def evidence_source(ev: Evidence) -> str:
    """Where the uplift comes from, in one line (the kind is shown separately, as a badge).

    * measured, with the test's figures: ``test “Cart reminder A/B”: A 500/10,000 vs B
      600/10,000 converted, lift +20.0% (95% interval +6.9% to +34.6%), p = 0.0019, applied
      2025-03-14``;
    * otherwise the stated source and its year (unless the source already names it):
      ``McKinsey (2021)``;
    * nothing stated: ``no source given``.

    >>> evidence_source(Evidence(kind="benchmark", source="McKinsey", year=2021))
    'McKinsey (2021)'
    >>> evidence_source(Evidence())
    'no source given'
    """
    m = ev.measured
    if ev.kind == EvidenceKind.measured and m is not None:
        lo, hi = m.ci_rel_lift
        text = (f"test “{m.test_name}”: A {m.conversions_a:,}/{m.visitors_a:,} vs B "
                f"{m.conversions_b:,}/{m.visitors_b:,} converted, lift {m.rel_lift:+.1%} "
                f"({m.confidence:.0%} interval {lo:+.1%} to {hi:+.1%}), p = {m.p_value:.2g}")
        if m.shrinkage_factor is not None:
            text += f", shrunk to {m.shrinkage_factor:.0%} of the observed lift"
        return text + (f", applied {m.date}" if m.date else "")
    if not ev.source:
        return NO_SOURCE
    return ev.source + (f" ({ev.year})" if ev.year and str(ev.year) not in ev.source else "")


def evidence_text(ev: Evidence) -> str:
    """Kind, provenance and note in one line, for exports: ``benchmark: McKinsey (2021) — note``."""
    text = f"{ev.kind.value}: {evidence_source(ev)}"
    return text + (f" — {ev.note}" if ev.note else "")
