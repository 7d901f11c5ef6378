"""PDF -> the document model, with pdfplumber.

Tables come from ruling lines (``page.find_tables()``): each cell's text is read
inside its own box, so a blank cell stays blank and a code printed '302 99'
stays in its code cells. Merged cells are expanded from the cells' boxes.
Prose is rebuilt from words with their coordinates: a word joins the line it
overlaps most vertically, so a figure the PDF draws as a separate, slightly
lower text run stays inside its sentence ('年初预算为1560.05万元').
A page without a text layer (a scan) is reported; there is no OCR.
Prose the page does not show (outside its box, clipped, white, invisible:
``etl.readers.pdf_ink``) is set in lines of its own: when the page or a
neighbouring page shows the same line it is a HIDDEN copy, never read; else it
is the only copy and read as prose. ``Document.hidden`` says why for each.
"""

from __future__ import annotations

import bisect
import dataclasses
import io
import logging
import re
from typing import Any

from etl.model import Check
from etl.readers import pdf_ink
from etl.readers.cells import join_pieces
from etl.readers.model import HIDDEN, PDF, PROSE, BBox, Document, DocumentBuilder, expand_grid
from etl.readers.text import UnreadableDocument

# pdfminer logs every odd object of a damaged file; the checks say what matters.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_SNAP = 1.0  # points: boundaries closer than this are one boundary
_MIN_OVERLAP = 0.5  # of the smaller height: a word belongs to a line it overlaps this much
_WORD_GAP = 3.0  # points between two characters that print a space (pdfplumber's x_tolerance)
_FOOTER_SHARE = 0.06  # bottom share of a page where a bare number is a page number
_PAGE_NUMBER = re.compile(r"^(?:[-—–－]?\s*\d{1,4}\s*[-—–－]?|第\s*\d{1,4}\s*页.{0,8})$")


def _pdfplumber() -> Any:
    import pdfplumber  # imported lazily: text-only builds never pay for it

    return pdfplumber


def read_pdf(source_file: str, data: bytes) -> Document:
    """Read a PDF's pages into prose lines and table grids, or raise UnreadableDocument."""
    pdfplumber = _pdfplumber()
    builder = DocumentBuilder(source_file, PDF)
    doc = builder.document
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many kinds for damaged files
        raise UnreadableDocument(_open_failure(exc)) from exc
    with pdf:
        try:
            pages = list(pdf.pages)
        except Exception as exc:
            raise UnreadableDocument(_open_failure(exc, "读不出页面")) from exc
        if not pages:
            raise UnreadableDocument("PDF 中没有页面")
        unread: list[int] = []
        ink = pdf_ink.open_ink(data)
        overflow = _overflow_pages(pages)
        hidden: list[tuple[int, str]] = []
        for page in pages:
            try:
                _read_page(builder, page, _ink(ink, page.page_number, overflow), hidden)
            except Exception as exc:  # one damaged page must not lose the others
                number = len(doc.pages) if doc.pages and doc.pages[-1].number == page.page_number else None
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
        if ink is not None:
            ink.close()
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


_ENCRYPTED = "PDF 已加密（需要密码才能打开），无法读取；请提供未加密的原件"


def _open_failure(exc: BaseException, what: str = "无法打开") -> str:
    """Why a PDF could not be opened, in words an official can act on.

    pdfplumber wraps pdfminer's exceptions (``PdfminerException(PDFPasswordIncorrect())``),
    so the wrapped exception is the one that tells.
    """
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    if isinstance(inner, PDFPasswordIncorrect | PDFEncryptionError):
        return _ENCRYPTED
    detail = f"{type(inner).__name__} {inner}".lower()
    if "password" in detail or "encrypt" in detail:
        return _ENCRYPTED
    reason = str(inner).strip() or type(inner).__name__
    return f"PDF 文件已损坏或不完整，{what}（{reason}）"


def _overflow_pages(pages: list[Any]) -> set[int]:
    """Pages next to (or with) text outside a page box: where a block runs over a page break."""
    out: set[int] = set()
    for page in pages:
        try:
            width, height = float(page.width), float(page.height)
            if any(
                not (0 <= (c["x0"] + c["x1"]) / 2 <= width and 0 <= (c["top"] + c["bottom"]) / 2 <= height)
                for c in page.chars
            ):
                out |= {page.page_number - 1, page.page_number, page.page_number + 1}
        except Exception:  # a damaged page is reported when it is read
            continue
    return out


def _ink(pdf: Any, number: int, overflow: set[int]) -> dict[str, Any] | None:
    """pypdfium2's characters of a page where it matters (an overflow page, invisible text), else None."""
    if pdf is None:
        return None
    try:
        clip = number in overflow
        if not clip and not pdf_ink.has_invisible_mode(pdf, number - 1):
            return None
        return pdf_ink.ink_chars(pdf, number - 1, clip)
    except Exception:  # pypdfium2 failing on a page pdfplumber reads: every character counts as shown
        return None


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


def _read_page(
    builder: DocumentBuilder,
    page: Any,
    ink: dict[str, Any] | None = None,
    hidden: list[tuple[int, str]] | None = None,
) -> None:
    # A page without characters is a scan only if it shows an image; else it is blank.
    has_text = bool(page.chars) or not page.images
    meta = builder.page(has_text=has_text, width=float(page.width), height=float(page.height))
    if not page.chars:
        # Ruling lines with nothing in them: a blank table page (often left over after the 目录).
        meta.blank_grid = bool(page.rects or page.lines) and bool(page.find_tables())
        return
    tables = [t for t in page.find_tables() if t.cells]
    chars = page.chars
    grids = [(t.bbox, _grid(t, chars)) for t in tables]
    # A one-column 'table' is a framed box of text (a 目录, often cells of white
    # rectangles): it is prose, read from its words like any other prose, once.
    grids = [(bbox, grid) for bbox, grid in grids if len(grid[0]) > 1]
    unseen = pdf_ink.hidden_chars(page, ink, lambda c: any(_contains(b, c) for b, _ in grids))
    shown = page.filter(lambda o: o.get("object_type") != "char" or id(o) not in unseen) if unseen else page
    words = shown.extract_words(keep_blank_chars=False, use_text_flow=False)
    prose = [(ln, None) for ln in _lines([w for w in words if not any(_contains(b, w) for b, _ in grids)])]
    for why in sorted(set(unseen.values())):
        kept = page.filter(lambda o, why=why: o.get("object_type") == "char" and unseen.get(id(o)) == why)
        prose += [(ln, why) for ln in _lines(kept.extract_words(keep_blank_chars=False, use_text_flow=False))]
    prose = [(ln, why) for ln, why in prose if not _is_page_number(ln, float(page.height))]
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


def _contains(bbox: BBox, word: dict[str, Any]) -> bool:
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
    """Index of the boundary nearest to value."""
    return min(range(len(bounds)), key=lambda i: abs(bounds[i] - value))


def _grid(table: Any, chars: list[dict[str, Any]]) -> list[list[Any]]:
    """A pdfplumber table -> an expanded grid, merged cells from the cells' boxes.

    Each character goes to the cell its centre lies in (one pass over the page's
    characters, not one per cell); a cell's characters are then set in lines.
    """
    cells = [tuple(c) for c in table.cells]
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
    inside: dict[tuple[int, int], list[dict[str, Any]]] = {}
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


def _set_text(chars: list[dict[str, Any]]) -> str:
    """A cell's characters -> its text: lines top to bottom, a space where a gap shows one."""
    if not chars:
        return ""
    lines: list[list[dict[str, Any]]] = []
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


def _lines(words: list[dict[str, Any]]) -> list[tuple[str, BBox]]:
    """Words -> lines by vertical overlap with each line's first word, left to right."""
    lines: list[tuple[float, float, list[dict[str, Any]]]] = []  # anchor top, bottom, words
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
