"""PDF -> the document model, with PDFium (pypdfium2's C API): pdfplumber's page, read in C++.

pdfplumber (pdfminer) interprets every content stream in Python, which bounds a cold build at
about 8 pages a second per core. PDFium parses the page in C++; this reader takes from it what
pdfplumber would hand over -- each character's text and box, each path's lines, rectangles and
curves, the images -- in pdfplumber's terms, and ``etl.readers.pdf_page`` makes the document of
them exactly as for pdfplumber (bench/pdf_readers.py compares the two cell by cell).

Where PDFium's text layer differs from pdfminer's characters, this reader puts them back:

* a character's box is pdfminer's: from the baseline plus the font's descent (from the font
  descriptor as written, ``etl.readers.pdf_fonts``) to one font size above it, as wide as the
  character's advance; pdfminer's rotation of a /Rotate page;
* PDFium's text layer leaves out a text object with no visible glyph (WPS draws each blank
  as a text object of its own): such an object is read as one blank at its position, since
  blanks separate words and numbers ('2023 2.55'); the blank's width is a guess (a quarter
  of the font size);
* characters PDFium made up (the blanks and line breaks of its own text flow) are dropped,
  and the rest are put back in drawing order (PDFium reorders objects along a line);
* its marker for a hyphen at a line's end is a hyphen again.

Paths are classified as pdfminer does (a single segment is a line, a closed four-sided
axis-aligned one a rectangle, anything else a curve), and their sides become the edges
pdfplumber finds tables from. Which characters the page does not show (clipped, invisible)
is PDFium's own knowledge, as in ``etl.readers.pdf_ink``.
"""

from __future__ import annotations

import ctypes
import struct
from dataclasses import dataclass, field
from typing import Any

from etl.readers import pdf_ink
from etl.readers.model import BBox, Document
from etl.readers.pdf_fonts import base_name, descents
from etl.readers.pdf_page import Obj, PageContent, assemble, overflow_pages
from etl.readers.pdfium_lock import PDFIUM_LOCK
from etl.readers.text import UnreadableDocument

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_EMPTY = 0.01  # PDFium's kSizeEpsilon: a text object narrower than this is left out of its text layer
_BLANK_WIDTH = 0.25  # of the font size: the guessed advance of a blank PDFium left out
_ASIDE = 5000.0  # points: how far a copy PDFium left out is moved to be read on its own
_HYPHEN_MARK = 0x2  # PDFium's code for a hyphen it took for a line-end hyphenation
_ENCRYPTED = "PDF 已加密（需要密码才能打开），无法读取；请提供未加密的原件"


def read_pdf_pdfium(source_file: str, data: bytes) -> Document:
    """Read a PDF's pages into prose lines and table grids, or raise UnreadableDocument."""
    with PDFIUM_LOCK:
        contents = _read(data)
    return assemble(source_file, contents)


def _read(data: bytes) -> list[PageContent | BaseException]:
    """Every page's content as PDFium gives it (or why a page could not be read)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:  # PdfiumError for a damaged or encrypted file
        raise UnreadableDocument(_open_failure(exc)) from exc
    try:
        count = len(pdf)
        if not count:
            raise UnreadableDocument("PDF 中没有页面")
        reader = _Reader(pdf, descents(data))
        pages: list[_Page | BaseException] = []
        for index in range(count):
            try:
                pages.append(reader.page(index))
            except Exception as exc:  # one damaged page must not lose the others
                pages.append(exc)
        overflow = overflow_pages(
            (p.content.number, p.content.width, p.content.height, p.content.chars)
            for p in pages
            if isinstance(p, _Page)
        )
        contents: list[PageContent | BaseException] = []
        for p in pages:
            if isinstance(p, _Page):
                try:
                    reader.ink(p, p.content.number in overflow)
                except Exception:  # PDFium failing on a page it read: every character counts as shown
                    p.content.ink = None
                contents.append(p.content)
            else:
                contents.append(p)
    finally:
        pdf.close()
    return contents


def _open_failure(exc: BaseException) -> str:
    """Why PDFium could not open a PDF, in words an official can act on."""
    detail = str(exc)
    if "password" in detail.lower() or "security" in detail.lower():
        return _ENCRYPTED
    reason = detail.strip() or type(exc).__name__
    return f"PDF 文件已损坏或不完整，无法打开（{reason}）"


@dataclass
class _Page:
    content: PageContent
    rotated: bool
    invisible: bool  # a text object of the page itself (not of a form) is drawn invisible
    modes: dict[int, int] = field(default_factory=dict)  # text object's drawing order -> render mode


@dataclass
class _Frame:
    """PDF user space -> pdfplumber's page coordinates (pdfminer's rotation, pdfplumber's flip)."""

    ctm: Matrix
    width: float
    height: float
    x_shift: float
    top_shift: float

    @classmethod
    def of(cls, box: tuple[float, float, float, float], rotation: int) -> _Frame:
        x0, y0, x1, y1 = box
        ctm = {
            90: (0.0, -1.0, 1.0, 0.0, -y0, x1),
            180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
            270: (0.0, 1.0, -1.0, 0.0, y1, -x0),
        }.get(rotation, (1.0, 0.0, 0.0, 1.0, -x0, -y0))
        lo_x, hi_x = sorted((x0, x1))
        lo_y, hi_y = sorted((y0, y1))
        norm = (lo_y, lo_x, hi_y, hi_x) if rotation in (90, 270) else (lo_x, lo_y, hi_x, hi_y)
        height = norm[3] - norm[1]
        return cls(ctm, norm[2] - norm[0], height, norm[0], height - norm[3])

    def device(self, x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = self.ctm
        return a * x + c * y + e, b * x + d * y + f


class _Reader:
    """PDFium's pages of one document, in pdfplumber's terms."""

    def __init__(self, pdf: Any, font_descents: dict[str, float]) -> None:
        import pypdfium2.raw as raw

        self.raw = raw
        self.pdf = pdf
        self.descents = font_descents
        self.fonts: dict[int, float] = {}  # FPDF_FONT -> descent in thousandths
        self.object_address = _address_prototype(raw)
        # out-parameters, made once: a page has thousands of text objects
        self.matrix, self.size = raw.FS_MATRIX(), ctypes.c_float()
        self.rgba = [ctypes.c_uint() for _ in range(4)]

    def page(self, index: int) -> _Page:
        raw = self.raw
        page = raw.FPDF_LoadPage(self.pdf.raw, index)
        if not page:
            raise RuntimeError(f"PDFium 无法载入第 {index + 1} 页")
        try:
            box = [ctypes.c_float() for _ in range(4)]
            if not raw.FPDFPage_GetMediaBox(page, *box):
                box = [ctypes.c_float(v) for v in (0.0, 0.0, 612.0, 792.0)]
            rotation = (raw.FPDFPage_GetRotation(page) % 4) * 90
            mediabox = tuple(_decimal(v.value) for v in box)
            frame = _Frame.of(mediabox, rotation)  # type: ignore[arg-type]
            walk = _Walk(raw, frame)
            walk.objects(
                raw.FPDFPage_CountObjects(page), lambda i: raw.FPDFPage_GetObject(page, i), _IDENTITY, 0
            )
            textpage = raw.FPDFText_LoadPage(page)
            if not textpage:
                raise RuntimeError(f"PDFium 读不出第 {index + 1} 页的文字")
            try:
                chars = self._chars(page, textpage, walk, frame, (box[0].value, box[3].value))
            finally:
                raw.FPDFText_ClosePage(textpage)
        finally:
            raw.FPDF_ClosePage(page)
        content = PageContent(
            number=index + 1,
            width=frame.width,
            height=frame.height,
            chars=chars,
            edges=walk.edges,
            ruled=walk.ruled,
            images=walk.images,
            fills=walk.fills,
        )
        return _Page(content, rotation != 0, walk.invisible, walk.modes)

    def _chars(
        self, page: Any, textpage: Any, walk: _Walk, frame: _Frame, corner: tuple[float, float]
    ) -> list[Obj]:
        """The text layer's characters, made pdfminer's; the text objects PDFium left out put back."""
        raw = self.raw
        out, seen = self._layer(textpage, walk, frame, corner, None, {})
        moved: dict[int, tuple[float, float]] = {}
        bounds = [ctypes.c_float() for _ in range(4)]
        for key, (seq, obj) in walk.texts.items():
            if key in seen or not raw.FPDFPageObj_GetBounds(obj, *bounds):
                continue
            if bounds[2].value - bounds[0].value >= _EMPTY:
                # A copy drawn over an earlier one (a white or bold copy): PDFium keeps the
                # first only. Moved aside, each copy is read as a text object of its own.
                dx = _ASIDE * (len(moved) + 1)
                raw.FPDFPageObj_Transform(obj, 1.0, 0.0, 0.0, 1.0, dx, 0.0)
                form = walk.form_of.get(key, _IDENTITY)
                moved[key] = (form[0] * dx, form[1] * dx)
                continue
            text = self._text(obj, key, walk, None, 0)
            ch = _char(" ", text.matrix[4], text.matrix[5], _BLANK_WIDTH * text.size, text, frame)
            ch["seq"] = (seq, -1)
            ch["ink_at"] = None
            out.append(ch)
        if moved:
            aside = raw.FPDFText_LoadPage(page)
            if aside:
                try:
                    out += self._layer(aside, walk, frame, corner, moved, {})[0]
                finally:
                    raw.FPDFText_ClosePage(aside)
        out.sort(key=lambda c: c["seq"])
        return out

    def _layer(
        self,
        textpage: Any,
        walk: _Walk,
        frame: _Frame,
        corner: tuple[float, float],
        only: dict[int, tuple[float, float]] | None,
        seen: dict[int, _Text],
    ) -> tuple[list[Obj], dict[int, _Text]]:
        """A text layer's characters (of the objects ``only`` names, moved back by its shift, if given)."""
        raw = self.raw
        is_generated, unicode_of = raw.FPDFText_IsGenerated, raw.FPDFText_GetUnicode
        object_of, loose_box, origin_of = (
            raw.FPDFText_GetTextObject,
            raw.FPDFText_GetLooseCharBox,
            raw.FPDFText_GetCharOrigin,
        )
        address = self.object_address or (lambda tp, k: ctypes.cast(object_of(tp, k), ctypes.c_void_p).value)
        box, ox, oy = raw.FS_RECTF(), ctypes.c_double(), ctypes.c_double()
        left, top = corner
        out: list[Obj] = []
        for k in range(raw.FPDFText_CountChars(textpage)):
            if is_generated(textpage, k) == 1:
                continue
            key = address(textpage, k) or 0
            if only is not None and key not in only:
                continue
            code = unicode_of(textpage, k)
            if not code:
                continue
            if code == _HYPHEN_MARK and raw.FPDFText_IsHyphen(textpage, k) == 1:
                code = 0x2D
            text = seen.get(key)
            if text is None:
                obj = walk.texts[key][1] if key in walk.texts else object_of(textpage, k)
                text = seen[key] = self._text(obj, key, walk, textpage, k)
            if not loose_box(textpage, k, box) or not origin_of(textpage, k, ox, oy):
                continue
            sx, sy = only[key] if only is not None else (0.0, 0.0)
            x, y = ox.value - sx, oy.value - sy
            advance = self._advance(textpage, k, text, x + sx, box.right)
            ch = _char(chr(code), x, y, advance, text, frame)
            ch["seq"] = (text.seq, k)
            # pdf_ink's test of a clipping path: the loose box's centre, from the page's top-left
            ch["ink_at"] = ((box.left + box.right) / 2 - sx - left, top - (box.top + box.bottom) / 2 + sy)
            out.append(ch)
        return out, seen

    def _advance(self, textpage: Any, k: int, text: _Text, x: float, right: float) -> float:
        """A character's advance in text space, from PDFium's loose box.

        The loose box runs from the origin to the advance times the matrix, or to the glyph's
        ink where that reaches further (江 in a bold title font): then the advance is taken
        as one font size, a Chinese character's.
        """
        a = text.matrix[0]
        if abs(a) < 1e-9:
            return text.size  # turned a quarter: the loose box has no width to tell
        advance = (right - x) / a
        if advance > text.size * 1.000001:
            ink = [ctypes.c_double() for _ in range(4)]  # left, right, bottom, top
            if self.raw.FPDFText_GetCharBox(textpage, k, *ink) and abs(ink[1].value - right) < 1e-3:
                return text.size
        return advance

    def _text(self, obj: Any, key: int, walk: _Walk, textpage: Any, k: int) -> _Text:
        """What a text object tells of all its characters: matrix, size, descent, colour, order."""
        raw = self.raw
        seq, _ = walk.texts.get(key, (len(walk.texts) + 10**6, None))
        m, size = self.matrix, self.size
        if textpage is not None:
            raw.FPDFText_GetMatrix(textpage, k, m)  # the text matrix times the forms'
            matrix: Matrix = (m.a, m.b, m.c, m.d, m.e, m.f)
        else:
            raw.FPDFPageObj_GetMatrix(obj, m)
            matrix = _times((m.a, m.b, m.c, m.d, m.e, m.f), walk.form_of.get(key, _IDENTITY))
        raw.FPDFTextObj_GetFontSize(obj, size)
        font = raw.FPDFTextObj_GetFont(obj)
        colour = None
        r, g, b, alpha = self.rgba
        if raw.FPDFPageObj_GetFillColor(obj, r, g, b, alpha):
            colour = (r.value / 255, g.value / 255, b.value / 255)
        return _Text(seq, matrix, float(size.value), self._descent(font), colour)

    def _descent(self, font: Any) -> float:
        """pdfminer's descent of a font in thousandths; PDFium's own when the descriptors do not tell."""
        key = ctypes.cast(font, ctypes.c_void_p).value or 0
        if key not in self.fonts:
            raw = self.raw
            n = raw.FPDFFont_GetBaseFontName(font, None, 0)
            name = ""
            if n > 0:
                buf = ctypes.create_string_buffer(n)
                raw.FPDFFont_GetBaseFontName(font, buf, n)
                name = base_name(buf.value.decode("latin-1"))
            descent = self.descents.get(name)
            if descent is None:
                value = ctypes.c_float()
                descent = (
                    float(value.value)
                    if raw.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), value)
                    else 0.0
                )
            self.fonts[key] = descent
        return self.fonts[key]

    def ink(self, page: _Page, clip: bool) -> None:
        """Which characters the page does not show (pdf_ink's rule), where pdf_ink looks."""
        content = page.content
        if page.rotated or not (clip or page.invisible):
            return
        raw = self.raw
        boxes: dict[int, tuple[float, float, float, float] | None] = {}
        if clip:
            handle = raw.FPDF_LoadPage(self.pdf.raw, content.number - 1)
            try:
                box = [ctypes.c_float() for _ in range(4)]
                if not raw.FPDFPage_GetMediaBox(handle, *box):
                    box = [ctypes.c_float(v) for v in (0.0, 0.0, 612.0, 792.0)]
                left, top = box[0].value, box[3].value
                walk = _Walk(raw, None)
                walk.objects(
                    raw.FPDFPage_CountObjects(handle),
                    lambda i: raw.FPDFPage_GetObject(handle, i),
                    _IDENTITY,
                    0,
                )
                wanted = {c["seq"][0] for c in content.chars if c["ink_at"] is not None}
                for seq, obj in walk.texts.values():
                    if seq in wanted:
                        boxes[seq] = pdf_ink.clip_box(raw, obj, left, top)
            finally:
                raw.FPDF_ClosePage(handle)
        for ch in content.chars:
            seq = ch["seq"][0]
            why = None
            if page.modes.get(seq) in pdf_ink.INVISIBLE_MODES:
                why = pdf_ink.INVISIBLE
            elif clip and ch["ink_at"] is not None:
                rect = boxes.get(seq)
                if rect is not None and not pdf_ink.inside(*ch["ink_at"], rect, pdf_ink.SLACK):
                    why = pdf_ink.CLIPPED
            ch["ink"] = why
        content.ink = _ink_of


def _address_prototype(raw: Any) -> Any | None:
    """FPDFText_GetTextObject answering the object's address (an int, a dict key) instead of a
    pointer: one ctypes cast less per character. None when pypdfium2's library is not where
    this expects it (then the cast)."""
    try:
        from pypdfium2_raw.bindings import _libs

        function = _libs["pdfium"]["FPDFText_GetTextObject"]
    except Exception:
        return None
    function.argtypes = (raw.FPDF_TEXTPAGE, ctypes.c_int)
    function.restype = ctypes.c_void_p
    return function


def _ink_of(ch: Obj) -> str | None:
    return ch.get("ink")


@dataclass
class _Text:
    seq: int  # drawing order of the text object on its page
    matrix: Matrix  # text space -> page space, horizontal scaling included
    size: float
    descent: float  # thousandths of the size, pdfminer's
    colour: tuple[float, float, float] | None


def _char(text: str, ox: float, oy: float, advance: float, t: _Text, frame: _Frame) -> Obj:
    """A character pdfminer's way: its box from the baseline plus descent, one size high, one advance wide."""
    a, b, c, d, _, _ = t.matrix
    low = t.descent / 1000 * t.size
    high = low + t.size
    x0, y0 = frame.device(ox + c * low, oy + d * low)
    x1, y1 = frame.device(ox + a * advance + c * high, oy + b * advance + d * high)
    if x1 < x0:
        x0, x1 = x1, x0
    if y1 < y0:
        y0, y1 = y1, y0
    # the device matrix's linear part decides uprightness, as in pdfminer
    ca, cb, cc, cd = frame.ctm[:4]
    da, db = a * ca + b * cc, a * cb + b * cd
    dc, dd = c * ca + d * cc, c * cb + d * cd
    if frame.x_shift:
        x0, x1 = x0 + frame.x_shift, x1 + frame.x_shift
    return {
        "text": text,
        "x0": x0,
        "x1": x1,
        "top": (frame.height - y1) + frame.top_shift,
        "bottom": (frame.height - y0) + frame.top_shift,
        "upright": da * dd > 0 and db * dc <= 0,
        "non_stroking_color": t.colour,
    }


class _Walk:
    """One pass over a page's objects (forms entered): text objects in order, paths as edges, images."""

    def __init__(self, raw: Any, frame: _Frame | None) -> None:
        self.raw = raw
        self.frame = frame  # None: text objects only (a second look for clipping paths)
        self.texts: dict[int, tuple[int, Any]] = {}  # object -> (drawing order, handle)
        self.form_of: dict[int, Matrix] = {}  # text object inside a form -> the forms' matrix
        self.modes: dict[int, int] = {}
        self.invisible = False
        self.edges: list[Obj] = []
        self.images: list[BBox] = []
        self.fills: list[BBox] = []
        self.ruled = False

    def objects(self, count: int, get: Any, form: Matrix, depth: int) -> None:
        raw = self.raw
        for i in range(count):
            obj = get(i)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_TEXT:
                key = ctypes.cast(obj, ctypes.c_void_p).value or 0
                seq = len(self.texts)
                self.texts[key] = (seq, obj)
                if depth:
                    self.form_of[key] = form
                if self.frame is not None:
                    mode = raw.FPDFTextObj_GetTextRenderMode(obj)
                    self.modes[seq] = mode
                    if depth == 0 and mode in pdf_ink.INVISIBLE_MODES:
                        self.invisible = True
            elif kind == raw.FPDF_PAGEOBJ_FORM:
                inner = _times(_matrix(raw, obj), form)
                self.objects(
                    raw.FPDFFormObj_CountObjects(obj),
                    lambda j, obj=obj: raw.FPDFFormObj_GetObject(obj, j),
                    inner,
                    depth + 1,
                )
            elif self.frame is None:
                continue
            elif kind == raw.FPDF_PAGEOBJ_PATH:
                self._path(obj, _times(_matrix(raw, obj), form))
            elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                bounds = [ctypes.c_float() for _ in range(4)]
                if raw.FPDFPageObj_GetBounds(obj, *bounds):
                    # the bounds are in the form's space: the unit square's corners, then the forms'
                    lo_x, lo_y, hi_x, hi_y = (v.value for v in bounds)
                    corners = [_apply(form, x, y) for x in (lo_x, hi_x) for y in (lo_y, hi_y)]
                    self.images.append(self._box(corners))

    def _box(self, points: list[tuple[float, float]]) -> BBox:
        """Page-space points -> their box in pdfplumber's coordinates."""
        frame = self.frame
        assert frame is not None
        dev = [frame.device(x, y) for x, y in points]
        x0, x1 = min(p[0] for p in dev), max(p[0] for p in dev)
        y0, y1 = min(p[1] for p in dev), max(p[1] for p in dev)
        return (
            x0 + frame.x_shift,
            (frame.height - y1) + frame.top_shift,
            x1 + frame.x_shift,
            (frame.height - y0) + frame.top_shift,
        )

    def _path(self, obj: Any, matrix: Matrix) -> None:
        """A path object -> pdfminer's lines, rectangles and curves -> pdfplumber's edges."""
        raw = self.raw
        frame = self.frame
        assert frame is not None
        fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
        raw.FPDFPath_GetDrawMode(obj, fill_mode, stroke)
        filled = fill_mode.value != 0
        if filled:
            r, g, b, alpha = (ctypes.c_uint() for _ in range(4))
            white = raw.FPDFPageObj_GetFillColor(obj, r, g, b, alpha) and pdf_ink.is_white(
                (r.value / 255, g.value / 255, b.value / 255)
            )
            filled = not white
        x, y = ctypes.c_float(), ctypes.c_float()
        subpaths: list[tuple[list[str], list[tuple[float, float]]]] = []
        bezier = 0
        for s in range(raw.FPDFPath_CountSegments(obj)):
            segment = raw.FPDFPath_GetPathSegment(obj, s)
            kind = raw.FPDFPathSegment_GetType(segment)
            raw.FPDFPathSegment_GetPoint(segment, x, y)
            point = frame.device(*_apply(matrix, x.value, y.value))
            if kind == raw.FPDF_SEGMENT_MOVETO or not subpaths:
                subpaths.append((["m"], [point]))
                bezier = 0
            elif kind == raw.FPDF_SEGMENT_BEZIERTO:
                bezier += 1
                if bezier % 3 == 0:  # two control points, then the end point pdfminer keeps
                    subpaths[-1][0].append("c")
                    subpaths[-1][1].append(point)
            else:
                bezier = 0
                subpaths[-1][0].append("l")
                subpaths[-1][1].append(point)
            if raw.FPDFPathSegment_GetClose(segment):
                subpaths[-1][0].append("h")
                subpaths[-1][1].append(subpaths[-1][1][0])
        for ops, pts in subpaths:
            self._shape("".join(ops), pts, filled)

    def _shape(self, shape: str, pts: list[tuple[float, float]], filled: bool) -> None:
        """pdfminer's paint_path for one subpath, then pdfplumber's edges of what it made."""
        if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
            shape = shape[:-2] + "h"
            pts = pts[:-1]
        if shape in ("mlh", "ml"):
            self.ruled = True
            self._line(pts[0], pts[1])
            return
        if shape in ("mlllh", "mllll"):
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
            closed = pts[0] == pts[4]
            square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
                y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
            )
            if closed and square:
                self.ruled = True
                self._rect(pts[0], pts[2], filled)
                return
        self._curve(pts, filled)

    def _obj(self, x0: float, y0: float, x1: float, y1: float) -> Obj:
        """pdfminer's bbox (device space) -> pdfplumber's attributes."""
        frame = self.frame
        assert frame is not None
        obj: Obj = {
            "x0": x0,
            "x1": x1,
            "width": x1 - x0,
            "height": y1 - y0,
            "top": (frame.height - y1) + frame.top_shift,
            "bottom": (frame.height - y0) + frame.top_shift,
        }
        if frame.x_shift:
            obj["x0"] += frame.x_shift
            obj["x1"] += frame.x_shift
        return obj

    def _line(self, p0: tuple[float, float], p1: tuple[float, float]) -> None:
        xs, ys = (p0[0], p1[0]), (p0[1], p1[1])
        edge = self._obj(min(xs), min(ys), max(xs), max(ys))
        edge["orientation"] = "h" if edge["top"] == edge["bottom"] else "v"
        self.edges.append(edge)

    def _rect(self, p0: tuple[float, float], p2: tuple[float, float], filled: bool) -> None:
        xs, ys = (p0[0], p2[0]), (p0[1], p2[1])
        rect = self._obj(min(xs), min(ys), max(xs), max(ys))
        if filled:
            self.fills.append((rect["x0"], rect["top"], rect["x1"], rect["bottom"]))
        # pdfplumber's rect_to_edges, to the last rounding
        top = dict(rect, height=0, bottom=rect["top"], orientation="h")
        bottom = dict(rect, height=0, top=rect["top"] + rect["height"], orientation="h")
        left = dict(rect, width=0, x1=rect["x0"], orientation="v")
        right = dict(rect, width=0, x0=rect["x1"], orientation="v")
        self.edges += [top, bottom, left, right]

    def _curve(self, pts: list[tuple[float, float]], filled: bool) -> None:
        frame = self.frame
        assert frame is not None
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        curve = self._obj(min(xs), min(ys), max(xs), max(ys))
        if filled:
            self.fills.append((curve["x0"], curve["top"], curve["x1"], curve["bottom"]))
        # pdfplumber's point2coord, then curve_to_edges
        coords = [(frame.x_shift + x, frame.top_shift + frame.height - y) for x, y in pts]
        for (ax, ay), (bx, by) in zip(coords, coords[1:], strict=False):
            if ax == bx:
                orientation = "v"
            elif ay == by:
                orientation = "h"
            else:
                continue  # neither: never a ruling line
            self.edges.append(
                {
                    "x0": min(ax, bx),
                    "x1": max(ax, bx),
                    "top": min(ay, by),
                    "bottom": max(ay, by),
                    "width": abs(ax - bx),
                    "height": abs(ay - by),
                    "orientation": orientation,
                }
            )


def _matrix(raw: Any, obj: Any) -> Matrix:
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, m):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _times(m: Matrix, n: Matrix) -> Matrix:
    """m then n (pdfminer's mult_matrix(m, n))."""
    a1, b1, c1, d1, e1, f1 = m
    a0, b0, c0, d0, e0, f0 = n
    return (
        a1 * a0 + b1 * c0,
        a1 * b0 + b1 * d0,
        c1 * a0 + d1 * c0,
        c1 * b0 + d1 * d0,
        e1 * a0 + f1 * c0 + e0,
        e1 * b0 + f1 * d0 + f0,
    )


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _decimal(value: float) -> float:
    """The shortest decimal a single-precision number was read from ('841.89', not 841.8900146)."""
    single = struct.unpack("f", struct.pack("f", value))[0]
    for digits in range(10):
        candidate = round(single, digits)
        if struct.unpack("f", struct.pack("f", candidate))[0] == single:
            return candidate
    return single
