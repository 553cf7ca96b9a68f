"""The verdict on a case: worth it, marginal or not worth it — one rule for pages, CLI and exports.

The rule (stated wherever the verdict is shown):

* **not worth it** (as planned) when the headline, risk-adjusted NPV is zero or less;
* **marginal** when it is positive but the chance of losing money — P(NPV < 0) in the Monte
  Carlo, whose ranges are the risk — is :data:`MATERIAL_LOSS` or more;
* **worth it** otherwise (or when no simulation was run: the headline alone).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MATERIAL_LOSS = 0.10  # from this chance of losing money on, "worth it" is qualified

Kind = Literal["worth_it", "marginal", "not_worth_it"]


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    npv: float  # headline risk-adjusted NPV (currency)
    prob_loss: float | None  # P(NPV < 0), fraction; None when not simulated

    @property
    def phrase(self) -> str:
        """What follows "the programme …": ``is **worth it**`` (Markdown bold on the verdict word)."""
        if self.kind == "not_worth_it":
            return "is **not worth it** as planned"
        if self.kind == "marginal":
            assert self.prob_loss is not None
            return (f"is **marginal**: worth it on the central case, with {odds(self.prob_loss)} chance of "
                    f"losing money ({self.prob_loss:.1%})")
        return "is **worth it**"

    @property
    def label(self) -> str:
        """Plain label: ``Worth it``, ``Marginal``, ``Not worth it as planned``."""
        return {"worth_it": "Worth it", "marginal": "Marginal", "not_worth_it": "Not worth it as planned"}[self.kind]


def verdict(npv: float, prob_loss: float | None = None) -> Verdict:
    """Apply the rule in the module docstring.

    >>> verdict(-1.0).kind, verdict(5.0, 0.36).kind, verdict(5.0, 0.02).kind, verdict(5.0).kind
    ('not_worth_it', 'marginal', 'worth_it', 'worth_it')
    """
    if npv <= 0:
        return Verdict("not_worth_it", npv, prob_loss)
    if prob_loss is not None and prob_loss >= MATERIAL_LOSS:
        return Verdict("marginal", npv, prob_loss)
    return Verdict("worth_it", npv, prob_loss)


def odds(p: float) -> str:
    """A probability as plain odds: 0.365 → "about 1 in 3".

    >>> odds(0.365), odds(0.04), odds(0.0)
    ('about 1 in 3', 'under 1 in 20', 'under 1 in 20')
    """
    n = max(2, round(1 / p)) if p > 0 else 0
    return f"about 1 in {n}" if 0 < n <= 20 else "under 1 in 20"
