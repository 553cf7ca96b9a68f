"""The meeting deck (kept for callers of ``roi.export.pptx.deck_bytes``): see :mod:`roi.export.deck`."""

from .deck import build_deck, deck_bytes, figure_slides

__all__ = ["build_deck", "deck_bytes", "figure_slides"]
