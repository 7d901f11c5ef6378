"""A PDF page's characters and ruling lines -> the document model (shared by both PDF readers).

A reader (``etl.readers.pdf``: pdfplumber; ``etl.readers.pdfium``: PDFium) extracts each page
into a :class:`PageContent`: characters and edges in pdfplumber's terms, the images and
filled shapes behind them, and which characters the page does not show. Everything after
that is here, so both readers make the same document of the same page:

Tables come from ruling lines (``etl.readers.pdf_geometry.find_tables``): each cell's text is
read inside its own box, so a blank cell stays blank and a code printed '302 99' stays in its
code cells. Merged cells are expanded from the cells' boxes. Prose is rebuilt from words with
their coordinates: a word joins the line it overlaps most vertically, so a figure the PDF draws
as a separate, slightly lower text run stays inside its sentence ('年初预算为1560.05万元').
A page without a text layer (a scan) is reported; there is no OCR.
Prose the page does not show (outside its box, clipped, white, invisible:
``etl.readers.pdf_ink``) is set in lines of its own: when the page or a neighbouring page
shows the same line it is a HIDDEN copy, never read; else it is the only copy and read as
prose. ``Document.hidden`` says why for each.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from etl.model import Check
from etl.readers import pdf_ink
from etl.readers.cells import join_pieces
from etl.readers.model import HIDDEN, PDF, PROSE, BBox, Document, DocumentBuilder, expand_grid
from etl.readers.pdf_geometry import extract_words, find_tables, table_bbox
from etl.readers.text import UnreadableDocument

Obj = dict[str, Any]

_SNAP = 1.0  # points: boundaries closer than this are one boundary
_MIN_OVERLAP = 0.5  # of the smaller height: a word belongs to a line it overlaps this much
_WORD_GAP = 3.0  # points between two characters that print a space (pdfplumber's x_tolerance)
_FOOTER_SHARE = 0.06  # bottom share of a page where a bare number is a page number
_PAGE_NUMBER = re.compile(r"^(?:[-—–－]?\s*\d{1,4}\s*[-—–－]?|第\s*\d{1,4}\s*页.{0,8})$")


@dataclass
class PageContent:
    """One page as a reader extracted it, in pdfplumber's coordinates (points, from the top-left)."""

    number: int  # 1-based
    width: float
    height: float
    chars: list[Obj]  # text, x0, x1, top, bottom, upright, non_stroking_color; in drawing order
    edges: list[Obj]  # lines, rectangles' sides and curves' segments (pdfplumber's page.edges)
    ruled: bool = False  # the page draws a rectangle or a straight line (page.rects or page.lines)
    images: list[BBox] = field(default_factory=list)
    fills: list[BBox] = field(default_factory=list)  # filled shapes in a colour other than white
    # Why the page does not show a character (clipped, invisible), when the reader looked
    # (a page next to an overflow, or with invisible text); None: every character counts as shown.
    ink: Callable[[Obj], str | None] | None = None


def assemble(source_file: str, pages: list[PageContent | BaseException]) -> Document:
    """Pages as extracted (or why a page could not be) -> the document, or UnreadableDocument."""
    if not pages:
        raise UnreadableDocument("PDF 中没有页面")
    builder = DocumentBuilder(source_file, PDF)
    doc = builder.document
    unread: list[int] = []
    hidden: list[tuple[int, str]] = []
    for index, page in enumerate(pages, start=1):
        try:
            if isinstance(page, BaseException):
                raise page
            read_page(builder, page, hidden)
        except Exception as exc:  # one damaged page must not lose the others
            number = len(doc.pages) if doc.pages and doc.pages[-1].number == index else None
            if number is None:
                builder.page(has_text=False)
                number = len(doc.pages)
            unread.append(number)
            doc.checks.append(
                Check(
                    "page_unreadable",
                    "error",
                    f"第 {number} 页无法读取（{type(exc).__name__}），该页的表格和文字缺失",
                    page=number,
                )
            )
    _resolve_hidden(doc, hidden)
    scans = [p.number for p in doc.pages if not p.has_text and p.number not in unread]
    if scans and len(scans) == len(doc.pages):
        raise UnreadableDocument(
            f"PDF 共 {len(scans)} 页，均没有文字层（扫描件或图片），无法读取；本系统不做文字识别（OCR），请提供可复制文字的原件"
        )
    for number in scans:
        doc.checks.append(
            Check(
                "page_no_text_layer",
                "warning",
                f"第 {number} 页没有文字层（扫描图片），该页内容未读入（不做 OCR）",
                page=number,
            )
        )
    return doc


def overflow_pages(pages: Iterable[tuple[int, float, float, list[Obj]]]) -> set[int]:
    """Pages next to (or with) text outside a page box: where a block runs over a page break.

    ``pages``: (number, width, height, characters) of each page that could be read.
    """
    out: set[int] = set()
    for number, width, height, chars in pages:
        if any(
            not (0 <= (c["x0"] + c["x1"]) / 2 <= width and 0 <= (c["top"] + c["bottom"]) / 2 <= height)
            for c in chars
        ):
            out |= {number - 1, number, number + 1}
    return out


def _resolve_hidden(doc: Document, hidden: list[tuple[int, str]]) -> None:
    """A hidden line the page or a neighbouring page shows too is a copy (HIDDEN); else it is read."""
    if not hidden:
        return
    numbers = {n for n, _ in hidden}
    shown: dict[int, set[str]] = {}
    for ln in doc.lines:
        if ln.kind == PROSE and ln.number not in numbers:
            shown.setdefault(ln.page, set()).add("".join(ln.text.split()))
    for number, why in hidden:
        line = doc.lines[number - 1]
        text = "".join(line.text.split())
        if any(text in shown.get(p, ()) for p in (line.page - 1, line.page, line.page + 1)):
            doc.lines[number - 1] = dataclasses.replace(line, kind=HIDDEN)
        doc.hidden[number] = why


def read_page(
    builder: DocumentBuilder, page: PageContent, hidden: list[tuple[int, str]] | None = None
) -> None:
    """One page's prose lines and tables, in reading order, into the document."""
    chars = page.chars
    # A page without characters is a scan only if it shows an image; else it is blank.
    meta = builder.page(has_text=bool(chars) or not page.images, width=page.width, height=page.height)
    if not chars:
        # Ruling lines with nothing in them: a blank table page (often left over after the 目录).
        meta.blank_grid = page.ruled and bool(find_tables(page.edges))
        return
    grids = [(table_bbox(cells), _grid(cells, chars)) for cells in find_tables(page.edges)]
    # A one-column 'table' is a framed box of text (a 目录, often cells of white
    # rectangles): it is prose, read from its words like any other prose, once.
    grids = [(bbox, grid) for bbox, grid in grids if len(grid[0]) > 1]
    unseen = pdf_ink.hidden_chars(page, lambda c: any(_contains(b, c) for b, _ in grids))
    shown = [c for c in chars if id(c) not in unseen] if unseen else chars
    words = extract_words(shown)
    prose = [(ln, None) for ln in _lines([w for w in words if not any(_contains(b, w) for b, _ in grids)])]
    for why in sorted(set(unseen.values())):
        kept = [c for c in chars if unseen.get(id(c)) == why]
        prose += [(ln, why) for ln in _lines(extract_words(kept))]
    prose = [(ln, why) for ln, why in prose if not _is_page_number(ln, page.height)]
    blocks: list[tuple[float, int, Any]] = [(ln[1][1], 0, (ln, why)) for ln, why in prose]
    blocks += [(bbox[1], 1, (grid, bbox)) for bbox, grid in grids]
    blocks.sort(key=lambda b: (b[0], b[1]))
    for _, is_table, block in blocks:
        if is_table:
            grid, bbox = block
            builder.table(meta.number, grid, bbox)
        else:
            (text, bbox), why = block
            line = builder.prose(meta.number, text, bbox)
            if why is not None and hidden is not None:
                hidden.append((line.number, why))


def _contains(bbox: BBox, word: Obj) -> bool:
    cx = (word["x0"] + word["x1"]) / 2
    cy = (word["top"] + word["bottom"]) / 2
    return bbox[0] - _SNAP <= cx <= bbox[2] + _SNAP and bbox[1] - _SNAP <= cy <= bbox[3] + _SNAP


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _SNAP:
            out.append(v)
    return out


def _index(bounds: list[float], value: float) -> int:
    """Index of the boundary nearest to value (the lower one of two as near): one of its two neighbours."""
    i = bisect.bisect_left(bounds, value)
    if i == 0:
        return 0
    if i == len(bounds) or abs(bounds[i - 1] - value) <= abs(bounds[i] - value):
        return i - 1
    return i


def _grid(cells: list[BBox], chars: list[Obj]) -> list[list[Any]]:
    """A table's cell boxes -> an expanded grid, merged cells from the cells' boxes.

    Each character goes to the cell its centre lies in (one pass over the page's
    characters, not one per cell); a cell's characters are then set in lines.
    """
    xs = _snap([c[0] for c in cells] + [max(c[2] for c in cells)])
    ys = _snap([c[1] for c in cells] + [max(c[3] for c in cells)])
    spans = []
    boxes: dict[tuple[int, int], BBox] = {}
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for c in cells:
        c0, c1 = _index(xs, c[0]), _index(xs, c[2])
        r0, r1 = _index(ys, c[1]), _index(ys, c[3])
        if c1 <= c0 or r1 <= r0:
            continue
        spans.append([r0, c0, r1, c1, ""])
        boxes[(r0, c0)] = c
        for r in range(r0, r1):
            for col in range(c0, c1):
                owner.setdefault((r, col), (r0, c0))
    inside: dict[tuple[int, int], list[Obj]] = {}
    x0, top, x1, bottom = xs[0], ys[0], xs[-1], ys[-1]
    for ch in chars:
        cx = (ch["x0"] + ch["x1"]) / 2
        cy = (ch["top"] + ch["bottom"]) / 2
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            continue
        col = min(bisect.bisect_right(xs, cx) - 1, len(xs) - 2)
        row = min(bisect.bisect_right(ys, cy) - 1, len(ys) - 2)
        origin = owner.get((row, col))
        if origin is not None:
            inside.setdefault(origin, []).append(ch)
    for span in spans:
        span[4] = _set_text(inside.get((span[0], span[1]), []))
    return expand_grid(len(ys) - 1, len(xs) - 1, [tuple(s) for s in spans], boxes)


def _set_text(chars: list[Obj]) -> str:
    """A cell's characters -> its text: lines top to bottom, a space where a gap shows one."""
    if not chars:
        return ""
    lines: list[list[Obj]] = []
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines:
            first = lines[-1][0]
            overlap = min(first["bottom"], ch["bottom"]) - max(first["top"], ch["top"])
            if overlap >= _MIN_OVERLAP * max(
                min(ch["bottom"] - ch["top"], first["bottom"] - first["top"]), 0.1
            ):
                lines[-1].append(ch)
                continue
        lines.append([ch])
    pieces = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        text = line[0]["text"]
        for prev, ch in zip(line, line[1:], strict=False):
            text += (" " if ch["x0"] - prev["x1"] > _WORD_GAP else "") + ch["text"]
        pieces.append(text)
    return join_pieces(pieces)


def _lines(words: list[Obj]) -> list[tuple[str, BBox]]:
    """Words -> lines by vertical overlap with each line's first word, left to right."""
    lines: list[tuple[float, float, list[Obj]]] = []  # anchor top, bottom, words
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        height = w["bottom"] - w["top"]
        best, best_overlap = None, 0.0
        for i in range(len(lines) - 1, max(len(lines) - 4, -1), -1):
            top, bottom, _ = lines[i]
            overlap = min(bottom, w["bottom"]) - max(top, w["top"])
            share = overlap / max(min(height, bottom - top), 0.1)
            if share >= _MIN_OVERLAP and share > best_overlap:
                best, best_overlap = i, share
        if best is None:
            lines.append((w["top"], w["bottom"], [w]))
        else:
            lines[best][2].append(w)
    out = []
    for _, _, ws in lines:
        ws.sort(key=lambda w: w["x0"])
        bbox = (
            min(w["x0"] for w in ws),
            min(w["top"] for w in ws),
            max(w["x1"] for w in ws),
            max(w["bottom"] for w in ws),
        )
        text = join_pieces([w["text"] for w in ws])
        if text:
            out.append((text, bbox))
    out.sort(key=lambda ln: ln[1][1])
    return out


def _is_page_number(line: tuple[str, BBox], height: float) -> bool:
    text, bbox = line
    return bbox[1] > height * (1 - _FOOTER_SHARE) and bool(_PAGE_NUMBER.match(text))
