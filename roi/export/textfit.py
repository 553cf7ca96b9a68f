"""Measure and wrap text with the font's own metrics, so no deliverable ever cuts a word.

The deck and the PDF brief set their text in Liberation Sans (shipped in ``roi/export/fonts``,
SIL Open Font License), which has the same advance widths as Arial: the deck names Arial, so
PowerPoint (Arial) and LibreOffice (Liberation Sans) lay it out exactly as measured here.
Widths come from Pillow's ``ImageFont.getlength`` at a large reference size, scaled to points.

:func:`fit` finds the largest font size (within limits) at which a text, wrapped at word
boundaries, fits a box; when none does, it keeps the words that fit, ends them with "…", and
returns the rest, which the caller moves to the speaker notes. Nothing is cut mid-word.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILES = {False: FONT_DIR / "LiberationSans-Regular.ttf", True: FONT_DIR / "LiberationSans-Bold.ttf"}
FONT_NAME = "Arial"  # what the deck asks for: metric-compatible with Liberation Sans
LINE_SPACING = 1.2  # line height ÷ font size (PowerPoint's and LibreOffice's single spacing for Arial ≈ 1.15)
_REF = 1000  # reference size (px) at which widths are measured


@lru_cache(maxsize=2)
def _font(bold: bool):
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_FILES[bold]), _REF)


@lru_cache(maxsize=65_536)
def _width_at_ref(text: str, bold: bool) -> float:
    return float(_font(bold).getlength(text))


def width(text: str, size: float, bold: bool = False) -> float:
    """Advance width of ``text`` in points at ``size`` points.

    >>> round(width("Revenue", 10), 1), width("", 10)  # R 722 + 6 × 556 units of 1000, at 10 pt
    (40.0, 0.0)
    """
    return _width_at_ref(text, bold) * size / _REF if text else 0.0


def wrap(text: str, max_width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken into lines no wider than ``max_width`` points: at spaces, keeping explicit line
    breaks; a single word wider than a line is split between characters (never silently dropped).

    >>> wrap("Personalization at scale needs content", 110, 12)
    ['Personalization at', 'scale needs content']
    """
    lines: list[str] = []
    for para in text.split("\n"):
        words = para.split(" ")
        line = ""
        for word in words:
            candidate = word if not line else f"{line} {word}"
            if width(candidate, size, bold) <= max_width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while width(word, size, bold) > max_width and len(word) > 1:
                k = len(word) - 1
                while k > 1 and width(word[:k], size, bold) > max_width:
                    k -= 1
                lines.append(word[:k])
                word = word[k:]
            line = word
        lines.append(line)
    return lines


def height(lines: int, size: float, spacing: float = LINE_SPACING) -> float:
    """Height in points of ``lines`` lines at ``size`` points."""
    return lines * size * spacing


@dataclass(frozen=True)
class Fit:
    """A text fitted to a box: the size used (points), the lines shown, and what moved to the notes."""

    size: float
    lines: list[str]
    overflow: str = ""  # text that did not fit, for the speaker notes ("" when everything fits)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def fit(text: str, box_width: float, box_height: float, *, max_size: float, min_size: float,
        bold: bool = False, step: float = 1.0, spacing: float = LINE_SPACING, gap: float = 0.0) -> Fit:
    """The largest size from ``max_size`` down to ``min_size`` (points) at which ``text`` wrapped to
    ``box_width`` fits ``box_height`` (both points). If it fits at no size, the words that fit at
    ``min_size`` are kept, the last line ends with "…", and the rest is returned as ``overflow``.
    ``gap`` is the space between paragraphs ("\n"), in units of the font size.

    >>> f = fit("A short title", 300, 40, max_size=28, min_size=14)
    >>> f.size, f.lines, f.overflow
    (28.0, ['A short title'], '')
    """
    size = float(max_size)
    while size >= min_size - 1e-9:
        lines = wrap(text, box_width, size, bold)
        if height(len(lines), size, spacing) + text.count("\n") * gap * size <= box_height + 1e-6:
            return Fit(size, lines)
        size -= step
    size = float(min_size)
    # lines that fit with the paragraph gaps taken out: if every word fits, the caller shows the text as
    # it is, paragraphs and gaps included, so the gaps must fit too
    capacity = max(int((box_height - text.count("\n") * gap * size) // (size * spacing)), 1)
    words = text.split()
    shown: list[str] = []
    for k in range(len(words), 0, -1):  # the most words that fit with an ellipsis after them
        lines = wrap(" ".join(words[:k]) + " …", box_width, size, bold)
        if len(lines) <= capacity:
            shown = lines
            return Fit(size, shown, " ".join(words[k:]))
    return Fit(size, ["…"], text)


def fits(text: str, box_width: float, box_height: float, size: float, bold: bool = False,
         spacing: float = LINE_SPACING) -> bool:
    """Whether ``text`` at ``size`` wraps inside the box (what the tests check on every text frame)."""
    return height(len(wrap(text, box_width, size, bold)), size, spacing) <= box_height + 1e-6
