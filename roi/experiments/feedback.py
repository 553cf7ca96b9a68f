"""The feedback loop: a measured test result replaces an initiative's assumed uplift.

The result's point estimate and interval become the uplift's base and low/high, the evidence
becomes ``measured`` (with the test's figures attached), and a :class:`~roi.schema.ChangeRecord`
stored on the scenario says what moved, from what to what, and why. The scenario is never
mutated: a new, validated :class:`~roi.schema.Scenario` is returned.
"""

from __future__ import annotations

import datetime as dt

from ..io import ScenarioError, parse_scenario
from ..schema import UPLIFT_MAX, UPLIFT_MIN, EvidenceKind, Lever, Scenario
from .analysis import ABResult

# Levers a conversion test measures: conversion directly, purchase frequency by proxy.
CONVERSION_LEVERS = (Lever.conversion_rate, Lever.purchase_frequency)


def apply_result(
    scenario: Scenario,
    initiative: str,
    result: ABResult,
    *,
    test_name: str,
    date: dt.date | None = None,
    note: str = "",
) -> Scenario:
    """Return a copy of ``scenario`` whose ``initiative`` carries the measured uplift.

    Parameters
    ----------
    initiative : name of an initiative pulling ``conversion_rate`` or ``purchase_frequency``.
    result : output of :func:`roi.experiments.analyze_ab`; if it was computed with winner's-curse
        shrinkage, the shrunk lift and interval are applied.
    test_name : how the test is known (shown as the evidence source), non-empty.
    date : when the result is applied (default: today).

    Notes
    -----
    ``uplift.low, uplift.base, uplift.high = interval low, point, interval high`` of the relative
    lift, clipped to the schema's range [−1, 10]. A non-significant result is applied too
    (measured evidence of a small effect beats an assumption), and the change record says it was
    not significant.

    Raises
    ------
    ValueError
        Unknown initiative, a lever a conversion test does not measure, an empty test name, or a
        result whose relative lift is undefined (no conversions in the control).
    """
    names = [i.name for i in scenario.initiatives]
    if initiative not in names:
        raise ValueError(f"initiative: unknown initiative {initiative!r} (known: {', '.join(names)})")
    j = names.index(initiative)
    ini = scenario.initiatives[j]
    if ini.lever not in CONVERSION_LEVERS:
        raise ValueError(
            f"initiative: {initiative!r} pulls {ini.lever.value}; a conversion test measures "
            "conversion_rate or purchase_frequency initiatives only"
        )
    if not test_name.strip():
        raise ValueError("test_name: must not be empty (it is the evidence source)")
    uplift = result.measured_uplift
    if uplift is None:
        raise ValueError("result: the control has no conversions, so the relative lift is undefined; "
                         "run the test longer before applying it")
    low, base, high = (min(max(v, UPLIFT_MIN), UPLIFT_MAX) for v in uplift)
    when = (date or dt.date.today()).isoformat()
    ci = result.ci_rel_lift
    assert ci is not None and result.rel_lift is not None  # implied by measured_uplift
    measured = {
        "test_name": test_name.strip(),
        "date": when,
        "visitors_a": result.visitors_a,
        "conversions_a": result.conversions_a,
        "visitors_b": result.visitors_b,
        "conversions_b": result.conversions_b,
        "p_value": result.p_value,
        "alpha": result.alpha,
        "significant": result.significant,
        "rel_lift": result.rel_lift,
        "ci_rel_lift": list(ci),
        "confidence": result.confidence,
        "shrinkage_factor": result.shrinkage_factor,
    }
    data = scenario.model_dump(mode="json")
    before = data["initiatives"][j]["uplift"]
    after = {"low": low, "base": base, "high": high}
    shrink = "" if result.shrinkage_factor is None else (
        f" Applied the shrunk lift {base:+.1%} (kept {result.shrinkage_factor:.0%} of the observed "
        f"{result.rel_lift:+.1%})."
    )
    data["initiatives"][j]["uplift"] = after
    data["initiatives"][j]["evidence"] = {
        "kind": EvidenceKind.measured.value,
        "source": test_name.strip(),
        "year": int(when[:4]),
        "note": f"A/B test applied {when}: " + ("significant" if result.significant else "not significant")
        + f" at α = {result.alpha:g} (p = {result.p_value:.3g}).",
        "measured": measured,
    }
    data["changes"].append({
        "date": when,
        "initiative": initiative,
        "before": before,
        "after": after,
        "evidence_before": ini.evidence.kind.value,
        "evidence_after": EvidenceKind.measured.value,
        "reason": f"Test {test_name.strip()!r}: {result.decision}{shrink}",
        "result": measured,
        "note": note,
    })
    try:
        return parse_scenario(data)
    except ScenarioError as exc:  # should not happen: inputs were validated above
        raise ValueError("; ".join(exc.problems)) from None
