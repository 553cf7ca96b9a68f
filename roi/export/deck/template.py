"""The deck's template and layout: 16:9 slides with real title placeholders, a slide number and a
source footer on every content slide, speaker notes, and text fitted to its box.

The template is python-pptx's default one, set to 13.33 × 7.5 in: its masters' and layouts'
placeholders are stretched to the wider slide, so a slide's title is a real title placeholder
(outline view, accessibility, "reset slide" all work). Footer and slide-number placeholders are
copied from the layout onto each slide (python-pptx does not), the number as PowerPoint's own
``slidenum`` field.

Every piece of text is measured with :mod:`roi.export.textfit` before it is placed: it is wrapped,
shrunk within limits, and what still does not fit goes to the speaker notes with an ellipsis on
the slide — never cut mid-word. Tables get their row heights from the measured text and continue
on another slide when they do not fit.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape as xml_escape

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from .. import textfit
from ...format import CURRENCY_SIGNS, true_minus

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
TITLE_TOP, TITLE_H = Inches(0.3), Inches(0.85)
LEAD_TOP, LEAD_H = Inches(1.15), Inches(0.7)
BODY_TOP = Inches(1.95)
FOOTER_TOP, FOOTER_H = Inches(6.95), Inches(0.4)
BODY_BOTTOM = Inches(6.85)
NAVY = RGBColor(0x1F, 0x4E, 0x78)
GREY = RGBColor(0x59, 0x59, 0x59)
INK = RGBColor(0x22, 0x22, 0x22)
FONT = textfit.FONT_NAME
SAFETY = 0.96  # measure against 96% of a box's width: renderers may round widths differently
INSET_X, INSET_Y = Inches(0.08), Inches(0.04)
CELL_X, CELL_Y = Inches(0.08), Inches(0.04)
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5


def pt(emu: int) -> float:
    """EMU → points."""
    return emu / 12700


_CURRENCY_AFTER_MINUS = re.compile(f"\u2212(?=[{CURRENCY_SIGNS}])")


def nobreak(text: str) -> str:
    """A minus before a number or currency symbol as U+2212, kept on one line with what follows
    (after a hyphen-minus LibreOffice may break: "NPV -" / "€1M").

    A line may still break between two prefix characters (Unicode line breaking, class PR: the
    minus and "$", "€", "£"), so before a currency symbol the minus is followed by a word joiner
    (U+2060, invisible and zero-width): "(−" / "$919K)" is what the deck showed without it.

    >>> nobreak("NPV -€1.2M; cross-sell -5% on 2026-12-01")
    'NPV −\u2060€1.2M; cross-sell −5% on 2026-12-01'
    """
    return _CURRENCY_AFTER_MINUS.sub("\u2212\u2060", true_minus(text))


@dataclass
class Deck:
    """A presentation being built, with the notes and figure slides it keeps track of."""

    title: str
    prs: Presentation = field(init=False)
    figure_slides: list[str] = field(default_factory=list)
    # rows a body slide had no room for, by table, for the appendix to show in full
    carried: dict[str, list[list[str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.prs = Presentation()
        old_w = self.prs.slide_width
        self.prs.slide_width, self.prs.slide_height = WIDTH, HEIGHT
        k = WIDTH / old_w
        for owner in [self.prs.slide_master, *self.prs.slide_layouts]:
            for shape in owner.shapes:  # stretch the 4:3 template to 16:9
                shape.left, shape.width = int(shape.left * k), int(shape.width * k)
        title_only = self.prs.slide_layouts[LAYOUT_TITLE_ONLY]
        for ph in title_only.placeholders:
            if ph.placeholder_format.type == PP_PLACEHOLDER.TITLE:
                ph.left, ph.top, ph.width, ph.height = MARGIN, TITLE_TOP, WIDTH - 2 * MARGIN, TITLE_H
        for layout in (self.prs.slide_layouts[LAYOUT_TITLE], title_only):
            for ph in layout.placeholders:
                kind = ph.placeholder_format.type
                if kind == PP_PLACEHOLDER.FOOTER:
                    ph.left, ph.top, ph.width, ph.height = MARGIN, FOOTER_TOP, WIDTH - 2 * MARGIN - Inches(1.0), \
                        FOOTER_H
                elif kind == PP_PLACEHOLDER.SLIDE_NUMBER:
                    ph.left, ph.top, ph.width, ph.height = WIDTH - MARGIN - Inches(0.9), FOOTER_TOP, Inches(0.9), \
                        FOOTER_H
        self.prs.core_properties.title = self.title[:200]

    # -- slides ----------------------------------------------------------------------------
    def new_slide(self, name: str, title: str, *, layout: int = LAYOUT_TITLE_ONLY, footer: str | None = None,
                  figure: bool = False):
        s = self.prs.slides.add_slide(self.prs.slide_layouts[layout])
        s.name = name
        if layout == LAYOUT_TITLE_ONLY:
            self.fill(s.shapes.title, title, max_size=30, min_size=20, bold=True, color=NAVY, notes_slide=s)
        self._copy_placeholder(s, PP_PLACEHOLDER.SLIDE_NUMBER)
        if footer:
            ftr = self._copy_placeholder(s, PP_PLACEHOLDER.FOOTER)
            self.fill(ftr, footer, max_size=11, min_size=10, color=GREY, notes_slide=s)
        if figure:
            self.figure_slides.append(name)
        return s

    def _copy_placeholder(self, slide, kind):
        layout_ph = next(p for p in slide.slide_layout.placeholders if p.placeholder_format.type == kind)
        el = copy.deepcopy(layout_ph._element)
        tree = slide.shapes._spTree
        el.nvSpPr.cNvPr.id = max(int(x) for x in tree.xpath("//p:cNvPr/@id")) + 1
        tree.append(el)
        return next(p for p in slide.placeholders if p.placeholder_format.type == kind)

    @staticmethod
    def notes(slide, text: str) -> None:
        """Append ``text`` to the slide's speaker notes."""
        tf = slide.notes_slide.notes_text_frame
        tf.text = (tf.text + "\n\n" + text).strip() if tf.text else text

    # -- text ------------------------------------------------------------------------------
    def fill(self, shape, text: str, *, max_size: float, min_size: float, bold: bool = False,
             color: RGBColor = INK, align: PP_ALIGN = PP_ALIGN.LEFT, notes_slide=None,
             anchor: MSO_ANCHOR = MSO_ANCHOR.TOP, gap: float = 0.0) -> textfit.Fit:
        """Put ``text`` (paragraphs split on "\\n", ``gap`` × the font size apart) into ``shape``'s text
        frame at the largest size that fits its box; what does not fit at ``min_size`` goes to the notes
        of ``notes_slide``."""
        text = nobreak(text)
        tf = shape.text_frame
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        tf.margin_left = tf.margin_right = INSET_X
        tf.margin_top = tf.margin_bottom = INSET_Y
        tf.vertical_anchor = anchor
        w = pt(shape.width - 2 * INSET_X) * SAFETY
        h = pt(shape.height - 2 * INSET_Y)
        f = textfit.fit(text, w, h, max_size=max_size, min_size=min_size, bold=bold, gap=gap)
        shown = text if not f.overflow else " ".join(f.lines).replace("\n", " ")
        if f.overflow and notes_slide is not None:
            self.notes(notes_slide, f"Continued from the slide: {text}")
        paras = shown.split("\n")
        for k, para in enumerate(paras):
            p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
            p.alignment = align
            p.space_after = Pt(0)
            p.space_before = Pt(round(gap * f.size, 1) if k else 0)
            p.line_spacing = 1.0
            run = p.add_run() if not p.runs else p.runs[0]
            run.text = para
            run.font.size, run.font.bold, run.font.name = Pt(f.size), bold, FONT
            run.font.color.rgb = color
        return f

    def text(self, slide, text: str, left: int, top: int, width: int, height: int, *, max_size: float = 18,
             min_size: float = 12, bold: bool = False, color: RGBColor = INK, fill: RGBColor | None = None,
             align: PP_ALIGN = PP_ALIGN.LEFT, anchor: MSO_ANCHOR = MSO_ANCHOR.TOP, gap: float = 0.0) -> textfit.Fit:
        """A text box with ``text`` fitted to it (see :meth:`fill`)."""
        tb = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
        if fill is not None:
            tb.fill.solid()
            tb.fill.fore_color.rgb = fill
        return self.fill(tb, text, max_size=max_size, min_size=min_size, bold=bold, color=color, align=align,
                         notes_slide=slide, anchor=anchor, gap=gap)

    def table(self, slide, header: Sequence[str], rows: Sequence[Sequence[str]], left: int, top: int, width: int,
              max_height: int, widths: Sequence[float], *, size: float = 12, min_size: float = 10,
              money_cols: Sequence[int] = ()) -> list[Sequence[str]]:
        """A table whose rows are as tall as their measured text; returns the rows that did not fit
        (the caller continues them on another slide). The font shrinks from ``size`` to ``min_size``
        before rows are moved on."""
        header = [nobreak(str(h)) for h in header]
        rows = [[nobreak(str(v)) for v in r] for r in rows]
        col_w = column_widths(width, widths, [header, *rows], size)

        def row_h(cells: Sequence[str], s: float, bold: bool = False) -> int:
            lines = max(len(textfit.wrap(str(c), pt(cw - 2 * CELL_X) * SAFETY, s, bold)) for c, cw in zip(cells, col_w))
            return int(Pt(textfit.height(lines, s))) + 2 * CELL_Y + Pt(2)

        for s in _sizes(size, min_size):
            heights = [row_h(header, s, True)] + [row_h(r, s) for r in rows]
            if sum(heights) <= max_height:
                break
        n = len(rows)
        while n > 1 and sum(heights[: n + 1]) > max_height:
            n -= 1
        shape = slide.shapes.add_table(n + 1, len(header), Emu(left), Emu(top), Emu(width), Emu(sum(heights[: n + 1])))
        grid = [list(header)] + [list(x) for x in rows[:n]]
        (fill_cells if all(_PLAIN.fullmatch(v) for r in grid for v in r) else fill_cells_slowly)(
            shape, grid, col_w, heights[: n + 1], s, money_cols)
        return list(rows[n:])

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.prs.save(buf)
        return buf.getvalue()


# text python-pptx writes as it is (it escapes control characters; XML cannot hold the others)
_PLAIN = re.compile("[^\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]*")


def fill_cells_slowly(shape, grid: Sequence[Sequence[str]], col_w: Sequence[int], heights: Sequence[int],
                      size: float, money_cols: Sequence[int]) -> None:
    """Fill a new table's cells through python-pptx's objects: row 0 bold, ``money_cols`` right-aligned
    below it, every cell wrapped with the deck's margins. The reference for :func:`fill_cells`."""
    t = shape.table
    for k, cw in enumerate(col_w):
        t.columns[k].width = cw
    for r, cells in enumerate(grid):
        t.rows[r].height = heights[r]
        for c, value in enumerate(cells):
            cell = t.cell(r, c)
            cell.margin_left = cell.margin_right = CELL_X
            cell.margin_top = cell.margin_bottom = CELL_Y
            tf = cell.text_frame
            tf.word_wrap = True
            p = tf.paragraphs[0]
            p.alignment = PP_ALIGN.RIGHT if c in money_cols and r > 0 else PP_ALIGN.LEFT
            run = p.add_run()
            run.text = str(value)
            run.font.size, run.font.name, run.font.bold = Pt(size), FONT, r == 0


def fill_cells(shape, grid: Sequence[Sequence[str]], col_w: Sequence[int], heights: Sequence[int],
               size: float, money_cols: Sequence[int]) -> None:
    """:func:`fill_cells_slowly`'s table written as XML in one piece — the same XML (tested), for text
    that python-pptx writes as it is (:data:`_PLAIN`: no control characters). Through python-pptx's objects, each cell's dozen attribute writes
    search the element's children: the appendix tables of a 50-initiative deck (4,000 cells) took
    half of the deck's time."""
    from pptx.oxml import parse_xml
    from pptx.oxml.ns import nsdecls

    sz = Pt(size).centipoints
    margins = f'marL="{CELL_X}" marR="{CELL_X}" marT="{CELL_Y}" marB="{CELL_Y}"'
    font = xml_escape(FONT, {'"': "&quot;"})
    parts = [f"<a:tbl {nsdecls('a')}><a:tblGrid>"]
    parts += [f'<a:gridCol w="{cw}"/>' for cw in col_w]
    parts.append("</a:tblGrid>")
    for r, cells in enumerate(grid):
        parts.append(f'<a:tr h="{heights[r]}">')
        for c, value in enumerate(cells):
            align = "r" if c in money_cols and r > 0 else "l"
            parts.append(f'<a:tc><a:txBody><a:bodyPr wrap="square"/><a:lstStyle/><a:p><a:pPr algn="{align}"/>'
                         f'<a:r><a:rPr sz="{sz}" b="{int(r == 0)}"><a:latin typeface="{font}"/></a:rPr>'
                         f"<a:t>{xml_escape(str(value))}</a:t></a:r></a:p></a:txBody><a:tcPr {margins}/></a:tc>")
        parts.append("</a:tr>")
    parts.append("</a:tbl>")
    new = parse_xml("".join(parts))
    old = shape._element.graphic.graphicData.tbl
    new.insert(0, old.tblPr)  # python-pptx's table style and banding
    old.getparent().replace(old, new)
    shape.width, shape.height = Emu(sum(col_w)), Emu(sum(heights))


def column_widths(width: int, weights: Sequence[float], rows: Sequence[Sequence[str]], size: float) -> list[int]:
    """Column widths (EMU) in proportion to ``weights``, but each at least as wide as the longest word
    in it (bold, as in a header, at ``size``), so no word is ever broken between characters ("Week/s");
    the room comes from the columns with the most to spare.

    >>> [round(pt(w)) for w in column_widths(Inches(4), [3, 0.4], [["Initiative", "Weeks"]], 12)]
    [236, 52]
    """
    total = sum(weights)
    col_w = [int(width * w / total) for w in weights]
    need = [int(Pt(max((textfit.width(word, size, True) for row in rows if k < len(row)
                        for word in str(row[k]).split()), default=0.0) / SAFETY)) + 2 * CELL_X + Pt(1)
            for k in range(len(col_w))]
    for k in range(len(col_w)):
        while col_w[k] < need[k]:
            spare = [(col_w[j] - need[j], j) for j in range(len(col_w)) if j != k and col_w[j] > need[j]]
            if not spare:
                break
            room, j = max(spare)
            take = min(need[k] - col_w[k], room)
            col_w[j] -= take
            col_w[k] += take
    return col_w


def _sizes(size: float, min_size: float) -> list[float]:
    out, s = [], size
    while s >= min_size - 1e-9:
        out.append(s)
        s -= 1
    return out or [min_size]
