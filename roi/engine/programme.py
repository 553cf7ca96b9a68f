"""The programme's yearly benefit and cost over many draws at once: the Monte Carlo's fast path.

Gives the same totals as summing :func:`roi.engine.compute` over initiatives — to rounding —
*before* risk adjustment, without splitting overlap groups and cross-lever terms between
initiatives (only the per-initiative view needs that). The uncertainty analyses run on it: their
ranges *are* the risk, so the TEI haircut is not applied on top (:mod:`roi.uncertainty`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .build import COST_SAVING, RETENTION, REVENUE, Inputs, Structure
from .flows import beyond_horizon_factor
from .timing import active_share, effect_cells, realisation_by_initiative, timing_draws_last


@dataclass(frozen=True)
class FastIndex:
    """Pairs and groups split for :func:`programme_cash`.

    *Linear* pairs pull a revenue lever, are alone in their overlap group and (when levers
    combine multiplicatively) alone on their segment: their revenue is linear in the uplift and
    collapses onto initiatives. The other pairs are stored slot-major by overlap group: the
    first pair of every group (groups sorted by size, largest first), then the second pair of
    every group that has one, and so on — so a group product is a few in-place multiplications
    of contiguous slices. Revenue groups that share a segment with another revenue group are
    *interacting*: their ``1 + G`` multiply, slot-major by segment in the same way.
    """

    linear_pairs: np.ndarray  # [P1] pair indices
    linear_onehot: np.ndarray  # [P1,J] pair → initiative
    shared_pairs: np.ndarray  # [P2] pair indices, slot-major
    slot_sizes: tuple[int, ...]  # groups having a pair in slot 0, 1, 2, …
    pair_cap: np.ndarray  # [P2,1,1] largest positive g before the product: 1 − 1e-9 in a shared group, ∞ alone
    group_segment: np.ndarray  # [K2] segment of each group (slot-0 order)
    group_retention: np.ndarray  # [K2] bool: the group pulls retention
    group_alone: np.ndarray  # [K2] bool: a revenue group that interacts with no other
    interacting: np.ndarray  # [K3] positions in K2 of interacting groups, slot-major by segment
    segment_slots: tuple[int, ...]  # segments having an interacting group in slot 0, 1, 2, …
    interacting_segment: np.ndarray  # [S3] segment of each product (slot-0 order)
    saving_initiatives: np.ndarray  # [J'] cost-saving initiatives

    @classmethod
    def of(cls, structure: Structure) -> "FastIndex":
        pg, pj = structure.pair_group, structure.pair_initiative
        J = len(structure.lever)
        gl, gs = structure.group_lever, structure.group_segment
        revenue = np.isin(gl, REVENUE)
        per_segment = np.bincount(gs[revenue], minlength=int(gs.max(initial=-1)) + 1)
        interacts = revenue & (per_segment[gs] > 1) if structure.multiplicative else np.zeros(len(gl), bool)
        linear_group = revenue & (structure.group_size == 1) & ~interacts
        linear = np.flatnonzero(linear_group[pg])
        onehot = np.zeros((len(linear), J))
        onehot[np.arange(len(linear)), pj[linear]] = 1.0
        groups = np.flatnonzero(~linear_group)
        groups = groups[np.argsort(-structure.group_size[groups], kind="stable")]
        pairs, sizes = _slot_major([np.flatnonzero(pg == k) for k in groups])
        # Inside a group an uplift counts at most 100% (1 − Π(1 − g)); alone it keeps its value.
        cap = np.where(structure.group_size[pg[pairs]] > 1, 1 - 1e-9, np.inf)[:, None, None]
        inter = np.flatnonzero(interacts[groups])  # positions in K2
        segs = gs[groups[inter]]
        by_segment = [inter[segs == s] for s in np.unique(segs)]
        by_segment.sort(key=len, reverse=True)
        inter_order, seg_sizes = _slot_major(by_segment)
        return cls(
            linear_pairs=linear,
            linear_onehot=onehot,
            shared_pairs=pairs,
            slot_sizes=sizes,
            pair_cap=cap,
            group_segment=gs[groups],
            group_retention=gl[groups] == RETENTION,
            group_alone=(gl[groups] != RETENTION) & ~interacts[groups],
            interacting=inter_order,
            segment_slots=seg_sizes,
            interacting_segment=np.array([gs[groups[m[0]]] for m in by_segment], dtype=np.int64),
            saving_initiatives=np.flatnonzero(structure.lever == COST_SAVING),
        )


def _slot_major(members: list[np.ndarray]) -> tuple[np.ndarray, tuple[int, ...]]:
    """Members of groups (largest group first) laid out slot by slot, and each slot's size."""
    width = max((len(m) for m in members), default=0)
    slots = [[m[s] for m in members if len(m) > s] for s in range(width)]
    return np.array([p for slot in slots for p in slot], dtype=np.int64), tuple(len(slot) for slot in slots)


def _slot_product(values: np.ndarray, slot_sizes: tuple[int, ...]) -> np.ndarray:
    """Product over each group of slot-major ``values`` ``[P2,…]`` → ``[K2,…]`` (a view of
    ``values``, which is overwritten)."""
    out = values[: slot_sizes[0]]
    at = slot_sizes[0]
    for n in slot_sizes[1:]:
        out[:n] *= values[at : at + n]
        at += n
    return out


class ProgrammeCash(NamedTuple):
    """Unadjusted programme ``benefit`` and ``cost`` per year ``[D,T+1]`` (cost includes the shared
    programme cost), and ``terminal`` ``[D]``: the value at the end of the horizon of the extra
    retained customers still on the books (counted in NPV only when the scenario says so)."""

    benefit: np.ndarray
    cost: np.ndarray
    terminal: np.ndarray


def programme_cash(structure: Structure, x: Inputs) -> ProgrammeCash:
    """The programme's yearly benefit and cost before risk adjustment, for every draw.

    Any ``Inputs`` array may have a draw axis of length 1, meaning the same value in every
    draw (saves memory and time). Internally the draw axis is last, so numpy works on long
    contiguous rows.

    Notes
    -----
    A group's uplift is ``G = (1 − Π(1 − g⁺)) + (Π(1 + g⁻) − 1)`` (the product form of the
    overlap rule, equal to it to rounding). A revenue segment's uplift is ``Π_l (1 + G_l) − 1``
    when levers combine multiplicatively, ``Σ_l G_l`` otherwise, times its baseline gross
    profit. A retention group's extra stock follows ``E_t = r E_{t−1} + n r G_t`` (capped so
    retention stays ≤ 1). Revenue is × the programme calibration; savings are not.
    """
    ix = structure.fast_index
    D, T = x.draws, structure.horizon
    pj, ps = structure.pair_initiative, structure.pair_segment
    cells = effect_cells(structure, x)
    if cells is None:
        active, effect = timing_draws_last(structure, x)  # [J,T,·]
        realised = None
    else:  # the Monte Carlo: gather the curve per pair below; the full [J,T,·] effect only if needed
        active = active_share(structure, x)
        curve, cell = cells
        realised = realisation_by_initiative(structure, x).T  # [J,·]

    def effect_of(js: np.ndarray | None = None, *, folded: bool = False) -> np.ndarray:
        """``[len(js),T,·]`` realised effect of initiatives ``js`` (every initiative for ``None``) —
        without the realisation share when it is ``folded`` into the pairs' weights (the cells path
        does that, below)."""
        if realised is None:
            return effect if js is None else effect[js]
        curve_js = np.take(curve, cell if js is None else cell[js], axis=0)
        return curve_js if folded else curve_js * realised[js][:, None, :]

    customers, retention = x.customers.T, x.retention.T  # [S,·]
    per_customer = (x.visits * x.conversion * x.order_value).T  # [S,·] revenue per customer
    margin = x.margin.T
    eligible = np.where(structure.pair_identity[:, None], x.personalizable.T[ps], 1.0)  # [P,·]
    reach_uplift = (x.channel_reach * x.uplift).T  # [J,·]
    if realised is not None:  # the cells path: realisation folded into each initiative's weight
        reach_uplift = reach_uplift * realised
    gain = np.zeros((T, D))
    terminal = np.zeros(D)

    if len(ix.linear_pairs):
        p1 = ix.linear_pairs
        w = (customers * per_customer * margin)[ps[p1]] * eligible[p1] * reach_uplift[pj[p1]]  # [P1,·]
        gain += np.einsum("jtd,jd->td", effect_of(folded=True), ix.linear_onehot.T @ w)

    if len(ix.shared_pairs):
        p2 = ix.shared_pairs
        a = eligible[p2] * reach_uplift[pj[p2]]  # [P2,·]
        # [P2,T,·]: the effect per pair — on the cells path the bare curve, its realisation share
        # being already folded into ``a`` (through reach_uplift)
        g = np.take(effect, pj[p2], axis=0) if realised is None else np.take(curve, cell[pj[p2]], axis=0)
        if g.shape[2] == a.shape[1]:
            g *= a[:, None, :]  # in place: this is the largest array of the Monte Carlo
        else:
            g = g * a[:, None, :]
        neg = None
        # An effect is at most 1, so |g| ≤ |a|: the caps below change nothing unless some |a| reaches them.
        cap_a = ix.pair_cap[:, :, 0]  # [P2,1]
        if (a < 0).any():
            neg = np.minimum(g, 0.0)
            if (a < -cap_a).any():
                np.maximum(neg, -ix.pair_cap, out=neg)  # shared: Π(1 + g⁻) with g⁻ > −1; alone: as is
            neg += 1.0
            neg = _slot_product(neg, ix.slot_sizes)
            neg -= 1.0  # [K2,T,·] combined negative part
            np.maximum(g, 0.0, out=g)
        if (a > cap_a).any():
            np.minimum(g, ix.pair_cap, out=g)
        np.subtract(1.0, g, out=g)
        pos = _slot_product(g, ix.slot_sizes)
        np.subtract(1.0, pos, out=pos)  # [K2,T,·] combined positive part
        seg, ret = ix.group_segment, ix.group_retention
        base_gp = (customers * per_customer * margin)[seg]  # [K2,·]
        if ix.group_alone.any():
            alone = ix.group_alone
            G = pos[alone] + (neg[alone] if neg is not None else 0.0)
            gain += np.einsum("ktd,kd->td", G, np.broadcast_to(base_gp[alone], (int(alone.sum()), D)))
        if len(ix.interacting):
            k3 = ix.interacting
            one_plus = np.take(pos, k3, axis=0)  # [K3,T,·]
            one_plus += 1.0
            if neg is not None:
                one_plus += neg[k3]
            U = _slot_product(one_plus, ix.segment_slots)
            U -= 1.0  # [S3,T,·]
            w = (customers * per_customer * margin)[ix.interacting_segment]
            gain += np.einsum("std,sd->td", U, np.broadcast_to(w, (len(w), D)))
        if ret.any():
            r = retention[seg[ret]][:, None, :]  # [Kr,1,·]
            cap = np.maximum(1.0 / np.maximum(r, 1e-12) - 1.0, 0.0)
            n_neg = neg[ret] if neg is not None else 0.0
            G = np.minimum(pos[ret], np.maximum(cap - n_neg, 0.0)) + n_neg
            added = (customers * retention)[seg[ret]][:, None, :] * G  # [Kr,T,·]
            w_ret = np.broadcast_to((per_customer * margin)[seg[ret]], (int(ret.sum()), D))
            stock = np.zeros((int(ret.sum()), D))
            prev = stock
            for t in range(T):
                stock = stock * r[:, 0] + added[:, t]
                year = (prev + stock) / 2.0 if structure.retention_mid_year else stock
                gain[t] += np.einsum("kd,kd->d", year, w_ret)
                prev = stock
            k = beyond_horizon_factor(r[:, 0], x.discount_rate[None, :], structure.retention_mid_year)  # [Kr,·]
            terminal += np.einsum("kd,kd->d", stock * k, w_ret)

    cal = np.broadcast_to(x.calibration, (D,))
    gain *= cal
    terminal *= cal
    if len(ix.saving_initiatives):
        js = ix.saving_initiatives
        coef = (x.cost_base * x.uplift).T[js]  # [J',·]
        gain += np.einsum("jtd,jd->td", effect_of(js), np.broadcast_to(coef, (len(js), D)))

    annual = (x.running_cost + x.content_cost + x.variable_cost).T  # [J,·]
    benefit, cost = np.zeros((D, T + 1)), np.empty((D, T + 1))
    benefit[:, 1:] = gain.T
    cost[:, 0] = (x.one_time_cost + x.effort_cost).sum(axis=1) + x.programme_one_time
    if active.shape[2] == 1:  # launch months shared by every draw: one matrix product
        yearly = annual.T @ active[:, :, 0]  # [·,T]
    else:
        yearly = np.einsum("jtd,jd->dt", active, np.broadcast_to(annual, (annual.shape[0], D)))
    cost[:, 1:] = yearly + x.programme_annual[:, None]
    return ProgrammeCash(benefit, cost, terminal)
