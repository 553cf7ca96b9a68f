"""The winner's curse across the set of applied test results: a de-biased cumulative lift.

Tests are applied because they won, so their observed lifts are biased upward, and the sum of
the winners overstates what the programme delivers. Each applied result is shrunk toward zero
with a normal prior on true lifts, ``N(0, τ²)``, whose spread ``τ`` is estimated from the
applied results themselves (empirical Bayes) when there are enough of them; the programme's
cumulative measured lift is then the case evaluated with the shrunk lifts, not the winners.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from scipy import stats

from ..io import ScenarioError, parse_scenario
from ..model import evaluate
from ..schema import UPLIFT_MAX, UPLIFT_MIN, EvidenceKind, Scenario

DEFAULT_PRIOR_SD = 0.05  # the Experiments page's default "typical size of true lifts"
MIN_RESULTS_TO_ESTIMATE = 3  # fewer results cannot tell noise from spread


@dataclass(frozen=True)
class AppliedLift:
    """One applied test result, as observed and after shrinkage across the set."""

    initiative: str
    test_name: str
    observed_lift: float  # relative lift the test measured
    se: float  # its standard error, from the recorded interval
    shrinkage_factor: float  # k = τ² / (τ² + se²), share of the observed lift kept
    shrunk_lift: float  # k × observed
    shrunk_ci: tuple[float, float]  # k × observed ± z √k se
    significant: bool


@dataclass(frozen=True)
class CumulativeLift:
    """The programme's measured lift: the sum of winners against the de-biased figure."""

    results: tuple[AppliedLift, ...]
    prior_sd: float  # τ used
    prior_source: str  # "estimated from the N applied results" or "given" / "default"
    naive_revenue: float  # measured initiatives' incremental revenue with the observed lifts (currency, horizon)
    debiased_revenue: float  # the same with the shrunk lifts
    applied_revenue: float  # the same with the uplifts the case holds now

    @property
    def overstatement(self) -> float | None:
        """naive ÷ de-biased − 1: how much the sum of winners overstates; None when undefined."""
        if self.debiased_revenue <= 0:
            return None
        return self.naive_revenue / self.debiased_revenue - 1


def _se(ci: tuple[float, float], confidence: float) -> float:
    z = float(stats.norm.isf((1 - confidence) / 2))
    return max((ci[1] - ci[0]) / (2 * z), 0.0)


def estimate_prior_sd(lifts: list[float], ses: list[float]) -> float:
    """Method-of-moments spread of true lifts: ``τ̂² = max(0, mean(l²) − mean(se²))``.

    Notes
    -----
    Under ``l_i ~ N(θ_i, se_i²)`` with ``θ_i ~ N(0, τ²)``, ``E[l_i²] = τ² + se_i²``. A set whose
    lifts are no larger than their noise gives ``τ̂ = 0``: no real effect can be told apart,
    and every lift shrinks to zero.
    """
    if not lifts:
        raise ValueError("results: no applied result to estimate from")
    n = len(lifts)
    return math.sqrt(max(sum(v * v for v in lifts) / n - sum(s * s for s in ses) / n, 0.0))


def shrinkage_factor(se: float, prior_sd: float) -> float:
    """Share of an observed lift kept by normal–normal shrinkage: ``k = τ² / (τ² + se²)``.

    >>> shrinkage_factor(0.03, 0.04)
    0.64
    """
    tau2, se2 = prior_sd * prior_sd, se * se
    return 1.0 if tau2 + se2 == 0 else tau2 / (tau2 + se2)


def _set_base(data: dict, name: str, base: float) -> None:
    ini = next(i for i in data["initiatives"] if i["name"] == name)
    base = min(max(base, UPLIFT_MIN), UPLIFT_MAX)
    u = ini["uplift"]
    ini["uplift"] = {"low": min(u["low"], base), "base": base, "high": max(u["high"], base)}


def _revenue_with(scenario: Scenario, lifts: dict[str, float]) -> float:
    data = scenario.model_dump(mode="json")
    for name, lift in lifts.items():
        _set_base(data, name, lift)
    case = evaluate(parse_scenario(data))
    return sum(case.initiative(n).incremental_revenue for n in lifts)


def cumulative_measured_lift(scenario: Scenario, *, prior_sd: float | None = None) -> CumulativeLift | None:
    """De-bias the set of applied results of ``scenario`` (``None`` when nothing is measured).

    Parameters
    ----------
    prior_sd : spread of true relative lifts across tests, ``τ`` (> 0). Default: estimated from
        the applied results (:func:`estimate_prior_sd`) when there are at least
        :data:`MIN_RESULTS_TO_ESTIMATE`, else :data:`DEFAULT_PRIOR_SD`.

    Notes
    -----
    For each initiative whose evidence is ``measured``: ``se = (hi − lo) / (2 z)`` from the
    recorded interval, ``k = τ²/(τ² + se²)``, shrunk lift ``k × observed`` (the normal–normal
    posterior mean, as :func:`roi.experiments.analysis.analyze_ab` for one test). Revenues are
    those initiatives' incremental revenue over the horizon from ``roi.evaluate`` with the base
    uplift set to the observed lift (the sum of winners), to the shrunk lift (de-biased), and as
    the case holds it now.
    """
    measured = [i for i in scenario.initiatives if i.evidence.kind == EvidenceKind.measured and i.evidence.measured]
    if not measured:
        return None
    obs = [float(i.evidence.measured.rel_lift) for i in measured]  # type: ignore[union-attr]
    ses = [_se(tuple(i.evidence.measured.ci_rel_lift), i.evidence.measured.confidence)  # type: ignore[union-attr]
           for i in measured]
    if prior_sd is not None:
        tau = float(prior_sd)
        if not (math.isfinite(tau) and tau > 0):
            raise ValueError(f"prior_sd: must be greater than 0 (e.g. 0.05), got {tau:g}")
        source = "given"
    elif len(measured) >= MIN_RESULTS_TO_ESTIMATE:
        tau, source = estimate_prior_sd(obs, ses), f"estimated from the {len(measured)} applied results"
    else:
        tau = DEFAULT_PRIOR_SD
        source = (f"default {DEFAULT_PRIOR_SD:.0%} (fewer than {MIN_RESULTS_TO_ESTIMATE} applied results to "
                  "estimate it from)")
    results = []
    for ini, lift, se in zip(measured, obs, ses):
        m = ini.evidence.measured
        assert m is not None
        k = shrinkage_factor(se, tau)
        z = float(stats.norm.isf((1 - m.confidence) / 2))
        half = z * math.sqrt(k) * se
        results.append(AppliedLift(initiative=ini.name, test_name=m.test_name, observed_lift=lift, se=se,
                                   shrinkage_factor=k, shrunk_lift=k * lift,
                                   shrunk_ci=(k * lift - half, k * lift + half), significant=m.significant))
    names = [r.initiative for r in results]
    current = evaluate(scenario)
    return CumulativeLift(
        results=tuple(results), prior_sd=tau, prior_source=source,
        naive_revenue=_revenue_with(scenario, {r.initiative: r.observed_lift for r in results}),
        debiased_revenue=_revenue_with(scenario, {r.initiative: r.shrunk_lift for r in results}),
        applied_revenue=sum(current.initiative(n).incremental_revenue for n in names),
    )


def debias_applied(scenario: Scenario, *, prior_sd: float | None = None, date: dt.date | None = None) -> Scenario:
    """Apply the across-the-set shrinkage: every measured uplift becomes its shrunk value.

    Each measured initiative's uplift becomes ``(shrunk low, shrunk, shrunk high)`` of
    :func:`cumulative_measured_lift` (clipped to the schema's range), its recorded
    ``shrinkage_factor`` is updated, and a change record per initiative says why. A scenario
    without measured uplifts is refused.
    """
    cum = cumulative_measured_lift(scenario, prior_sd=prior_sd)
    if cum is None:
        raise ValueError("scenario: no initiative has a measured uplift to de-bias")
    when = (date or dt.date.today()).isoformat()
    data = scenario.model_dump(mode="json")
    for r in cum.results:
        ini = next(i for i in data["initiatives"] if i["name"] == r.initiative)
        low, base, high = (min(max(v, UPLIFT_MIN), UPLIFT_MAX) for v in (r.shrunk_ci[0], r.shrunk_lift, r.shrunk_ci[1]))
        before = ini["uplift"]
        after = {"low": low, "base": base, "high": high}
        ini["uplift"] = after
        ini["evidence"]["measured"]["shrinkage_factor"] = r.shrinkage_factor
        data["changes"].append({
            "date": when,
            "initiative": r.initiative,
            "before": before,
            "after": after,
            "evidence_before": EvidenceKind.measured.value,
            "evidence_after": EvidenceKind.measured.value,
            "reason": (f"Winner's curse across the {len(cum.results)} applied results (τ = {cum.prior_sd:.3g}, "
                       f"{cum.prior_source}): test {r.test_name!r} observed {r.observed_lift:+.1%}, kept "
                       f"{r.shrinkage_factor:.0%} → {r.shrunk_lift:+.1%}."),
            "result": ini["evidence"]["measured"],
            "note": "",
        })
    try:
        return parse_scenario(data)
    except ScenarioError as exc:
        raise ValueError("; ".join(exc.problems)) from None
