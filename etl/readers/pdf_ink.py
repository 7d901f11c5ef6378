"""Which prose characters of a PDF page the page does not show, and why (pypdfium2).

pdfplumber reads every character a page draws, shown or not. A page does not show text
placed outside its box, text cut off by a clipping path (a spreadsheet cell that runs over
a page break is drawn on both pages and clipped on each: the 主要职能 of the 2025 商务委 and
2026 司法局 budgets), text filled white on a white page, or text drawn in render mode 3
(invisible; 7 clips only). pdfplumber knows a character's box and fill colour; pypdfium2
knows its text object's clipping path and render mode. A character is matched to
pypdfium2's by its text and centre.

Clipping is looked at only on pages next to a page with text outside its box (that is
where a block overflows: the clipped copy on one page, the copy outside the box on the
next); render modes on every page (a cheap scan of its text objects). Invisible text over
an image is a scan's text layer, and white text over an image or a coloured filled shape is
shown: both count as shown.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from etl.readers.pdf_page import PageContent

OUTSIDE, CLIPPED, WHITE, INVISIBLE = "outside", "clipped", "white", "invisible"
INVISIBLE_MODES = (3, 7)  # FPDF_TEXTRENDERMODE_INVISIBLE, _CLIP
_MATCH = 3.0  # points between pdfplumber's and pypdfium2's centre of one character
SLACK = 1.0  # points a clipping path may cut into a character's centre (rounding)
_WHITE = 0.98  # a colour component this light (CMYK: this dark) is white


def open_ink(data: bytes) -> Any | None:
    """The PDF for pypdfium2, or None when it cannot open it (then every character counts as shown)."""
    try:
        import pypdfium2 as pdfium

        return pdfium.PdfDocument(data)
    except Exception:  # a file pdfplumber reads and pypdfium2 does not: no worse than before
        return None


def has_invisible_mode(pdf: Any, index: int) -> bool:
    """Whether any text object of the page is drawn invisible (render mode 3 or 7)."""
    import pypdfium2.raw as raw

    page = pdf[index]
    try:
        for i in range(raw.FPDFPage_CountObjects(page.raw)):
            obj = raw.FPDFPage_GetObject(page.raw, i)
            if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_TEXT:
                continue
            if raw.FPDFTextObj_GetTextRenderMode(obj) in INVISIBLE_MODES:
                return True
        return False
    finally:
        page.close()


def ink_chars(pdf: Any, index: int, clip: bool) -> dict[str, list[tuple[float, float, str | None]]] | None:
    """pypdfium2's characters of a page: text -> [(centre x, centre y from the top, why hidden)].

    ``clip`` also tests each character against its text object's clipping path. None for a
    rotated page (its coordinates are not pdfplumber's).
    """
    import pypdfium2.raw as raw

    page = pdf[index]
    try:
        if raw.FPDFPage_GetRotation(page.raw):
            return None
        left, _, _, top = page.get_mediabox()
        textpage = page.get_textpage()
        try:
            out: dict[str, list[tuple[float, float, str | None]]] = {}
            modes: dict[int, int] = {}
            clips: dict[int, tuple[float, float, float, float] | None] = {}
            box = raw.FS_RECTF()  # the font's box of the glyph, as pdfplumber's
            for i in range(raw.FPDFText_CountChars(textpage.raw)):
                if raw.FPDFText_IsGenerated(textpage.raw, i) == 1:
                    continue
                code = raw.FPDFText_GetUnicode(textpage.raw, i)
                if not code or not raw.FPDFText_GetLooseCharBox(textpage.raw, i, box):
                    continue
                cx, cy = (box.left + box.right) / 2 - left, top - (box.top + box.bottom) / 2
                obj = raw.FPDFText_GetTextObject(textpage.raw, i)
                key = ctypes.cast(obj, ctypes.c_void_p).value or 0
                hidden = None
                if obj:
                    if key not in modes:
                        modes[key] = raw.FPDFTextObj_GetTextRenderMode(obj)
                    if modes[key] in INVISIBLE_MODES:
                        hidden = INVISIBLE
                    elif clip:
                        if key not in clips:
                            clips[key] = clip_box(raw, obj, left, top)
                        rect = clips[key]
                        if rect is not None and not inside(cx, cy, rect, SLACK):
                            hidden = CLIPPED
                out.setdefault(chr(code), []).append((cx, cy, hidden))
            return out
        finally:
            textpage.close()
    finally:
        page.close()


def clip_box(raw: Any, obj: Any, left: float, top: float) -> tuple[float, float, float, float] | None:
    """The box of an object's clipping path (its paths' boxes intersected), from the page's top-left."""
    clip = raw.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return None
    box: tuple[float, float, float, float] | None = None
    x, y = ctypes.c_float(), ctypes.c_float()
    for p in range(raw.FPDFClipPath_CountPaths(clip)):
        xs, ys = [], []
        for s in range(raw.FPDFClipPath_CountPathSegments(clip, p)):
            segment = raw.FPDFClipPath_GetPathSegment(clip, p, s)
            if segment and raw.FPDFPathSegment_GetPoint(segment, x, y):
                xs.append(x.value - left)
                ys.append(top - y.value)
        if not xs:
            continue
        path = (min(xs), min(ys), max(xs), max(ys))
        box = (
            path
            if box is None
            else (max(box[0], path[0]), max(box[1], path[1]), min(box[2], path[2]), min(box[3], path[3]))
        )
    return box


def inside(x: float, y: float, box: tuple[float, float, float, float], slack: float = 0.0) -> bool:
    return box[0] - slack <= x <= box[2] + slack and box[1] - slack <= y <= box[3] + slack


def is_white(color: Any) -> bool:
    """A fill colour that is white: gray 1, RGB (1, 1, 1), CMYK (0, 0, 0, 0); never a pattern's name."""
    if not color or not isinstance(color, tuple | list):
        return False
    if len(color) == 4:
        return all(isinstance(v, int | float) and v <= 1 - _WHITE for v in color)
    return len(color) in (1, 3) and all(isinstance(v, int | float) and v >= _WHITE for v in color)


def hidden_chars(page: PageContent, in_grid: Callable[[dict[str, Any]], bool]) -> dict[int, str]:
    """id(char) -> why the page does not show it, for a page's characters outside its grids."""
    width, height = page.width, page.height
    page_box = (0.0, 0.0, width, height)
    ink = page.ink
    backgrounds: list[tuple[tuple[float, float, float, float], bool]] | None = None
    out: dict[int, str] = {}
    for ch in page.chars:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        outside = not inside(cx, cy, page_box)
        if not outside and ink is None and not is_white(ch.get("non_stroking_color")):
            continue  # the common case, decided without looking for grids
        if in_grid(ch):
            continue  # a grid's cells are read as they are
        why: str | None = None
        if outside:
            why = OUTSIDE
        elif ink is not None:
            why = ink(ch)
        if why is None and is_white(ch.get("non_stroking_color")):
            why = WHITE
        if why in (WHITE, INVISIBLE):
            if backgrounds is None:
                # images show invisible text (a scan's); filled, coloured shapes show white text
                backgrounds = [(box, True) for box in page.images] + [(box, False) for box in page.fills]
            if any(inside(cx, cy, box) for box, image in backgrounds if image or why == WHITE):
                why = None  # over an image (a scan's text layer), or white over a coloured shape: shown
        if why is not None:
            out[id(ch)] = why
    return out


def ink_lookup(
    ink: dict[str, list[tuple[float, float, str | None]]],
) -> Callable[[dict[str, Any]], str | None]:
    """A pdfplumber character -> why pypdfium2's character nearest to it (same text) is hidden."""

    def why(ch: dict[str, Any]) -> str | None:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        return _ink_of(ink, ch["text"], cx, cy)

    return why


def _ink_of(
    ink: dict[str, list[tuple[float, float, str | None]]], text: str, cx: float, cy: float
) -> str | None:
    """Why pypdfium2's character nearest to this centre (same text) is hidden, if it is."""
    best: tuple[float, str | None] | None = None
    for x, y, why in ink.get(text, ()):
        d = abs(x - cx) + abs(y - cy)
        if d <= 2 * _MATCH and (best is None or d < best[0]):
            best = (d, why)
    return best[1] if best else None
