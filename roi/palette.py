"""The colours every chart, slide and sheet uses: Okabe–Ito, safe for colour-vision deficiencies."""

from __future__ import annotations

# Okabe & Ito (2008), "Color Universal Design": safe for deuteranopia, protanopia, tritanopia.
OKABE_ITO: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
PALETTE: list[str] = list(OKABE_ITO.values())
BENEFIT = OKABE_ITO["blue"]
COST = OKABE_ITO["vermillion"]
TOTAL = "#4D4D4D"
OUTCOME_COLOURS: dict[str, str] = {
    "growth": OKABE_ITO["blue"],
    "retention": OKABE_ITO["green"],
    "efficiency": OKABE_ITO["orange"],
    "lifetime_value": OKABE_ITO["purple"],
}


OUTCOME_LABELS: dict[str, str] = {
    "growth": "Growth",
    "retention": "Retention",
    "efficiency": "Efficiency",
    "lifetime_value": "Lifetime value",
}
QUADRANT_COLOURS: dict[str, str] = {
    "Quick win": OKABE_ITO["green"],
    "Big bet": OKABE_ITO["blue"],
    "Fill-in": OKABE_ITO["orange"],
    "Money pit": OKABE_ITO["vermillion"],
}
