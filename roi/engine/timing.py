"""When an initiative acts: the share of each year it is live and its realised effect that year.

The effect of an initiative rises linearly from 0 at launch to 1 after ``ramp`` months, then
fades by ``decay`` a year (exponentially, month by month); it is scaled by the maturity
realisation share unless the uplift was measured (see
:meth:`roi.schema.Scenario.realised_by_maturity`). A year's effect is the average of that curve
over the year's twelve months. Costs run for the share of the year the initiative is live.
"""

from __future__ import annotations

import numpy as np

from .build import Inputs, Structure


def decay_rate(decay: np.ndarray) -> np.ndarray:
    """Monthly exponential rate ``λ = −ln(1 − decay) / 12`` of a yearly decay share."""
    return -np.log1p(-np.asarray(decay, dtype=float)) / 12.0


def effect_integral(months: np.ndarray, launch: np.ndarray, ramp: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Months of full effect accumulated ``months`` after the start of year 1 (broadcasting).

    Notes
    -----
    With ``y = max(months − launch, 0)`` months since launch, ``R`` the ramp and ``λ`` the
    monthly decay rate, the effect curve is ``y / R`` while ``y ≤ R`` and ``exp(−λ (y − R))``
    after; its integral is ``min(y, R)² / (2R) + (1 − exp(−λ z)) / λ`` with ``z = max(y − R, 0)``
    (``z`` itself when ``λ = 0``; no ramp term when ``R = 0``).

    >>> float(effect_integral(np.array(24.0), np.array(0.0), np.array(12.0), np.array(0.0)))
    18.0
    """
    y = np.maximum(months - launch, 0.0)
    r = np.minimum(y, ramp)
    safe_ramp = np.where(ramp > 0, ramp, 1.0)
    rising = np.where(ramp > 0, r * r / (2.0 * safe_ramp), 0.0)
    z = np.maximum(y - ramp, 0.0)
    lam = np.asarray(lam, dtype=float)
    safe_lam = np.where(lam > 0, lam, 1.0)
    tail = np.where(lam > 0, -np.expm1(-safe_lam * z) / safe_lam, z)
    return rising + tail


def realisation_by_initiative(structure: Structure, x: Inputs) -> np.ndarray:
    """``[D,J]`` share of the uplift realised: maturity realisation, or 1 for a measured uplift."""
    return np.where(structure.realised[None, :], x.realisation[:, None], 1.0)


def timing(structure: Structure, x: Inputs) -> tuple[np.ndarray, np.ndarray]:
    """Share of each year an initiative is live, and its average realised effect that year.

    Returns ``(active, effect)``, both ``[D,J,T]`` fractions 0–1 for years 1 … horizon.
    """
    ends = 12.0 * np.arange(0, structure.horizon + 1)  # [T+1] months since start
    launch = x.launch_months[:, :, None]
    ramp = x.ramp_months[:, None, None]
    lam = decay_rate(x.decay)[:, :, None]
    active = np.clip(ends[1:] - launch, 0.0, 12.0) / 12.0
    cum = effect_integral(ends, launch, ramp, lam)
    effect = np.diff(cum, axis=2) / 12.0 * realisation_by_initiative(structure, x)[:, :, None]
    return active, effect


def _integral_in_place(y: np.ndarray, ramp: np.ndarray, lam: np.ndarray | None) -> np.ndarray:
    """:func:`effect_integral` from ``y`` = months since launch (may be negative; overwritten),
    with as few temporaries as possible — the Monte Carlo calls it on large arrays. ``lam`` is
    ``None`` when no row decays."""
    np.maximum(y, 0.0, out=y)
    rising = np.minimum(y, ramp)
    rising *= rising
    if (ramp > 0).all():
        rising /= 2.0 * ramp
    else:
        ramp_b = np.broadcast_to(ramp, rising.shape)
        np.divide(rising, 2.0 * ramp_b, out=rising, where=ramp_b > 0)
        rising[ramp_b <= 0] = 0.0
    y -= ramp
    np.maximum(y, 0.0, out=y)  # z: months at or past full effect
    if lam is not None:
        decaying = np.broadcast_to(lam > 0, y.shape)
        safe = np.where(lam > 0, lam, 1.0)
        tail = -np.expm1(-safe * y) / safe
        y = np.where(decaying, tail, y)
    y += rising
    return y


def timing_draws_last(structure: Structure, x: Inputs) -> tuple[np.ndarray, np.ndarray]:
    """:func:`timing` laid out ``[J,T,·]`` (draws last, so numpy works on long contiguous rows).

    Arrays may have a draw axis of length 1. Years before launch in every draw (effect 0) and
    years wholly past launch + ramp in every draw for an initiative without decay (effect = its
    realisation) are filled directly; the integral is taken once per year end of the other
    initiatives and differenced.
    """
    T = structure.horizon
    ends = 12.0 * np.arange(T + 1)  # [T+1]
    launch = x.launch_months.T  # [J,·]
    ramp = x.ramp_months  # [·]
    lam = decay_rate(x.decay).T  # [J,·]
    real = realisation_by_initiative(structure, x).T  # [J,·]
    J = launch.shape[0]
    n = np.broadcast_shapes(launch.shape[1:], ramp.shape, real.shape[1:], lam.shape[1:])[0]
    active = active_share(structure, x)
    no_decay = (lam == 0).all(axis=1)  # [J]
    before = ends[None, 1:] <= launch.min(axis=1)[:, None]  # [J,T]: not launched in any draw
    steady = (ends[None, :-1] - launch.max(axis=1)[:, None] >= float(np.max(ramp))) & no_decay[:, None]
    effect = np.empty((J, T, n))
    effect[before] = 0.0
    jj, tt = np.nonzero(steady & ~before)
    effect[jj, tt] = np.broadcast_to(real, (J, n))[jj]
    rest = ~(before | steady)
    busy = np.flatnonzero(rest.any(axis=1))  # initiatives with a year to integrate
    if len(busy):
        if launch.shape[1] == 1:  # launch months shared by every draw (the Monte Carlo): cheaper path
            cum = _integral_by_case(ends[None, :] - launch[busy], ramp, lam[busy], n)
        else:
            y = ends[None, :, None] - launch[busy][:, None, :]  # [B,T+1,·]
            y = np.broadcast_to(y, (len(busy), T + 1, n)).copy()
            lam_b = lam[busy][:, None, :]
            cum = _integral_in_place(y, ramp, None if no_decay[busy].all() else lam_b)
        part = np.diff(cum, axis=1)
        part *= np.broadcast_to(real, (J, n))[busy][:, None, :] / 12.0
        mask = rest[busy]  # [B,T]
        effect[busy[:, None].repeat(T, 1)[mask], np.nonzero(mask)[1]] = part[mask]
    return active, effect


def _integral_by_case(y: np.ndarray, ramp: np.ndarray, lam: np.ndarray, n: int) -> np.ndarray:
    """:func:`effect_integral` ``[B,T+1,n]`` when the months since launch ``y`` ``[B,T+1]`` are the
    same in every draw and only the ramp (and realisation) vary: each (initiative, year end) cell
    is before launch (0), inside every draw's ramp (``y² / 2R``), past every draw's ramp
    (``y − R/2`` plus the decay tail), or in between (the general formula) — so most cells take two
    array operations instead of a dozen."""
    y = np.maximum(y, 0.0)
    ramp = np.broadcast_to(np.asarray(ramp, dtype=float), (n,))
    r_min, r_max = float(ramp.min()), float(ramp.max())
    lam_b = np.broadcast_to(lam, (lam.shape[0], n))  # [B,n]
    decays = (lam_b > 0).any(axis=1)  # [B]
    out = np.zeros(y.shape + (n,))
    zero = y <= 0
    inside = ~zero & (y <= r_min) & (r_min > 0)
    past = ~zero & ~inside & (y >= r_max)
    general = ~(zero | inside | past)
    bi, ti = np.nonzero(inside)
    if len(bi):
        out[bi, ti] = (y[bi, ti] ** 2)[:, None] / (2.0 * ramp)[None, :]
    bi, ti = np.nonzero(past & ~decays[:, None])
    if len(bi):
        out[bi, ti] = y[bi, ti][:, None] - ramp[None, :] / 2.0
    bi, ti = np.nonzero((past & decays[:, None]) | general)
    if len(bi):
        yy = np.broadcast_to(y[bi, ti][:, None], (len(bi), n)).copy()
        out[bi, ti] = _integral_in_place(yy, ramp, lam_b[bi] if decays[bi].any() else None)
    return out


def effect_cells(structure: Structure, x: Inputs) -> tuple[np.ndarray, np.ndarray] | None:
    """The year-average ramp curve of :func:`timing_draws_last` *before* the realisation share,
    once per distinct (launch month, decay) — the Monte Carlo's fast path.

    Returns ``(values, cell)``: ``values`` ``[U,·]`` fractions 0–1 and ``cell`` ``[J,T]`` the row of
    ``values`` for initiative ``j`` in year ``t``, so the effect is
    ``values[cell[j, t]] × realisation[j]``. ``None`` when launch months or decay differ between
    draws (then :func:`timing_draws_last` is the way).

    Why: in a Monte Carlo run only the ramp (and the realisation share) varies by draw, and many
    initiatives share a launch month, so the curve is computed for a few classes instead of every
    initiative, and the caller gathers it straight into its per-pair array in one ``take``.
    """
    if x.launch_months.shape[0] != 1 or x.decay.shape[0] != 1:
        return None
    T = structure.horizon
    ends = 12.0 * np.arange(T + 1)  # [T+1]
    lam = decay_rate(x.decay[0])  # [J]
    # Classes in order of first appearance (a dict, not np.unique(axis=0): ten times cheaper here).
    keys = list(zip(x.launch_months[0].tolist(), lam.tolist()))
    first = {k: None for k in keys}
    number = {k: i for i, k in enumerate(first)}
    classes = np.array(list(first), dtype=float).reshape(-1, 2)
    cls = np.array([number[k] for k in keys], dtype=np.intp)
    ramp = np.asarray(x.ramp_months, dtype=float).reshape(-1)
    n = ramp.size
    launch, lam_c = classes[:, 0], classes[:, 1]
    cum = _integral_by_case(ends[None, :] - launch[:, None], ramp, lam_c[:, None], n)  # [C,T+1,n]
    part = np.diff(cum, axis=1)
    part /= 12.0
    # Years wholly past launch + the slowest ramp without decay are full effect exactly (as
    # timing_draws_last fills them), not 12 − rounding of a difference of two integrals.
    steady = (ends[None, :-1] - launch[:, None] >= float(ramp.max())) & (lam_c == 0)[:, None]
    part[steady] = 1.0
    values = part.reshape(len(classes) * T, n)
    return values, cls[:, None] * T + np.arange(T)[None, :]


def active_share(structure: Structure, x: Inputs) -> np.ndarray:
    """``[J,T,·]`` share of each year an initiative is live (the cost side of :func:`timing_draws_last`)."""
    ends = 12.0 * np.arange(structure.horizon + 1)
    active = np.clip(ends[None, 1:, None] - x.launch_months.T[:, None, :], 0.0, 12.0)
    active /= 12.0
    return active
