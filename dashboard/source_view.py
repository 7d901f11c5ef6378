"""原文查看's logic (no Streamlit here): where a figure came from, found again in its file.

A warehouse row names its origin (``source_file``, ``source_page``, ``source_line`` and, for
a budget line, ``source_cell``). This module turns such a reference, as it arrives in a URL,
into something to show:

- :func:`parse_request` validates the URL's parameters against the documents of the current
  build (a file name is a name, never a path: anything with path parts is refused);
- :func:`resolve_file` finds that name in the raw folder (``BUDGET_RAW``, default data/raw);
- :func:`read` re-reads the file with :func:`etl.readers.read_document` (cached per file
  path, size and modification time: a 30-page PDF takes seconds to read);
- :func:`locate` finds the line (and the paragraph it starts), or the cell, and their boxes;
- :func:`render_page` draws a PDF page with pypdfium2 and highlights the boxes with PIL;
- :func:`text_window` / :func:`window_html` give a text file's lines around the line.

:func:`source_link` and :func:`source_params` make the links other pages show.
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from dashboard import pages
from etl.readers import UnreadableDocument, read_document
from etl.readers.model import PDF, PROSE, WORKBOOKS, BBox, Cell, Document, Line, Table
from etl.readers.pdfium_lock import PDFIUM_LOCK

ROOT = Path(__file__).resolve().parents[1]
RAW_ENV = "BUDGET_RAW"
SOURCE_PAGE = pages.BY_NAME["source"].file
SOURCE_URL = "/" + pages.BY_NAME["source"].url_path

MAX_NAME = 200
MAX_CELL = 40
WINDOW = 5  # lines shown either side of a text file's line
SCALE = 2.0  # 144 dpi: a page's small print stays readable
MAX_PIXELS = 2400  # longest side of a rendered page
PAD = 2.0  # points around a highlighted box
GLYPH_OVERHANG = 4.0  # points a glyph may reach beyond its line's text box
PARAGRAPH_MAX = 8  # lines a highlighted paragraph may run on
_TERMINAL = tuple("。；！？：!?;:")
_WRAP_MARGIN = 36.0  # points: a prose line ending this near the right edge wraps on
HIGHLIGHT_FILL = (255, 214, 0, 80)
HIGHLIGHT_EDGE = (230, 60, 0, 255)

_PDF_CELL = re.compile(r"^表(\d{1,3}) 第(\d{1,4})行第(\d{1,3})列$")
_SHEET_CELL = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")
_BAD_NAME = re.compile(r"[/\\\x00-\x1f]")

MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "doc": "application/msword",
    "text": "text/plain",
}


class SourceError(Exception):
    """A reference that cannot be shown; the message says why, in Chinese."""


# --- links ------------------------------------------------------------------------------


def source_params(
    file: str, page: int | None = None, line: int | None = None, cell: str | None = None
) -> dict[str, str]:
    """The query parameters of 原文查看 for one reference (unknown parts left out)."""
    params = {"file": str(file)}
    if page is not None:
        params["page"] = str(int(page))
    if line is not None:
        params["line"] = str(int(line))
    if cell:
        params["cell"] = str(cell)
    return params


def source_link(
    file: str, page: int | None, line: int | None, cell: str | None = None, base: str = SOURCE_URL
) -> str:
    """'/source?file=...&page=9&line=98' — a URL opening the reference on 原文查看."""
    return f"{base}?{urlencode(source_params(file, page, line, cell))}"


# --- the request ------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    file: str
    page: int | None = None
    line: int | None = None
    cell: str | None = None


def _first(params: Mapping[str, object], key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return None if value is None else str(value)


def check_name(name: str) -> str:
    """A file name as stored in the warehouse, or SourceError (paths and odd names refused)."""
    name = name.strip()
    if not name:
        raise SourceError("链接中没有指定文件。")
    if len(name) > MAX_NAME:
        raise SourceError(f"链接中的文件名过长（{len(name)} 个字符），无法打开。")
    if _BAD_NAME.search(name) or name in (".", "..") or name.startswith(".") or Path(name).name != name:
        raise SourceError(f"链接中的文件名“{name[:40]}”含有路径或非法字符，只能打开数据中的文件。")
    return name


def _positive(raw: str | None, label: str, notes: list[str]) -> int | None:
    if raw is None or not raw.strip():
        return None
    text = raw.strip()[:12]
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        notes.append(f"链接中的{label}“{text}”无效，已忽略。")
        return None
    return int(text)


def parse_request(params: Mapping[str, object], known: Iterable[str]) -> tuple[Request, list[str]]:
    """URL parameters -> a Request on a file of the current build, and notes on what was dropped.

    Raises SourceError when there is no usable file (none given, a path, not in the build).
    """
    raw_file = _first(params, "file")
    if raw_file is None:
        raise SourceError("链接中没有指定文件。")
    name = check_name(raw_file)
    if name not in set(known):
        raise SourceError(f"文件“{name[:60]}”不在当前数据中（可能数据已重建或链接有误）。")
    notes: list[str] = []
    page = _positive(_first(params, "page"), "页码", notes)
    line = _positive(_first(params, "line"), "行号", notes)
    cell = (_first(params, "cell") or "").strip() or None
    if cell is not None and (len(cell) > MAX_CELL or not (_PDF_CELL.match(cell) or _SHEET_CELL.match(cell))):
        notes.append(f"链接中的单元格“{cell[:20]}”无法识别，已忽略。")
        cell = None
    return Request(name, page, line, cell), notes


# --- the file ---------------------------------------------------------------------------


def raw_root() -> Path:
    """The folder the warehouse was built from: BUDGET_RAW, default data/raw."""
    raw = os.environ.get(RAW_ENV)
    path = Path(raw) if raw else ROOT / "data" / "raw"
    return path if path.is_absolute() else ROOT / path


def resolve_file(name: str, root: Path | None = None) -> Path:
    """The file of that name under the raw folder (as the build found it), or SourceError.

    Never a path from the URL: the name is checked, then looked up in the folder (the
    build reads sub-folders too and names a document by its file name).
    """
    name = check_name(name)
    root = root or raw_root()
    if not root.is_dir():
        raise SourceError(f"原始文件目录不存在：{root}（环境变量 {RAW_ENV}）。")
    direct = root / name
    if direct.is_file():
        return direct
    for path in sorted(root.rglob("*")):  # never a pattern made of the name ('*', '[')
        rel = path.relative_to(root).parts
        if path.name == name and not any(p.startswith(".") for p in rel) and path.is_file():
            return path
    raise SourceError(f"在原始文件目录 {root} 中找不到文件“{name}”（可能已被移走）。")


def _stat(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return str(path), st.st_size, st.st_mtime_ns


@lru_cache(maxsize=64)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def sha256(path: Path) -> str:
    """The file's sha256 (cached by path, size and modification time)."""
    return _sha256(*_stat(path))


MAX_DOCUMENTS = 8  # documents kept read (a PDF's model is a few MB)
_documents: OrderedDict[tuple[str, int, int], Document] = OrderedDict()
_reading: dict[tuple[str, int, int], threading.Lock] = {}
_guard = threading.Lock()


def is_cached(path: Path) -> bool:
    """Whether :func:`read` would answer without reading the file again."""
    with _guard:
        return _stat(path) in _documents


def read(path: Path) -> Document:
    """The file read into the document model, cached by path, size and modification time.

    Two sessions asking for the same file at once read it once (the second waits).
    Raises SourceError when the file cannot be read. The Document is shared: never mutate it.
    """
    key = _stat(path)
    with _guard:
        if key in _documents:
            _documents.move_to_end(key)
            return _documents[key]
        lock = _reading.setdefault(key, threading.Lock())
    with lock:
        with _guard:
            if key in _documents:
                return _documents[key]
        try:
            doc = read_document(path.name, path.read_bytes())
        except UnreadableDocument as exc:
            raise SourceError(f"文件“{path.name}”无法读取：{exc}") from exc
        with _guard:
            _documents[key] = doc
            while len(_documents) > MAX_DOCUMENTS:
                _documents.popitem(last=False)
            _reading.pop(key, None)
    return doc


def clear_cache() -> None:
    """Forget every read document and rendered page (tests time the first reading)."""
    with _guard:
        _documents.clear()
    _render.cache_clear()
    _sha256.cache_clear()


# --- finding the reference in the document ----------------------------------------------


@dataclass(frozen=True)
class Location:
    """What a reference points at in one document."""

    page: int  # 1-based
    n_pages: int
    line: Line | None = None
    lines: tuple[Line, ...] = ()  # the line and the lines its paragraph runs on
    cell: Cell | None = None
    cell_ref: str | None = None
    boxes: tuple[BBox, ...] = ()  # PDF points to highlight
    sheet: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        """What is printed there: the cell, else the line (and its paragraph's next lines)."""
        if self.cell is not None:
            return self.cell.text
        return "".join(ln.text for ln in self.lines) if self.lines else ""


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _find_cell(doc: Document, page: int, line: Line | None, ref: str) -> tuple[Table, Cell] | None:
    """The cell a source_cell names ('表1 第5行第4列' on the page, 'B7' in a sheet)."""
    table = doc.tables[line.table] if line is not None and line.table is not None else None
    m = _PDF_CELL.match(ref)
    if m:
        index, row, col = (int(x) for x in m.groups())
        if table is None or table.index != index:
            table = next((t for t in doc.tables if t.page == page and t.index == index), None)
    else:
        s = _SHEET_CELL.match(ref)
        if not s:
            return None
        row, col = int(s.group(2)), _column_index(s.group(1)) + 1
        if table is None:
            table = next((t for t in doc.tables if t.page == page), None)
    if table is None or not (1 <= row <= len(table.rows)) or not (1 <= col <= table.n_cols):
        return None
    return table, table.rows[row - 1][col - 1]


def paragraph(doc: Document, line: Line) -> tuple[Line, ...]:
    """A prose line and the lines it runs on to (a check names a paragraph by its first line).

    A line runs on when it reaches the right edge of the page's prose without ending a
    sentence, and the next line is prose on the same page. Text files: the line alone.
    """
    if line.kind != PROSE or line.bbox is None:
        return (line,)
    page_lines = [ln for ln in doc.lines if ln.page == line.page and ln.kind == PROSE and ln.bbox]
    right = max(ln.bbox[2] for ln in page_lines)  # type: ignore[index]
    out = [line]
    current = line
    while len(out) < PARAGRAPH_MAX:
        nxt = doc.line(current.number + 1)
        ends = current.text.rstrip().endswith(_TERMINAL)
        wraps = current.bbox is not None and current.bbox[2] >= right - _WRAP_MARGIN
        if ends or not wraps or nxt is None or nxt.kind != PROSE or nxt.page != line.page or not nxt.bbox:
            break
        out.append(nxt)
        current = nxt
    return tuple(out)


def _pad(b: BBox) -> BBox:
    return (b[0] - PAD, b[1] - PAD, b[2] + PAD, b[3] + PAD)


def locate(doc: Document, request: Request) -> Location:
    """The page, line (with its paragraph), cell and boxes a request points at.

    Parts that do not fit the document (a line past its end, a page it lacks, a cell not
    on the line) are dropped with a note; the rest is still shown.
    """
    notes: list[str] = []
    n_pages = max(len(doc.pages), 1)
    line = None
    if request.line is not None:
        line = doc.line(request.line)
        if line is None:
            notes.append(f"该文件只有 {len(doc.lines)} 行，链接中的第 {request.line} 行不存在，已忽略。")
    page = request.page
    if page is not None and not 1 <= page <= n_pages:
        notes.append(f"该文件只有 {n_pages} 页，链接中的第 {page} 页不存在。")
        page = None
    if line is not None:
        if page is not None and page != line.page:
            notes.append(f"第 {line.number} 行在第 {line.page} 页（链接写第 {page} 页），按行号显示。")
        page = line.page
    page = page or 1
    cell = cell_ref = None
    if request.cell is not None:
        found = _find_cell(doc, page, line, request.cell)
        if found is None:
            notes.append(f"在第 {page} 页找不到单元格“{request.cell}”，只标出所在行。")
        else:
            table, cell = found
            cell_ref = request.cell
            row_line = doc.line(table.line_of(cell.row))
            if line is not None and row_line is not None and line.number != row_line.number:
                notes.append(
                    f"单元格“{request.cell}”在第 {row_line.number} 行（链接写第 {line.number} 行），按单元格显示。"
                )
            line = row_line
            page = table.page
    lines = paragraph(doc, line) if line is not None and cell is None else ((line,) if line else ())
    boxes: tuple[BBox, ...] = ()
    if doc.file_type == PDF:
        if cell is not None and cell.bbox is not None:
            boxes = (_pad(cell.bbox),)
        else:
            boxes = tuple(_pad(ln.bbox) for ln in lines if ln.bbox is not None)
    sheet = None
    if doc.file_type in WORKBOOKS and 1 <= page <= len(doc.pages):
        sheet = doc.pages[page - 1].name
    return Location(page, n_pages, line, lines, cell, cell_ref, boxes, sheet, tuple(notes))


# --- text files: the lines around the line ---------------------------------------------


@dataclass(frozen=True)
class WindowLine:
    number: int
    text: str
    target: bool


def text_window(doc: Document, location: Location, radius: int = WINDOW) -> list[WindowLine]:
    """The line and ``radius`` lines either side (of its page); without a line, the page's start."""
    if location.line is not None:
        centre = location.line.number
        targets = {ln.number for ln in location.lines} or {centre}
        page = location.line.page
    else:
        first = next((ln.number for ln in doc.lines if ln.page == location.page), 1)
        centre, targets, page = first + radius, set(), location.page
    lo, hi = centre - radius, max(targets | {centre}) + radius
    return [
        WindowLine(ln.number, ln.text, ln.number in targets)
        for ln in doc.lines[max(lo, 1) - 1 : hi]
        if ln.page == page
    ]


def window_html(window: Sequence[WindowLine]) -> str:
    """The window as escaped HTML (one block, no blank line inside), the line itself marked."""
    rows = []
    for w in window:
        style = (
            "background:#fff1a8;border-left:4px solid #e63c00;font-weight:600;"
            if w.target
            else "border-left:4px solid transparent;"
        )
        text = html.escape(w.text) if w.text.strip() else "&nbsp;"
        rows.append(
            f'<div style="display:flex;gap:0.8em;padding:0.1em 0.4em;{style}">'
            f'<span style="color:#888;min-width:3.5em;text-align:right;flex:none;">{w.number}</span>'
            f'<span style="white-space:pre-wrap;word-break:break-all;">{text}</span></div>'
        )
    return (
        '<div class="source-lines" style="font-size:0.95rem;line-height:1.6;border:1px solid #ddd;'
        'border-radius:0.4rem;padding:0.4em 0;">' + "".join(rows) + "</div>"
    )


# --- PDF pages as images ----------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    png: bytes
    width: int  # pixels
    height: int
    scale: float  # pixels per point
    page_size: tuple[float, float]  # points (as pdfplumber measures it)
    rects: tuple[tuple[float, float, float, float], ...]  # highlighted boxes, pixels

    def to_points(self, rect: tuple[float, float, float, float]) -> BBox:
        """A pixel rectangle of the image back in pdfplumber points."""
        return (rect[0] / self.scale, rect[1] / self.scale, rect[2] / self.scale, rect[3] / self.scale)


# PDFium is not thread-safe: one rendering (or PDF reading, etl.readers.pdfium) at a time across all sessions.
_PDFIUM = PDFIUM_LOCK


@lru_cache(maxsize=32)
def _render(
    path: str, size: int, mtime_ns: int, page: int, boxes: tuple[BBox, ...], scale: float
) -> Rendered:
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    with _PDFIUM:
        pdf = pdfium.PdfDocument(path)
        try:
            if not 1 <= page <= len(pdf):
                raise SourceError(f"PDF 只有 {len(pdf)} 页，没有第 {page} 页。")
            pg = pdf[page - 1]
            try:
                ml, mb, mr, mt = pg.get_mediabox()
                cl, cb, cr, ct = pg.get_cropbox()
                w, h = pg.get_size()
                scale = min(scale, MAX_PIXELS / max(w, h))
                image = pg.render(scale=scale).to_pil().convert("RGB")
            finally:
                pg.close()
        finally:
            pdf.close()
    # pdfplumber measures from the media box's top-left; PDFium draws the crop box.
    dx, dy = cl - ml, mt - ct
    rects = []
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    edge = max(2, round(scale))
    for x0, top, x1, bottom in boxes:
        r = (
            max((x0 - dx) * scale, 0.0),
            max((top - dy) * scale, 0.0),
            min((x1 - dx) * scale, image.width - 1.0),
            min((bottom - dy) * scale, image.height - 1.0),
        )
        if r[2] <= r[0] or r[3] <= r[1]:
            continue
        rects.append(r)
        draw.rectangle(r, fill=HIGHLIGHT_FILL, outline=HIGHLIGHT_EDGE, width=edge)
    out = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    buf = io.BytesIO()
    out.save(buf, format="PNG", optimize=False, compress_level=6)
    return Rendered(buf.getvalue(), out.width, out.height, scale, (cr - cl, ct - cb), tuple(rects))


def render_page(path: Path, page: int, boxes: Sequence[BBox] = (), scale: float = SCALE) -> Rendered:
    """One PDF page as a PNG with the boxes (pdfplumber points) highlighted; cached."""
    try:
        return _render(*_stat(path), int(page), tuple(tuple(b) for b in boxes), float(scale))  # type: ignore[misc]
    except SourceError:
        raise
    except Exception as exc:  # a damaged page: say so, never a traceback
        raise SourceError(f"第 {page} 页无法显示为图片（{type(exc).__name__}）。") from exc


def zoom_box(
    rendered: Rendered, others: Sequence[BBox] = (), margin: float = 30.0
) -> tuple[int, int, int, int] | None:
    """The pixel box of the framed place with up to ``margin`` points of context around it.

    ``others`` are the boxes of the page's lines and rows (points, see :func:`page_boxes`):
    the band stops short of a line it would cut in half. A narrow frame (a cell) keeps at
    least a third of the page's width, so the row and column it sits in can be read.
    None if nothing is framed.
    """
    if not rendered.rects:
        return None
    k = rendered.scale
    pad = margin * k
    inner_top = min(r[1] for r in rendered.rects)
    inner_bottom = max(r[3] for r in rendered.rects)
    top, bottom = inner_top - pad, inner_bottom + pad
    for b in others:
        b_top, b_bottom = b[1] * k, b[3] * k
        if b_top < top < b_bottom and b_bottom <= inner_top:
            top = b_bottom
        if b_top < bottom < b_bottom and b_top >= inner_bottom:
            bottom = b_top
    x0 = min(r[0] for r in rendered.rects) - pad
    x1 = max(r[2] for r in rendered.rects) + pad
    least = rendered.width / 3
    if x1 - x0 < least:
        grow = (least - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    return (
        max(int(x0), 0),
        max(int(top), 0),
        min(int(x1) + 1, rendered.width),
        min(int(bottom) + 1, rendered.height),
    )


def zoom(rendered: Rendered, others: Sequence[BBox] = (), margin: float = 30.0) -> bytes | None:
    """The band of :func:`zoom_box` cut out of the rendered page, as PNG."""
    box = zoom_box(rendered, others, margin)
    if box is None:
        return None
    from PIL import Image

    buf = io.BytesIO()
    Image.open(io.BytesIO(rendered.png)).crop(box).save(buf, format="PNG")
    return buf.getvalue()


def page_boxes(doc: Document, page: int) -> tuple[BBox, ...]:
    """Every line's and row's box on a page (points), for :func:`zoom`.

    A prose line's box is its text box; glyphs are drawn a little beyond it, so it is
    widened by GLYPH_OVERHANG (a row's box is its ruled cell: exact).
    """
    out = []
    for ln in doc.lines:
        if ln.page == page and ln.bbox is not None:
            x0, top, x1, bottom = ln.bbox
            grow = GLYPH_OVERHANG if ln.kind == PROSE else 0.0
            out.append((x0, top - grow, x1, bottom + grow))
    return tuple(out)
